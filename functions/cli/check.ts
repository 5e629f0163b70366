/**
 * `deckhand check <file|dir|glob>...`: the guardrails at the `ci` enforcement point, over task definitions,
 * services and CloudFormation templates. Exit 1 when a finding would block, 0 otherwise, 2 for unreadable
 * input named outright (files found in a directory or by a glob are skipped with a reason instead).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolveConfigPath } from '#adapters/config-file.ts';
import { type DeckhandConfig, parseConfig } from '#core/config.ts';
import {
  evaluateService,
  evaluateTaskDefinition,
  type GuardrailReport,
  summarize,
} from '#core/guardrails/engine.ts';
import { subjectsOf, UnrecognisedInputError } from '#core/guardrails/inputs.ts';
import { type FileFinding, toSarif } from '#core/guardrails/sarif.ts';
import type { CheckSubject } from '#core/guardrails/inputs.ts';
import { expandTargets, type Skipped } from './check-files.ts';
import { InputError, readJsonFile } from './read-json.ts';

export type CheckFormat = 'text' | 'json' | 'sarif';

export interface CheckOptions {
  files: string[];
  config?: string;
  format: CheckFormat;
  color: boolean;
  now?: Date;
}

// The YAML parser (a quarter of what `check` loads) is imported only for a YAML input or a config file.
const readInput = async (file: string): Promise<unknown> => {
  if (!/\.ya?ml$/i.test(file)) return readJsonFile(file);
  if (!existsSync(file)) throw new InputError(`${file}: cannot read: no such file`);
  const { parseCloudFormationYaml } = await import('#core/guardrails/cfn-yaml.ts');
  try {
    return parseCloudFormationYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError(`${file}: invalid YAML: ${(error as Error).message}`, { cause: error });
  }
};

const loadConfig = async (path: string | undefined): Promise<DeckhandConfig> =>
  (await import('./config-yaml.ts')).loadConfigFileAnyFormat(path);

/** An explicit config must load; without one, a config in the working directory, else the defaults. */
const configFor = async (explicit: string | undefined): Promise<DeckhandConfig> => {
  if (explicit || process.env.DECKHAND_CONFIG) return loadConfig(explicit);
  try {
    // Throws before the import when the working directory holds no config.
    return await loadConfig(resolveConfigPath());
  } catch {
    return parseConfig({}, '(defaults)');
  }
};

export const check = async (options: CheckOptions, write: (line: string) => void): Promise<number> => {
  const config = await configFor(options.config);
  const now = options.now ?? new Date();
  const findings: FileFinding[] = [];
  const expired = new Set<string>();
  let blocked = false;
  const targets = expandTargets(options.files);
  const skipped: Skipped[] = [...targets.skipped];
  const files = [
    ...targets.explicit.map((file) => ({ file, explicit: true })),
    ...targets.discovered.map((file) => ({ file, explicit: false })),
  ];
  if (files.length === 0)
    throw new InputError(`nothing to check in ${options.files.join(' ')}: no JSON or YAML files`);
  let checked = 0;
  for (const { file, explicit } of files) {
    let subjects: CheckSubject[];
    try {
      subjects = subjectsOf(await readInput(file));
    } catch (error) {
      if (!(error instanceof UnrecognisedInputError) && !(error instanceof InputError)) throw error;
      if (explicit) {
        if (error instanceof InputError) throw error;
        throw new InputError(`${file}: ${error.message}`, { cause: error });
      }
      // One line per skipped file: the parser's first line says what and where.
      const reason = error.message.replace(`${file}: `, '').replace(`${file}:`, '').split('\n')[0] ?? '';
      skipped.push({ file, reason: reason.trim() });
      continue;
    }
    if (subjects.length === 0 && !explicit) {
      skipped.push({ file, reason: 'no ECS task definitions or services' });
      continue;
    }
    checked += 1;
    for (const subject of subjects) {
      let report: GuardrailReport;
      if (subject.kind === 'task-definition') {
        const images = (subject.taskDefinition.containerDefinitions ?? []).map((c) =>
          typeof c.image === 'string' ? c.image : '',
        );
        report = await evaluateTaskDefinition(subject.taskDefinition, subject.tags, config.guardrails, {
          point: 'ci',
          subject: { family: subject.taskDefinition.family ?? '', images },
          now,
        });
      } else {
        const scope = subject.cluster ? { cluster: subject.cluster } : {};
        report = evaluateService(subject.service, config.guardrails, {
          point: 'ci',
          ...scope,
          subject: {
            ...scope,
            ...(subject.service.serviceName ? { service: subject.service.serviceName } : {}),
            images: [],
          },
          now,
        });
      }
      blocked ||= report.blocked;
      for (const id of report.expiredWaivers) expired.add(id);
      findings.push(...report.findings.map((finding) => ({ ...finding, file, resource: subject.resource })));
    }
  }
  if (options.format === 'json') {
    const { fail, warn, pass, skip, error } = summarize(findings);
    write(
      JSON.stringify({
        findings: findings.map(
          ({ file, resource, rule, severity, status, container, message, field, waiver }) => ({
            file,
            resource,
            rule,
            severity,
            status,
            container,
            field,
            message,
            ...(waiver ? { waiver } : {}),
          }),
        ),
        summary: { fail, warn, pass, skip, error },
        expiredWaivers: [...expired],
        checkedFiles: checked,
        skipped,
      }),
    );
  } else if (options.format === 'sarif') {
    write(JSON.stringify(toSarif(findings, process.env.npm_package_version ?? '0.1.0', skipped), null, 2));
  } else {
    write(renderText(findings, [...expired], skipped, options.color));
  }
  return blocked ? 1 : 0;
};

/** Names and messages come from the checked files: their control characters must not drive the terminal. */
const safe = (text: string): string =>
  [...text]
    .map((ch) => {
      const code = ch.charCodeAt(0);
      return code < 0x20 || (code >= 0x7f && code <= 0x9f) ? `\\u${code.toString(16).padStart(4, '0')}` : ch;
    })
    .join('');

const paint = (color: boolean) => (code: number, text: string) =>
  color ? `\u001b[${code}m${text}\u001b[0m` : text;

const renderText = (
  findings: FileFinding[],
  expired: string[],
  skipped: readonly Skipped[],
  color: boolean,
): string => {
  const c = paint(color);
  const badge: Record<string, string> = {
    fail: c(31, 'FAIL'),
    error: c(35, 'ERROR'),
    warn: c(33, 'WARN'),
    skip: c(36, 'SKIP'),
    pending: c(36, 'PENDING'),
  };
  const lines: string[] = [];
  const groups = Map.groupBy(findings, (f) => safe(`${f.file} › ${f.resource}`));
  for (const [group, members] of groups) {
    const shown = members.filter((f) => f.status !== 'pass');
    lines.push(`${c(1, group)}  ${shown.length === 0 ? c(32, 'all rules pass') : ''}`.trimEnd());
    for (const f of shown) {
      lines.push(
        `  ${badge[f.status] ?? f.status} ${f.rule} [${f.severity}]${f.container ? ` ${safe(f.container)}:` : ''} ${safe(f.message)}`,
      );
    }
  }
  const { fail, warn, pass, skip, error } = summarize(findings);
  for (const { file, reason } of skipped) lines.push(c(2, `skipped ${safe(file)}: ${safe(reason)}`));
  if (expired.length > 0) lines.push(c(33, `expired waivers ignored: ${expired.join(', ')}`));
  lines.push(`${fail} fail, ${warn} warn, ${error} error, ${skip} skip, ${pass} pass`);
  return lines.join('\n');
};
