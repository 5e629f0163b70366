/**
 * The dashboard function's wiring: the custom widget's answer from the real ledger and ECS, and a decision
 * made from the widget told to the owning team the way Slack's and the CLI's are (the approval message is
 * updated in place). The `dashboard` Lambda and the tests answer through `answerDashboard`.
 */
import { answerWidget, type DashboardDeps, type WidgetAnswer } from '#core/use-cases/dashboard-widget.ts';
import { type Notifier, type Wired, wireNotifier } from './wiring.ts';

export interface DashboardWired {
  core: Wired;
  notifier: Notifier;
}

export const wireDashboard = (core: Wired, options: { notifier?: Notifier } = {}): DashboardWired => ({
  core,
  notifier: options.notifier ?? wireNotifier(core),
});

/** `functionArn`: where the widget's buttons call back; in Lambda, the invoked ARN (alias included). */
export const answerDashboard = async (
  event: unknown,
  functionArn: string,
  wired: DashboardWired,
): Promise<WidgetAnswer> => {
  const deps: DashboardDeps = { ...wired.core, functionArn };
  const answer = await answerWidget(event, deps);
  if (answer.outcome)
    await wired.notifier.deliver(answer.outcome, {
      region: process.env.AWS_REGION ?? 'us-east-1',
      'detail-type': 'CloudWatch dashboard',
    });
  return answer;
};
