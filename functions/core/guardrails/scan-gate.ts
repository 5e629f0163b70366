/** IMG-003: gate a deploy on the digest's vulnerability scan. Missing severities count as 0. */
import type { Finding } from './types.ts';

export const scanSeverities = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNDEFINED'] as const;
export type ScanSeverity = (typeof scanSeverities)[number];
export type SeverityCounts = Partial<Record<ScanSeverity, number>>;

export interface ScanRecord {
  digest: string;
  status: 'complete' | 'failed';
  counts: SeverityCounts;
  source: 'ecr-basic' | 'inspector2';
  scannedAt: string;
}

export interface ScanGate {
  /** Block when a severity's count is at or above the number. */
  block: SeverityCounts;
  /** Warn when a severity's count is at or above the number. */
  warn: SeverityCounts;
  /** How long a deploy waits for the scan; then `onTimeout` decides. */
  timeoutMinutes: number;
  onTimeout: 'block' | 'deploy';
}

const over = (counts: SeverityCounts, thresholds: SeverityCounts): string[] =>
  scanSeverities.flatMap((severity) => {
    const limit = thresholds[severity];
    const count = counts[severity] ?? 0;
    return limit !== undefined && count >= limit ? [`${severity} ${count} ≥ ${limit}`] : [];
  });

export const formatCounts = (counts: SeverityCounts): string =>
  scanSeverities.map((s) => `${s} ${counts[s] ?? 0}`).join(', ');

/** One IMG-003 finding; `timedOut` says the wait for the scan is over. */
export const evaluateScanGate = (
  scan: ScanRecord | undefined,
  gate: ScanGate,
  timedOut: boolean,
): Finding => {
  const base = { rule: 'IMG-003', field: 'image-digest' } as const;
  if (!scan || scan.status !== 'complete') {
    const state = scan ? 'scan failed' : 'scan not complete';
    if (!timedOut)
      return { ...base, severity: 'high', status: 'pending', mode: 'block', message: `${state}: waiting` };
    return gate.onTimeout === 'deploy'
      ? {
          ...base,
          severity: 'high',
          status: 'warn',
          mode: 'warn',
          message: `${state} after ${gate.timeoutMinutes} min: deploying (onTimeout deploy)`,
        }
      : {
          ...base,
          severity: 'high',
          status: 'fail',
          mode: 'block',
          message: `${state} after ${gate.timeoutMinutes} min (onTimeout block)`,
        };
  }
  const blocking = over(scan.counts, gate.block);
  if (blocking.length > 0)
    return {
      ...base,
      severity: 'critical',
      status: 'fail',
      mode: 'block',
      message: `vulnerabilities over the gate: ${blocking.join(', ')} (${formatCounts(scan.counts)})`,
    };
  const warning = over(scan.counts, gate.warn);
  if (warning.length > 0)
    return {
      ...base,
      severity: 'high',
      status: 'warn',
      mode: 'warn',
      message: `vulnerabilities: ${warning.join(', ')} (${formatCounts(scan.counts)})`,
    };
  return {
    ...base,
    severity: 'high',
    status: 'pass',
    message: `scan under the gate (${formatCounts(scan.counts)})`,
  };
};
