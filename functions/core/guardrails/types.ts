/** The guardrail model: rules, findings, modes. Rules are pure functions over the API shape. */
import type { ContainerDefinition } from '../task-definition.ts';

export type Severity = 'low' | 'medium' | 'high' | 'critical';
export type Mode = 'off' | 'audit' | 'warn' | 'block';
export type FindingStatus = 'pass' | 'fail' | 'warn' | 'skip' | 'error' | 'pending';
/** Where a rule is being enforced; modes may differ per point. */
export type EnforcementPoint = 'ci' | 'pre-deploy' | 'runtime' | 'admission';
export type RuleSubject = 'task-definition' | 'service' | 'image';

export interface Finding {
  rule: string;
  severity: Severity;
  status: FindingStatus;
  /** The mode the finding was judged under; absent for pass. */
  mode?: Mode;
  container?: string;
  field: string;
  message: string;
  /** The waiver that turned a failure into `skip`. */
  waiver?: string;
}

/** What a rule reports before modes and waivers: a violation, a pass, or that it could not decide. */
export interface Check {
  ok: boolean;
  field: string;
  message: string;
  container?: string;
  /** Overrides the rule's severity for this check (TD-019 host paths, TD-002 in production). */
  severity?: Severity;
}

export interface TaskDefinitionShape {
  taskDefinitionArn?: string;
  family?: string;
  networkMode?: string;
  pidMode?: string;
  ipcMode?: string;
  taskRoleArn?: string;
  executionRoleArn?: string;
  memory?: string | number;
  requiresCompatibilities?: string[];
  runtimePlatform?: { operatingSystemFamily?: string; cpuArchitecture?: string };
  containerDefinitions?: ContainerDefinition[];
  volumes?: {
    name?: string;
    host?: { sourcePath?: string };
    efsVolumeConfiguration?: { transitEncryption?: string; fileSystemId?: string };
  }[];
  [field: string]: unknown;
}

export interface ServiceShape {
  serviceName?: string;
  serviceArn?: string;
  clusterArn?: string;
  launchType?: string;
  platformVersion?: string;
  platformFamily?: string;
  capacityProviderStrategy?: { capacityProvider?: string }[];
  networkConfiguration?: { awsvpcConfiguration?: { assignPublicIp?: string } };
  enableExecuteCommand?: boolean;
  deploymentController?: { type?: string };
  deploymentConfiguration?: { deploymentCircuitBreaker?: { enable?: boolean; rollback?: boolean } };
  taskSets?: { id?: string; networkConfiguration?: { awsvpcConfiguration?: { assignPublicIp?: string } } }[];
  tags?: { key?: string; value?: string }[];
  [field: string]: unknown;
}

export interface Tag {
  key?: string;
  value?: string;
}

/** A secret found by the scanner; never carries the value itself. */
export interface SecretHit {
  container: string;
  field: string;
  kind: string;
}

export interface GuardrailSettings {
  requiredTagKeys: string[];
  allowedRegistries: string[];
  allowedCapabilities: string[];
  secretEnvNames: string[];
  allowedEnvNames: string[];
  allowedSecretAccounts: string[];
  fargatePlatformVersions: Record<string, string>;
  profile: 'baseline' | 'restricted';
}

export interface RuleContext {
  settings: GuardrailSettings;
  /** True when the target is a production environment (TD-002 severity, SVC-005). */
  production: boolean;
}

export interface TaskDefinitionInput {
  taskDefinition: TaskDefinitionShape;
  tags: Tag[];
  secrets: SecretHit[];
}

interface RuleBase {
  id: string;
  title: string;
  severity: Severity;
  defaultMode: Mode;
  anchors: string;
}

export interface TaskDefinitionRule extends RuleBase {
  subject: 'task-definition';
  check(input: TaskDefinitionInput, context: RuleContext): Check[];
}

export interface ServiceRule extends RuleBase {
  subject: 'service';
  check(input: ServiceShape, context: RuleContext): Check[];
}

export type Rule = TaskDefinitionRule | ServiceRule;

/** TD-026 and SVC-004: whether the tags carry every required key, and what to say. */
export const requiredTags = (
  tags: readonly Tag[],
  required: readonly string[],
): { passed: boolean; message: string } => {
  const keys = new Set(tags.map((tag) => tag.key ?? ''));
  const missing = required.filter((key) => !keys.has(key));
  return {
    passed: missing.length === 0,
    message: missing.length > 0 ? `missing tag(s) ${missing.join(', ')}` : 'required tags present',
  };
};
