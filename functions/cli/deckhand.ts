#!/usr/bin/env node
/** The `deckhand` command: the same use cases as the Lambdas, run from a terminal or CI. */
import { parseArgs } from 'node:util';
import { ConfigError } from '#core/errors.ts';
import { InputError } from './read-json.ts';

// Each command loads only what it uses: `--help` loads nothing, `check` never loads the AWS SDK.
const commands = {
  check: () => import('./check.ts'),
  drift: () => import('./drift.ts'),
  freezes: () => import('./freezes.ts'),
  init: () => import('./init.ts'),
  manual: () => import('./manual.ts'),
  promotions: () => import('./promotions.ts'),
  replay: () => import('./replay.ts'),
  report: () => import('./report.ts'),
  status: () => import('./status.ts'),
};

const usage = `usage: deckhand <command> [options]

commands:
  init [--yes]                                   create the state table at AWS_ENDPOINT_URL (local use)
  replay <event.json>... [--config F] [--dry-run] [--json]
                                                 handle EventBridge events in-process, as the Lambdas do
  status [pipeline] [--config F] [--json] [--html FILE]
                                                 each service: running revision, deployed digest, last rollout,
                                                 pause, freeze, drift; --html writes it as a self-contained page
  resume <pipeline> [--config F]                 resume automation paused by an alarm rollback
  drift [--config F] [--json] [--notify]         what runs vs what Deckhand deployed; exit 3 on drift
  tick [--config F] [--json]                     run what is due now: promotions, approval expiries, freeze releases
  promotions [--config F] [--json]               promotions per pipeline: waiting, awaiting approval, decided
  report [pipeline] [--since 30d] [--config F] [--json]
                                                 DORA measures per pipeline from the ledger: deployment
                                                 frequency, lead time, change failure rate, time to restore
  approve <pipeline> [<tag|digest>] --as <user> [--reason R]
  decline <pipeline> [<tag|digest>] --as <user> [--reason R]
                                                 decide a promotion awaiting approval (Slack user ID of an approver)
  deploy <pipeline> <tag|digest> [--as <who>] [--break-glass --reason R]
                                                 deploy an image the ledger knows, through the same path as a push
  rollback <pipeline> [--to <digest>] [--as <who>]
                                                 roll back to the last known-good revision (or --to), and pause
  freeze <pipeline>...|--all --until <time|duration> --reason R
  unfreeze <pipeline>...|--all                   ad hoc freezes, besides the configured windows
  check <file|dir|glob>... [--config F] [--format text|json|sarif]
                                                 guardrails over task definitions, services, CloudFormation
                                                 templates (every JSON/YAML file of a directory such as
                                                 cdk.out); exit 1 when a finding would block

environment: AWS_ENDPOINT_URL, AWS_REGION, DECKHAND_CONFIG, DECKHAND_TABLE, POWERTOOLS_LOG_LEVEL`;

const parseOptions = (args: string[]) =>
  parseArgs({
    args,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      format: { type: 'string', default: 'text' },
      yes: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      notify: { type: 'boolean', default: false },
      as: { type: 'string' },
      reason: { type: 'string' },
      until: { type: 'string' },
      all: { type: 'boolean', default: false },
      'break-glass': { type: 'boolean', default: false },
      to: { type: 'string' },
      html: { type: 'string' },
      since: { type: 'string' },
    },
  });

