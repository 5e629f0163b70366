/** Which use case handles an event, by detail-type: the same routing the Lambdas' EventBridge rules do. */
import type { Outcome } from '#core/outcome.ts';
import { type DeployDeps, handleImageAction } from '#core/use-cases/deploy-image.ts';

export interface CliDeps {
  deploy: () => DeployDeps;
}

const detailType = (event: unknown): string => {
  const value = (event as Record<string, unknown> | null)?.['detail-type'];
  return typeof value === 'string' ? value : '';
};

export const routeEvent = async (event: unknown, deps: CliDeps): Promise<Outcome> => {
  switch (detailType(event)) {
    case 'ECR Image Action':
      return handleImageAction(event, deps.deploy());
    default: {
      const id = (event as { id?: unknown } | null)?.id;
      return {
        eventId: typeof id === 'string' ? id : '(no id)',
        detailType: detailType(event) || '(none)',
        outcome: 'ignored',
        actions: [],
        reason: `no handler for detail-type "${detailType(event) || '(none)'}"`,
      };
    }
  }
};
