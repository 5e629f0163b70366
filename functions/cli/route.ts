/** Which use case handles an event, by detail-type: the same routing the Lambdas' EventBridge rules do. */
import type { Outcome } from '#core/outcome.ts';
import { type AuditDeps, auditEcsChange } from '#core/use-cases/audit-ecs-change.ts';
import { type DeployDeps, handleImageAction } from '#core/use-cases/deploy-image.ts';
import { recordScan } from '#core/use-cases/record-scan.ts';

export interface CliDeps {
  deploy: () => DeployDeps;
  audit: () => AuditDeps;
}

const detailType = (event: unknown): string => {
  const value = (event as Record<string, unknown> | null)?.['detail-type'];
  return typeof value === 'string' ? value : '';
};

export const routeEvent = async (event: unknown, deps: CliDeps): Promise<Outcome> => {
  switch (detailType(event)) {
    case 'ECR Image Action':
      return handleImageAction(event, deps.deploy());
    case 'ECR Image Scan':
    case 'Inspector2 Scan':
      return recordScan(event, deps.deploy());
    case 'AWS API Call via CloudTrail':
      return auditEcsChange(event, deps.audit());
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
