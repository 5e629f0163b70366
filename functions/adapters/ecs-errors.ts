/** ECS's errors in Deckhand's classes: permanent for the request (TargetError), or worth retrying (TransientError). */
import { TargetError, TransientError } from '#core/errors.ts';
import { isTransientAwsError } from './aws-clients.ts';

/** ECS answers these when the request can never succeed as sent. */
const permanentNames = new Set([
  'AccessDeniedException',
  'ClientException',
  'ClusterNotFoundException',
  'InvalidParameterException',
  'PlatformTaskDefinitionIncompatibilityException',
  'PlatformUnknownException',
  'ServiceDeploymentNotFoundException',
  'ServiceNotActiveException',
  'ServiceNotFoundException',
  'UnsupportedFeatureException',
]);

export const mapEcsError = (operation: string, subject: string, error: unknown): Error => {
  const name = (error as { name?: string }).name ?? 'Error';
  const message = `${operation} ${subject}: ${name}: ${(error as Error).message}`;
  if (permanentNames.has(name)) return new TargetError(message, { cause: error });
  if (isTransientAwsError(error)) return new TransientError(message, { cause: error });
  return error instanceof Error ? error : new Error(message, { cause: error });
};
