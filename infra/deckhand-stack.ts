import { Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DeckhandDashboard } from './constructs/dashboard.ts';
import { DeadLetterQueue } from './constructs/dead-letter-queue.ts';
import { DeployOnPush } from './constructs/deploy-on-push.ts';
import { DeploymentHook } from './constructs/deployment-hook.ts';
import { DriftCheck } from './constructs/drift-check.ts';
import { GuardrailAudit } from './constructs/guardrail-audit.ts';
import { hasSpokes, HubBus } from './constructs/hub-bus.ts';
import { Notifications } from './constructs/notifications.ts';
import { OperationsAlarms } from './constructs/operations-alarms.ts';
import { RolloutFollowThrough } from './constructs/rollout-follow-through.ts';
import { RollQueue } from './constructs/roll-queue.ts';
import { SlackInteractivity } from './constructs/slack-interactivity.ts';
import { StateTable } from './constructs/state-table.ts';
import { Timers } from './constructs/timers.ts';
import { loadSynthConfig } from './deckhand-config.ts';

export interface DeckhandStackProps extends StackProps {
  production: boolean;
}

export class DeckhandStack extends Stack {
  readonly state: StateTable;
  readonly deadLetters: DeadLetterQueue;
  readonly deployOnPush: DeployOnPush;
  readonly guardrailAudit: GuardrailAudit;
  readonly rollouts: RolloutFollowThrough;
  readonly drift: DriftCheck;
  readonly timers: Timers;
  readonly slackInteractivity: SlackInteractivity;
  readonly deploymentHook: DeploymentHook;
  readonly operations: OperationsAlarms;
  /** Hub and spoke only: the bus the spoke stacks forward their events to. */
  readonly hubBus: HubBus | undefined;
  readonly dashboard: DeckhandDashboard;
  readonly rollQueue: RollQueue;
  readonly notifications: Notifications;

  constructor(scope: Construct, id: string, props: DeckhandStackProps) {
    super(scope, id, props);
    Tags.of(this).add('app', 'deckhand');
    const config = loadSynthConfig(this.node);
    this.state = new StateTable(this, 'State', { production: props.production });
    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters');
    this.notifications = new Notifications(this, 'Notifications', { config, table: this.state.table });
    this.hubBus = hasSpokes(config.config)
      ? new HubBus(this, 'HubBus', { config: config.config })
      : undefined;
    const hubBus = this.hubBus?.bus;
    this.deployOnPush = new DeployOnPush(this, 'DeployOnPush', {
      config,
      table: this.state.table,
      deadLetterQueue: this.deadLetters.queue,
      hubBus,
    });
    // Timers deploys promotions and released holds through the same path as a push.
    this.timers = new Timers(this, 'Timers', {
      config,
      table: this.state.table,
      deadLetterQueue: this.deadLetters.queue,
    });
    // A deploy hitting many services (push, resumed push, promotion, released hold) queues its rolls.
    this.rollQueue = new RollQueue(this, 'Rolls', {
      config,
      table: this.state.table,
      deadLetterQueue: this.deadLetters.queue,
    });
    for (const fn of [this.deployOnPush.handler, this.deployOnPush.scanHandler, this.timers])
      this.rollQueue.grantFanOut(fn.function);
    this.guardrailAudit = new GuardrailAudit(this, 'GuardrailAudit', {
      config,
      table: this.state.table,
      deadLetterQueue: this.deadLetters.queue,
      selfRoleArns: [
        this.deployOnPush.handler.function,
        this.deployOnPush.scanHandler.function,
        this.timers.function,
        this.rollQueue.worker,
      ].map((fn) => fn.role?.roleArn ?? ''),
      hubBus,
    });
    this.rollouts = new RolloutFollowThrough(this, 'Rollouts', {
      config,
      table: this.state.table,
      deadLetterQueue: this.deadLetters.queue,
      hubBus,
    });
    this.drift = new DriftCheck(this, 'Drift', {
      config,
      table: this.state.table,
      deadLetterQueue: this.deadLetters.queue,
    });
    this.slackInteractivity = new SlackInteractivity(this, 'SlackInteractivity', {
      config,
      table: this.state.table,
    });
    // Not among the audit's self roles: it never calls UpdateService (it reads, and asks for approvals).
    this.deploymentHook = new DeploymentHook(this, 'DeploymentHook', {
      config,
      table: this.state.table,
      deadLetterQueue: this.deadLetters.queue,
      hubBus,
    });
    // Live status with Resume / Approve / Decline, gated by who may invoke its function.
    this.dashboard = new DeckhandDashboard(this, 'Dashboard', { config, table: this.state.table });
    // Every function tells teams, through the notice queue the notifier drains.
    const tellers = {
      ImagePush: this.deployOnPush.handler.function,
      ImageScan: this.deployOnPush.scanHandler.function,
      EcsChange: this.guardrailAudit.handler.function,
      EcsEvents: this.rollouts.ecsEvents.function,
      Alarm: this.rollouts.alarm.function,
      Drift: this.drift.function,
      Timers: this.timers.function,
      RollWorker: this.rollQueue.worker,
      SlackActions: this.slackInteractivity.function,
      DeploymentHook: this.deploymentHook.handler.function,
      Dashboard: this.dashboard.function,
    };
    for (const [name, fn] of Object.entries(tellers))
      this.notifications.grantNotify(fn, { teamTags: name !== 'SlackActions' });
    const email: unknown = this.node.tryGetContext('deckhand:alarm-email');
    this.operations = new OperationsAlarms(this, 'Operations', {
      deadLetterQueue: this.deadLetters.queue,
      noticeDeadLetterQueue: this.notifications.deadLetterQueue,
      functions: { ...tellers, Notifier: this.notifications.notifier },
      ...(typeof email === 'string' && email ? { email } : {}),
    });
  }
}
