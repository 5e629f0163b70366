/**
 * Lambda: the ECS deployment lifecycle hook (invoked by ECS directly; answers `{hookStatus, callBackDelay}`)
 * and "ECS Hook State Change" events of pause hooks (from EventBridge; asks for approval).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { loadConfigFile } from '#adapters/config-file.ts';
import { publishOutcomeMetrics } from '#adapters/metrics.ts';
import { wireAlarms, wireCore, wireNotifier } from '#adapters/wiring.ts';
import { logger } from '#commons/powertools.ts';
import { isLifecycleHookInput, type LifecycleHookResponse } from '#core/events/lifecycle-hook.ts';
import type { PromotionOutcome } from '#core/outcome.ts';
import { admitDeployment } from '#core/use-cases/admit-deployment.ts';
import { handleHookStateChange } from '#core/use-cases/pause-hook.ts';

const deps = { ...wireCore(loadConfigFile()), alarms: wireAlarms() };
const notifier = wireNotifier(deps);

export const deploymentHook = async (event: unknown): Promise<LifecycleHookResponse | PromotionOutcome> => {
  if (isLifecycleHookInput(event)) {
    const outcome = await admitDeployment(event, deps);
    publishOutcomeMetrics(outcome, deps.config);
    await notifier.deliver(outcome, { 'detail-type': 'ECS Lifecycle Hook', region: process.env.AWS_REGION });
    return {
      hookStatus: outcome.hookStatus,
      ...(outcome.callBackDelay !== undefined ? { callBackDelay: outcome.callBackDelay } : {}),
    };
  }
  const outcome = await handleHookStateChange(event, deps);
  publishOutcomeMetrics(outcome, deps.config);
  await notifier.deliver(outcome, event);
  return outcome;
};

// No idempotency on an event id: a hook payload has none, and both paths are idempotent in the ledger.
export const handler = middy(deploymentHook).use(injectLambdaContext(logger, { resetKeys: true }));
