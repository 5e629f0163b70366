/**
 * What `parseConfig` checks beyond the schema, with parsers that only some functions use and so stay out of
 * the schema every function reads: each pipeline's tag policy, the cron and time zone of each recurring
 * freeze window, and the IDs in every map of rule modes.
 */
import type { DeckhandConfig } from './config.ts';
import { windowIssues } from './freeze/windows.ts';
import { ruleIds } from './guardrails/catalogue.ts';
import type { RuleSetting } from './guardrails/policy.ts';
import { parseTagPolicy, TagPolicyError } from './tag-policy.ts';
import { formatPath } from './zod-issues.ts';

type Path = (string | number)[];

/** One line per problem, `path: message`, as `formatIssues` writes the schema's. */
export const parserIssues = (config: DeckhandConfig): string[] => {
  const issues: string[] = [];
  const add = (path: Path, message: string) => issues.push(`${formatPath(path)}: ${message}`);
  const windows = (path: Path, list: DeckhandConfig['freeze']) => {
    for (const issue of windowIssues(list)) add([...path, ...issue.path], issue.message);
  };
  const rules = (path: Path, settings: Record<string, RuleSetting> | undefined) => {
    for (const id of Object.keys(settings ?? {}))
      if (!ruleIds.includes(id)) add([...path, id], 'unknown rule id');
  };
  config.pipelines.forEach((pipeline, index) => {
    try {
      parseTagPolicy(pipeline.tags);
    } catch (error) {
      if (!(error instanceof TagPolicyError)) throw error;
      add(['pipelines', index, 'tags'], error.message);
    }
    windows(['pipelines', index, 'freeze'], pipeline.freeze);
    rules(['pipelines', index, 'guardrails'], pipeline.guardrails);
  });
  windows(['freeze'], config.freeze);
  rules(['guardrails', 'rules'], config.guardrails.rules);
  for (const [name, environment] of Object.entries(config.guardrails.environments)) {
    windows(['guardrails', 'environments', name, 'freeze'], environment.freeze);
    rules(['guardrails', 'environments', name, 'rules'], environment.rules);
  }
  return issues;
};