export const main = async (argv: string[], write = (line: string) => console.log(line)): Promise<number> => {
  const [command, ...rest] = argv;
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(rest);
  } catch (error) {
    console.error(`deckhand: ${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const config = values.config ? { config: values.config } : {};
  if (command === 'help' || command === '--help' || command === '-h') {
    console.error(usage);
    return 0;
  }
  // Logs go to stderr at WARN so stdout stays the command's output. `check` logs nothing (the guardrails
  // are pure), so it does not load the logger.
  if (command !== 'check') {
    const { logger } = await import('#commons/powertools.ts');
    logger.setLogLevel(values.verbose ? 'DEBUG' : ((process.env.POWERTOOLS_LOG_LEVEL as 'WARN') ?? 'WARN'));
  }
  try {
    switch (command) {
      case 'init':
        return await (await commands.init()).init({ yes: values.yes }, write);
      case 'replay':
        if (positionals.length === 0) throw new InputError('replay needs at least one event file');
        return await (
          await commands.replay()
        ).replay(
          {
            files: positionals,
            dryRun: values['dry-run'],
            json: values.json,
            ...(values.config ? { config: values.config } : {}),
          },
          write,
        );
      case undefined:
      case 'status':
        return await (
          await commands.status()
        ).status(
          {
            json: values.json,
            ...(values.html ? { html: values.html } : {}),
            ...(positionals[0] ? { pipeline: positionals[0] } : {}),
            ...(values.config ? { config: values.config } : {}),
          },
          write,
        );
      case 'drift':
        return await (
          await commands.drift()
        ).drift(
          { json: values.json, notify: values.notify, ...(values.config ? { config: values.config } : {}) },
          write,
        );
      case 'resume':
        if (!positionals[0]) throw new InputError('resume needs a pipeline name');
        return await (
          await commands.status()
        ).resume({ pipeline: positionals[0], ...(values.config ? { config: values.config } : {}) }, write);
      case 'report':
        return await (
          await commands.report()
        ).report(
          {
            json: values.json,
            ...(positionals[0] ? { pipeline: positionals[0] } : {}),
            ...(values.since ? { since: values.since } : {}),
            ...config,
          },
          write,
        );
      case 'tick':
        return await (await commands.promotions()).tick({ json: values.json, ...config }, write);
      case 'promotions':
        return await (await commands.promotions()).promotions({ json: values.json, ...config }, write);
      case 'approve':
      case 'decline':
        if (!positionals[0]) throw new InputError(`${command} needs a pipeline name`);
        return await (
          await commands.promotions()
        ).decide(
          {
            decision: command,
            pipeline: positionals[0],
            ...(positionals[1] ? { ref: positionals[1] } : {}),
            ...(values.as ? { as: values.as } : {}),
            ...(values.reason ? { reason: values.reason } : {}),
            ...config,
          },
          write,
        );
      case 'deploy':
        if (!positionals[0] || !positionals[1])
          throw new InputError('deploy needs a pipeline and a tag or digest');
        return await (
          await commands.manual()
        ).deployCommand(
          {
            pipeline: positionals[0],
            ref: positionals[1],
            breakGlass: values['break-glass'],
            json: values.json,
            ...(values.as ? { as: values.as } : {}),
            ...(values.reason ? { reason: values.reason } : {}),
            ...config,
          },
          write,
        );
      case 'rollback':
        if (!positionals[0]) throw new InputError('rollback needs a pipeline name');
        return await (
          await commands.manual()
        ).rollbackCommand(
          {
            pipeline: positionals[0],
            json: values.json,
            ...(values.to ? { to: values.to } : {}),
            ...(values.as ? { as: values.as } : {}),
            ...config,
          },
          write,
        );
      case 'freeze':
        return await (
          await commands.freezes()
        ).freeze(
          {
            pipelines: positionals,
            all: values.all,
            ...(values.until ? { until: values.until } : {}),
            ...(values.reason ? { reason: values.reason } : {}),
            ...config,
          },
          write,
        );
      case 'unfreeze':
        return await (
          await commands.freezes()
        ).unfreeze({ pipelines: positionals, all: values.all, ...config }, write);
      case 'check': {
        if (positionals.length === 0)
          throw new InputError('check needs at least one file, directory or glob');
        const format = values.json ? 'json' : values.format;
        if (format !== 'text' && format !== 'json' && format !== 'sarif')
          throw new InputError(`--format must be text, json or sarif, not ${format}`);
        return await (
          await commands.check()
        ).check(
          {
            files: positionals,
            format,
            color: process.stdout.isTTY && !process.env.NO_COLOR,
            ...(values.config ? { config: values.config } : {}),
          },
          write,
        );
      }
      default:
        console.error(usage);
        return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
    }
  } catch (error) {
    if (error instanceof InputError || error instanceof ConfigError) {
      console.error(`deckhand: ${error.message}`);
      return 2;
    }
    console.error(`deckhand: ${(error as Error).stack ?? String(error)}`);
    return 1;
  }
};

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
