/** Which use case handles an event, by detail-type: the same routing the Lambdas' EventBridge rules do. */
import type { Outcome } from '#core/outcome.ts';
import { type AuditDeps, auditEcsChange } from '#core/use-cases/audit-ecs-change.ts';
import { type DeployDeps, handleImageAction } from '#core/use-cases/deploy-image.ts';
import { type AlarmDeps, handleAlarm } from '#core/use-cases/alarm-rollback.ts';
import { followServiceEvent } from '#core/use-cases/follow-deployment.ts';
import { followTaskEvent } from '#core/use-cases/follow-task.ts';
import { recordScan } from '#core/use-cases/record-scan.ts';

export interface CliDeps {
  deploy: () => DeployDeps;
  audit: () => AuditDeps;
  rollout: () => AlarmDeps;
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
    case 'ECS Deployment State Change':
    case 'ECS Service Action':
      return followServiceEvent(event, deps.rollout());
    case 'ECS Task State Change':
      return followTaskEvent(event, deps.rollout());
    case 'CloudWatch Alarm State Change':
      return handleAlarm(event, deps.rollout());
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
