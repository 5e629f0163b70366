/**
 * Why an ECS task stopped, from its STOPPED event: the basis of crash-loop detection. Spot interruptions,
 * scale-in and user stops are not failures; the rest are.
 */
export type StopKind =
  | 'oom'
  | 'image-pull'
  | 'resource-init'
  | 'health-check'
  | 'exit'
  | 'spot-interruption'
  | 'scale-in'
  | 'user'
  | 'other';

export interface StoppedContainer {
  name?: string;
  exitCode?: number;
  reason?: string;
  imageDigest?: string;
  image?: string;
  essential?: boolean;
}

export interface StoppedTask {
  stopCode?: string;
  stoppedReason?: string;
  containers?: StoppedContainer[];
}

export interface StopClassification {
  kind: StopKind;
  failing: boolean;
  exitCodes: Record<string, number>;
  reasons: string[];
}

// 'other' is not counted: an unexplained stop alone should not page anyone.
const failingKinds = new Set<StopKind>(['oom', 'image-pull', 'resource-init', 'health-check', 'exit']);

export const classifyStop = (task: StoppedTask): StopClassification => {
  const containers = task.containers ?? [];
  const stoppedReason = task.stoppedReason ?? '';
  const reasons = [stoppedReason, ...containers.map((c) => c.reason ?? '')].filter((r) => r.length > 0);
  const exitCodes = Object.fromEntries(
    containers.filter((c) => c.exitCode !== undefined).map((c) => [c.name ?? '?', c.exitCode as number]),
  );
  const all = reasons.join('\n');
  const kind = ((): StopKind => {
    if (task.stopCode === 'SpotInterruption' || /spot interruption/i.test(stoppedReason))
      return 'spot-interruption';
    if (task.stopCode === 'UserInitiated' && !/health ?check/i.test(stoppedReason)) return 'user';
    if (
      /OutOfMemory/i.test(all) ||
      containers.some((c) => c.exitCode === 137 && /OutOfMemory|OOM/i.test(c.reason ?? ''))
    )
      return 'oom';
    if (/CannotPullContainerError|pull image manifest|PullImage/i.test(all)) return 'image-pull';
    if (/ResourceInitializationError/i.test(all)) return 'resource-init';
    if (/health ?checks?/i.test(stoppedReason)) return 'health-check';
    if (/scaling activity initiated|scale-in|scaled in/i.test(stoppedReason)) return 'scale-in';
    // 137 without an OOM reason is still the kernel's SIGKILL, most often the memory limit.
    if (containers.some((c) => c.exitCode === 137)) return 'oom';
    if (containers.some((c) => c.essential !== false && c.exitCode !== undefined && c.exitCode !== 0))
      return 'exit';
    if (task.stopCode === 'ServiceSchedulerInitiated' && Object.values(exitCodes).every((code) => code === 0))
      return 'scale-in';
    if (task.stopCode === 'EssentialContainerExited') return 'exit';
    return 'other';
  })();
  return { kind, failing: failingKinds.has(kind), exitCodes, reasons };
};
