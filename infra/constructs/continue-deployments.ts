import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { SynthConfig } from '../deckhand-config.ts';
import { acknowledgeWildcards, allPlaces, arnAt, grantAssumeSpokeRoles } from './places.ts';

/**
 * `ecs:ContinueServiceDeployment` for the functions that answer a pause hook: slack-actions when an approval
 * is decided, timers when it expires. The Service Authorization Reference lists the service and the
 * service-deployment resource types for it. A pause hook may wait in any account and Region Deckhand acts in.
 */
export const grantContinueDeployments = (fn: IFunction, config: SynthConfig): void => {
  const places = allPlaces(fn, config.config);
  const services = places.map((place) => arnAt(fn, place, 'ecs', 'service', '*/*'));
  const deployments = places.map((place) => arnAt(fn, place, 'ecs', 'service-deployment', '*'));
  grantAssumeSpokeRoles(fn, config.config, Object.keys(config.config.accounts));
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['ecs:ContinueServiceDeployment'],
      resources: [...services, ...deployments],
    }),
  );
  acknowledgeWildcards(
    fn.role,
    services,
    'A pause hook may wait on any service of the account that attached it.',
  );
  acknowledgeWildcards(
    fn.role,
    deployments,
    'Continues or rolls back exactly the deployment a decided pause-hook approval names.',
  );
};
