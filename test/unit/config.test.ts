import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '#cli/config-yaml.ts';
import { parseBundledConfig } from '#core/bundled-config.ts';
import { configJsonSchema, matchingPipelines, parseConfig } from '#core/config.ts';
import { issuesOf } from '../helpers/config.ts';
import { sampleHome } from '../helpers/home.ts';

const pipeline = (overrides: Record<string, unknown> = {}) => ({
  name: 'web-staging',
  repository: 'web',
  targets: [{ cluster: 'staging', service: 'web' }],
  ...overrides,
});

describe('configuration', () => {
  it('accepts the documented shape and defaults the tag policy to every tag', () => {
    const config = parseConfigText(
      [
        'pipelines:',
        '  - name: web-staging',
        '    repository: web',
        '    tags: "main-*"',
        '    targets:',
        '      - cluster: staging',
        '        service: web',
        '        containers: [app]',
        '    team: payments',
        '  - name: api',
        '    repository: api',
        '    targets: [{ cluster: prod, service: api }]',
      ].join('\n'),
      'inline.yaml',
    );
    expect(config.pipelines[0]).toMatchObject({ tags: 'main-*', team: 'payments' });
    expect(config.pipelines[1]?.tags).toBe('*');
  });

  it('names the path of a missing key', () => {
    const issues = issuesOf({
      pipelines: [pipeline(), pipeline({ name: 'other', targets: [{ service: 'web' }] })],
    });
    expect(issues).toContain('pipelines[1].targets[0].cluster: required');
  });

  it('rejects duplicate pipeline names, naming both', () => {
    const issues = issuesOf({ pipelines: [pipeline(), pipeline()] });
    expect(issues.join('\n')).toMatch(
      /pipelines\[1\]\.name: duplicate pipeline name "web-staging".*pipelines\[0\]/,
    );
  });

  it('rejects unknown keys, so a typo is not silently ignored', () => {
    const issues = issuesOf({ pipelines: [pipeline({ tag: 'main-*' })] });
    expect(issues.join('\n')).toMatch(/pipelines\[0\].*tag/);
  });

  it('rejects an invalid tag policy at its path', () => {
    const issues = issuesOf({ pipelines: [pipeline({ tags: 'semver:>>x' })] });
    expect(issues.join('\n')).toMatch(/^pipelines\[0\]\.tags: not a semver range/m);
  });

  it('checks tag policies, crons, time zones and rule IDs with their parsers, each at its path', () => {
    const window = { cron: '0 17 * * FRI', duration: '1h', reason: 'weekend' };
    const issues = issuesOf({
      freeze: [{ ...window, cron: '61 * * * *' }],
      guardrails: {
        rules: { 'TD-999': 'block', 'TD-001': 'warn' },
        environments: { prod: { clusters: ['prod-*'], freeze: [{ ...window, timezone: 'Mars/Olympus' }] } },
      },
      pipelines: [pipeline({ tags: 'regex:(', guardrails: { 'XX-001': 'off' } })],
    });
    expect(issues).toEqual([
      expect.stringMatching(/^pipelines\[0\]\.tags: not a valid regular expression/),
      'pipelines[0].guardrails.XX-001: unknown rule id',
      expect.stringMatching(/^freeze\[0\]\.cron: invalid cron "61 \* \* \* \*"/),
      'guardrails.rules.TD-999: unknown rule id',
      expect.stringMatching(/^guardrails\.environments\.prod\.freeze\[0\]\.timezone: unknown time zone/),
    ]);
  });

  it('reads back, in a function, the copy of the config cdk synth bundles', () => {
    const configs = [
      parseConfigText(readFileSync('infra/deckhand.config.example.yaml', 'utf8'), 'example'),
      parseConfig(
        {
          accounts: { shared: { id: '111111111111', region: 'eu-west-1' } },
          pipelines: [
            pipeline({ repository: { account: 'shared', name: 'web' }, tags: 'semver:^1' }),
            pipeline({ name: 'web-prod', repository: undefined, promote: { from: 'web-staging' } }),
          ],
        },
        'cross-account',
      ),
    ];
    expect(configs[0]?.pipelines.some((p) => p.promote)).toBe(true);
    for (const config of configs) {
      const bundled: unknown = JSON.parse(JSON.stringify(config));
      expect(parseBundledConfig(bundled, 'deckhand.config.json')).toEqual(config);
    }
  });

  it('reads config as written in a function as parseConfig does', () => {
    const raw = { pipelines: [pipeline({ tags: 'main-*' })], teams: { web: {} } };
    expect(parseBundledConfig(raw, 'written.json')).toEqual(parseConfig(raw, 'written.json'));
  });

  it('rejects YAML that does not parse, naming the file', () => {
    expect(() => parseConfigText('pipelines: [', 'broken.yaml')).toThrow(/broken\.yaml/);
  });

  it('matches pipelines by repository and tag policy', () => {
    const config = parseConfig(
      {
        pipelines: [
          pipeline({ tags: 'main-*' }),
          pipeline({ name: 'releases', tags: 'semver:^1' }),
          pipeline({ name: 'api', repository: 'api' }),
        ],
      },
      'test',
    );
    expect(
      matchingPipelines({ config, home: sampleHome }, sampleHome, 'web', 'main-abc').map(
        (m) => m.pipeline.name,
      ),
    ).toEqual(['web-staging']);
    expect(
      matchingPipelines({ config, home: sampleHome }, sampleHome, 'web', '1.4.0').map((m) => m.pipeline.name),
    ).toEqual(['releases']);
    expect(matchingPipelines({ config, home: sampleHome }, sampleHome, 'web', 'feature-x')).toEqual([]);
  });

  it('ships a JSON Schema for editors that matches the zod schema', () => {
    const committed: unknown = JSON.parse(readFileSync('infra/deckhand.config.schema.json', 'utf8'));
    expect(committed, 'run `npm run schema` to regenerate').toEqual(configJsonSchema());
  });

  it('accepts the example config', () => {
    const config = parseConfigText(readFileSync('infra/deckhand.config.example.yaml', 'utf8'), 'example');
    expect(config.pipelines.length).toBeGreaterThan(0);
  });
});

describe('the README', () => {
  it('documents every guardrail rule as the catalogue defines it', async () => {
    const { rulesTableMarkdown } = await import('#core/guardrails/rules-table.ts');
    const readme = readFileSync('README.md', 'utf8');
    expect(readme, 'run `npm run rules-table` to regenerate').toContain(
      `<!-- rules:start -->\n${rulesTableMarkdown()}\n<!-- rules:end -->`,
    );
  });
});
