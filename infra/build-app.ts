import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DeckhandStack } from './deckhand-stack.ts';
import { readSynthConfig } from './deckhand-config.ts';
import { DeckhandSpokeStack } from './spoke-stack.ts';
import { spokeRequested, spokeSettings } from './spoke-settings.ts';

export interface BuildAppOptions extends AppProps {
  /** Overrides the `deckhand:production` context. */
  production?: boolean;
}

/**
 * Builds the Deckhand app; cdk-nag's AwsSolutions pack always runs, so a finding fails synth. The hub stack
 * is always there; the spoke stack when its context is given (see spoke-settings.ts).
 */
export const buildApp = (
  options: BuildAppOptions = {},
): { app: App; stack: DeckhandStack; spoke: DeckhandSpokeStack | undefined } => {
  const { production: productionOverride, ...appProps } = options;
  const app = new App(appProps);
  const fromContext: unknown = app.node.tryGetContext('deckhand:production');
  const production = productionOverride ?? (fromContext === true || fromContext === 'true');
  const stack = new DeckhandStack(app, 'Deckhand', {
    production,
    description: 'Deckhand: event-driven automation for Amazon ECS',
    // Environment-agnostic on purpose: synth needs no account, deploy takes the CLI's.
  });
  let spoke: DeckhandSpokeStack | undefined;
  if (spokeRequested(app.node)) {
    const { config } = readSynthConfig(app.node);
    spoke = new DeckhandSpokeStack(app, 'DeckhandSpoke', {
      config,
      settings: spokeSettings(app.node, config),
      description:
        'Deckhand spoke: forwards ECS, ECR and alarm events to the hub, and lets the hub deploy here',
    });
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack, spoke };
};
