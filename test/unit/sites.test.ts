/** Hub and spoke, pure: where a service is, its ledger key, and which account may speak for it. */
import { describe, expect, it } from 'vitest';
import { matchingPipelines, parseConfig, pipelinesForService } from '#core/config.ts';
import { locateService, serviceKeyOf, siteOfTarget, splitServiceKey, trustService } from '#core/sites.ts';

const home = { account: '111111111111', region: 'eu-west-1' };
const config = parseConfig(
  {
    accounts: {
      shared: { id: '222222222222', region: 'eu-west-1' },
      prod: { id: '333333333333', region: 'eu-central-1', roleName: 'ops-deploy' },
      // The hub itself, named: its targets keep the hub's keys.
      self: { id: '111111111111', region: 'eu-west-1' },
    },
    pipelines: [
      {
        name: 'web',
        repository: { account: 'shared', name: 'web' },
        targets: [
          { account: 'prod', cluster: 'prod', service: 'web' },
          { account: 'self', cluster: 'prod', service: 'web' },
        ],
      },
      { name: 'api', repository: 'api', targets: [{ cluster: 'prod', service: 'api' }] },
    ],
  },
  'sites',
);
const deps = { config, home };
const prod = { account: '333333333333', region: 'eu-central-1', roleName: 'ops-deploy' };

describe('sites', () => {
  it('keys a spoke service by account and Region, and keeps the hub’s old keys', () => {
    const [spoke, self] = config.pipelines[0]?.targets ?? [];
    expect(siteOfTarget(deps, spoke ?? { account: undefined })).toEqual(prod);
    expect(siteOfTarget(deps, self ?? { account: undefined })).toBeUndefined();
    expect(serviceKeyOf('prod', 'web', prod)).toBe('333333333333/eu-central-1/prod/web');
    expect(serviceKeyOf('arn:aws:ecs:eu-west-1:111111111111:cluster/prod', 'web', undefined)).toBe(
      'prod/web',
    );
    expect(splitServiceKey('333333333333/eu-central-1/prod/web')).toEqual({
      cluster: 'prod',
      service: 'web',
      place: { account: '333333333333', region: 'eu-central-1' },
    });
    expect(splitServiceKey('prod/web')).toEqual({ cluster: 'prod', service: 'web' });
  });

  it('places a service ARN, and believes only its own account about it', () => {
    const arn = 'arn:aws:ecs:eu-central-1:333333333333:service/prod/web';
    expect(locateService(deps, arn)).toMatchObject({
      known: true,
      site: prod,
      serviceKey: '333333333333/eu-central-1/prod/web',
    });
    expect(trustService(deps, { account: '333333333333' }, arn)).toMatchObject({ trusted: true });
    expect(trustService(deps, { account: '222222222222' }, arn)).toEqual({
      trusted: false,
      reason:
        'an event from account 222222222222 may not speak for 333333333333/eu-central-1/prod/web (account 333333333333)',
    });
    // Same account, a Region nobody configured: unknown.
    expect(trustService(deps, { account: '333333333333' }, arn.replace('eu-central-1', 'us-east-1'))).toEqual(
      {
        trusted: false,
        reason: 'account 333333333333 in us-east-1 is not configured under accounts',
      },
    );
    expect(locateService(deps, 'arn:aws:ecs:eu-west-1:111111111111:service/web')).toMatchObject({
      known: true,
      site: undefined,
      serviceKey: 'default/web',
    });
  });

  it('matches a push only to pipelines whose registry is in the pushing account and Region', () => {
    const names = (account: string, repository: string) =>
      matchingPipelines(deps, { account, region: 'eu-west-1' }, repository, '1.0.0').map(
        (m) => m.pipeline.name,
      );
    expect(names('222222222222', 'web')).toEqual(['web']);
    expect(names('111111111111', 'web')).toEqual([]);
    expect(names('111111111111', 'api')).toEqual(['api']);
    expect(names('222222222222', 'api')).toEqual([]);
  });

  it('finds the pipelines of a service only at its own site', () => {
    expect(pipelinesForService(deps, prod, 'prod', 'web').map((p) => p.name)).toEqual(['web']);
    expect(pipelinesForService(deps, undefined, 'prod', 'web').map((p) => p.name)).toEqual(['web']);
    expect(pipelinesForService(deps, prod, 'prod', 'api')).toEqual([]);
  });

  it('rejects accounts that are not defined, or that two names share', () => {
    expect(() =>
      parseConfig(
        {
          accounts: {
            a: { id: '222222222222', region: 'eu-west-1' },
            b: { id: '222222222222', region: 'eu-west-1' },
          },
          pipelines: [
            {
              name: 'p',
              repository: { account: 'nope', name: 'web' },
              targets: [{ account: 'gone', cluster: 'c', service: 's' }],
            },
          ],
        },
        'bad',
      ),
    ).toThrow(
      expect.objectContaining({
        issues: expect.arrayContaining([
          expect.stringContaining('pipelines[0].repository.account'),
          expect.stringContaining('pipelines[0].targets[0].account'),
          expect.stringContaining('accounts.b'),
        ]),
      }),
    );
  });
});
