/** The CLI's wiring: the config as people write it (YAML or JSON), then the same adapters as the Lambdas. */
import { type Wired, wireCore } from '#adapters/wiring.ts';
import { loadConfigFileAnyFormat } from './config-yaml.ts';

export const wireCli = (configPath?: string): Wired => wireCore(loadConfigFileAnyFormat(configPath));
