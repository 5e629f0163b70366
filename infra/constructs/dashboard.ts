import { Duration } from 'aws-cdk-lib';
import {
  CustomWidget,
  Dashboard,
  GraphWidget,
  type IWidget,
  Metric,
  Stats,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { metricNames, metricsNamespace, pipelineDimension } from '#core/metrics/names.ts';
import { bundledConfigName, copyConfigInto, type SynthConfig } from '../deckhand-config.ts';
import { grantContinueDeployments } from './continue-deployments.ts';
import { DeckhandFunction } from './deckhand-function.ts';
import { grantStateAccess } from './state-access.ts';

export interface DeckhandDashboardProps {
  config: SynthConfig;
  table: ITableV2;
}

type MetricKey = keyof typeof metricNames;

/**
 * The CloudWatch dashboard `Deckhand`: the DORA measures and the brakes as metric graphs (one line per
 * pipeline), and a custom widget backed by the `dashboard` function that renders live status and offers
 * Resume / Approve / Decline buttons.
 *
 * Who may see the widget and press its buttons is whoever may invoke the function: the `operators` managed
 * policy grants exactly that, to attach to the people who decide. The function itself may read the state
 * table, describe the configured services, write the decisions and resumes, answer a pause hook, and tell
 * the owning team in Slack; nothing else.
 */
export class DeckhandDashboard extends Construct {
  readonly function: DeckhandFunction;
  readonly dashboard: Dashboard;
  readonly operators: ManagedPolicy;

  constructor(scope: Construct, id: string, props: DeckhandDashboardProps) {
    super(scope, id);
    const { config, table } = props;
    this.function = new DeckhandFunction(this, 'Function', {
      handlerName: 'dashboard',
      description: 'Deckhand: live status and approval buttons for the CloudWatch dashboard',
      // The console waits for the widget; a slow answer is better cut short than left spinning.
      timeout: Duration.seconds(20),
      memorySize: 512,
      environment: { DECKHAND_TABLE: table.tableName, DECKHAND_CONFIG: bundledConfigName },
      bundling: { commandHooks: copyConfigInto(config.jsonFile) },
    });
    const fn = this.function;
    // Rollouts, promotions, freezes and admissions are listed per partition (query); decisions and resumes
    // update or delete items.
    grantStateAccess(fn, table, { query: true });
    // DescribeServices on the configured services, and the teams' Slack secrets to update approval messages.
    // An approved or declined pause-hook approval continues or rolls back its deployment at once.
    grantContinueDeployments(fn, config);

    this.operators = new ManagedPolicy(this, 'Operators', {
      description: 'Deckhand dashboard: see live status and press Resume / Approve / Decline',
      statements: [new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] })],
    });

    const pipelines = config.config.pipelines.map((p) => p.name);
    // One line per pipeline; `named` when two measures share a graph.
    const metrics = (key: MetricKey, statistic: string, period: Duration, named = false) =>
      pipelines.map(
        (pipeline) =>
          new Metric({
            namespace: metricsNamespace,
            metricName: metricNames[key],
            dimensionsMap: { [pipelineDimension]: pipeline },
            statistic,
            period,
            label: named ? `${pipeline} ${metricNames[key]}` : pipeline,
          }),
      );
    const day = Duration.days(1);
    const hour = Duration.hours(1);
    const graph = (title: string, left: Metric[], extra: { stacked?: boolean; unit?: string } = {}) =>
      new GraphWidget({
        title,
        left,
        width: 8,
        height: 6,
        stacked: extra.stacked ?? false,
        ...(extra.unit ? { leftYAxis: { label: extra.unit, showUnits: false, min: 0 } } : {}),
      });
    const widgets: IWidget[][] = [
      [
        new TextWidget({
          markdown:
            '# Deckhand\nDORA measures per pipeline, the brakes, and live status. ' +
            '`deckhand report` computes the same measures from the ledger.',
          width: 24,
          height: 2,
        }),
      ],
      [
        graph('Deployments per day', metrics('deployments', Stats.SUM, day), { stacked: true }),
        graph('Lead time, push → succeeded (p50)', metrics('leadTime', Stats.p(50), day), {
          unit: 'seconds',
        }),
        graph('Change failures per day', metrics('changeFailures', Stats.SUM, day), { stacked: true }),
      ],
      [
        graph('Time to restore (average)', metrics('timeToRestore', Stats.AVERAGE, day), { unit: 'seconds' }),
        graph('Blocked by guardrails and frozen', [
          ...metrics('blockedByGuardrails', Stats.SUM, hour, true),
          ...metrics('frozen', Stats.SUM, hour, true),
        ]),
        graph('Drift found and crash loops', [
          ...metrics('driftFound', Stats.SUM, hour, true),
          ...metrics('crashLoops', Stats.SUM, hour, true),
        ]),
      ],
      [
        new CustomWidget({
          title: 'Live status',
          functionArn: fn.functionArn,
          width: 24,
          height: 12,
          updateOnRefresh: true,
          updateOnResize: false,
          updateOnTimeRangeChange: false,
        }),
      ],
    ];
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: 'Deckhand',
      defaultInterval: Duration.days(14),
      widgets,
    });
  }
}
