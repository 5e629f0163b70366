/** SARIF 2.1.0 for code-scanning UIs: one run, Deckhand's rule catalogue, a result per non-passing finding. */
import { ruleCatalogue } from './catalogue.ts';
import type { Finding, Severity } from './types.ts';

export interface FileFinding extends Finding {
  file: string;
  resource: string;
}

const levelOf = (finding: Finding): 'error' | 'warning' | 'note' =>
  finding.status === 'fail' || finding.status === 'error'
    ? 'error'
    : finding.status === 'warn'
      ? 'warning'
      : 'note';

const securitySeverity: Record<Severity, string> = {
  low: '3.0',
  medium: '5.5',
  high: '8.0',
  critical: '9.5',
};

/** Files `deckhand check` found but did not judge, with why; reported as notes of the run. */
export interface SkippedFile {
  file: string;
  reason: string;
}

export const toSarif = (
  findings: readonly FileFinding[],
  version: string,
  skipped: readonly SkippedFile[] = [],
) => ({
  $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
  version: '2.1.0' as const,
  runs: [
    {
      tool: {
        driver: {
          name: 'Deckhand',
          version,
          rules: ruleCatalogue.map((rule) => ({
            id: rule.id,
            name: rule.title.replace(/[^A-Za-z0-9]+/g, ' ').trim(),
            shortDescription: { text: rule.title },
            fullDescription: { text: `${rule.title}. Anchors: ${rule.anchors}.` },
            defaultConfiguration: {
              level: rule.defaultMode === 'block' ? 'error' : rule.defaultMode === 'off' ? 'none' : 'warning',
            },
            properties: { 'security-severity': securitySeverity[rule.severity], tags: ['security', 'ecs'] },
          })),
        },
      },
      invocations: [
        {
          executionSuccessful: true,
          toolExecutionNotifications: skipped.map(({ file, reason }) => ({
            level: 'note',
            message: { text: `skipped: ${reason}` },
            locations: [{ physicalLocation: { artifactLocation: { uri: file } } }],
          })),
        },
      ],
      results: findings
        .filter((finding) => finding.status !== 'pass')
        .map((finding) => ({
          ruleId: finding.rule,
          ruleIndex: ruleCatalogue.findIndex((rule) => rule.id === finding.rule),
          level: levelOf(finding),
          message: {
            text: `${finding.resource}${finding.container ? ` (${finding.container})` : ''}: ${finding.message}`,
          },
          locations: [
            {
              physicalLocation: { artifactLocation: { uri: finding.file } },
              logicalLocations: [{ name: finding.resource, kind: 'resource' }],
            },
          ],
          properties: { status: finding.status, severity: finding.severity, field: finding.field },
          ...(finding.status === 'skip'
            ? { suppressions: [{ kind: 'external', justification: `waiver ${finding.waiver ?? ''}` }] }
            : {}),
        })),
    },
  ],
});
