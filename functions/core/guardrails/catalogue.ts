/** Every rule Deckhand implements, by ID, with its metadata (README, SARIF, config validation). */
import { serviceRules } from './service-rules.ts';
import { taskDefinitionRules } from './task-rules.ts';
import type { Mode, Rule, Severity } from './types.ts';

export interface RuleInfo {
  id: string;
  title: string;
  severity: Severity;
  defaultMode: Mode;
  anchors: string;
}

export const rules: Rule[] = [...taskDefinitionRules, ...serviceRules];

/** IMG-003 is evaluated by the scan gate, not over a task definition or service. */
export const scanGateRule: RuleInfo = {
  id: 'IMG-003',
  title: 'Vulnerable image at deploy (scan gate)',
  severity: 'high',
  defaultMode: 'block',
  anchors: 'Prowler ecr_repositories_scan_vulnerabilities_in_latest_image (latest image only)',
};

export const ruleCatalogue: RuleInfo[] = [
  ...rules.map(({ id, title, severity, defaultMode, anchors }) => ({
    id,
    title,
    severity,
    defaultMode,
    anchors,
  })),
  scanGateRule,
];

export const ruleIds: string[] = ruleCatalogue.map((rule) => rule.id);
