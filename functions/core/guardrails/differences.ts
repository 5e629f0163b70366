/**
 * Where Deckhand deliberately answers differently from the field's own test suites, and why. The README's
 * rule table notes are generated from this list, and the differential test (test/unit/differential.test.ts)
 * asserts Deckhand's answer on exactly these cases.
 */

export type Verdict = 'pass' | 'fail';

export interface KnownDifference {
  rule: string;
  tool: 'checkov' | 'prowler' | 'trivy';
  check: string;
  /** Case ids in test/fixtures/differential/cases.json. */
  cases: string[];
  theirs: Verdict;
  ours: Verdict;
  reason: string;
}

export const knownDifferences: KnownDifference[] = [
  {
    rule: 'TD-001',
    tool: 'checkov',
    check: 'CKV_AWS_334',
    cases: ['checkov/CKV_AWS_334/tf-fail'],
    theirs: 'fail',
    ours: 'pass',
    reason:
      'Checkov reads a `privilege` key, which ECS does not have; the container sets no `privileged`, so it is not privileged',
  },
  {
    rule: 'TD-007',
    tool: 'checkov',
    check: 'CKV_AWS_335',
    cases: ['checkov/CKV_AWS_335/tf-fail'],
    theirs: 'fail',
    ours: 'pass',
    reason:
      'Checkov reads `pidMode` per container; ECS has it only at task level, where this task definition sets none',
  },
  {
    rule: 'TD-012',
    tool: 'prowler',
    check: 'ecs_task_definitions_logging_block_mode',
    cases: ['prowler/ecs_task_definitions_logging_block_mode/test_task_definition_log_configuration_no_mode'],
    theirs: 'fail',
    ours: 'pass',
    reason:
      'the expectation predates ECS’s non-blocking default (June 2025, account setting `defaultLogDriverMode`): an absent `mode` is non-blocking; only an explicit `blocking` fails',
  },
  {
    rule: 'SVC-003',
    tool: 'checkov',
    check: 'CKV_AWS_332',
    cases: ['checkov/CKV_AWS_332/tf-fail'],
    theirs: 'fail',
    ours: 'pass',
    reason:
      'Checkov accepts only `LATEST`; 1.4.0 is the latest Linux Fargate platform version (`guardrails.fargatePlatformVersions`), and Security Hub ECS.10 and Prowler accept it too',
  },
];
