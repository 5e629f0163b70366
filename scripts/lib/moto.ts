/**
 * Local AWS for tests and the demo: moto server in a project-local Python venv.
 *
 * Primary course:
 *  1. If AWS_ENDPOINT_URL already answers, use it (Docker, LocalStack, a moto started by hand).
 *  2. Otherwise create `.venv/` once and pip-install the pinned requirements (re-run only when they change).
 *  3. Start moto's server (scripts/lib/moto-server.py) on a free loopback port, logging to
 *     `.local/moto-<port>.log`.
 *  4. Wait until it answers, and hand back the endpoint plus a stop function.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const venvDir = join(projectRoot, '.venv');
const requirementsFile = join(projectRoot, 'scripts', 'requirements.txt');
const stampFile = join(venvDir, '.deckhand-requirements.sha256');
export const venvBin = (tool: string): string => join(venvDir, 'bin', tool);

export interface RunningMoto {
  endpoint: string;
  /** Path of moto's log, or undefined for an emulator we did not start. */
  logFile: string | undefined;
  stop: () => Promise<void>;
}

const findPython = (): string => {
  for (const candidate of [process.env.PYTHON, 'python3', 'python'].filter(Boolean) as string[]) {
    try {
      const version = execFileSync(candidate, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], {
        encoding: 'utf8',
      }).trim();
      const [major = 0, minor = 0] = version.split('.').map(Number);
      if (major === 3 && minor >= 10) return candidate;
    } catch {
      // try the next candidate
    }
  }
  throw new Error('Python >= 3.10 is required to run moto (set PYTHON to its path)');
};

/** Creates or refreshes the venv; idempotent and cheap when nothing changed. */
export const ensureVenv = (log: (line: string) => void = () => {}): void => {
  const wanted = createHash('sha256').update(readFileSync(requirementsFile)).digest('hex');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === wanted && existsSync(venvBin('python'))) {
    return;
  }
  if (!existsSync(venvBin('python'))) {
    log('creating Python venv in .venv/ (first run only)');
    execFileSync(findPython(), ['-m', 'venv', venvDir], { stdio: 'inherit' });
  }
  log('installing pinned moto[server] and cfn-lint into .venv/');
  execFileSync(
    venvBin('python'),
    ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', requirementsFile],
    { stdio: 'inherit' },
  );
  writeFileSync(stampFile, wanted);
};

const freePort = (): Promise<number> =>
  new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? done(address.port) : fail(new Error('no port')),
      );
    });
  });

export const answers = async (endpoint: string): Promise<boolean> => {
  try {
    const response = await fetch(new URL('/moto-api/data.json', endpoint), {
      signal: AbortSignal.timeout(2000),
    });
    await response.body?.cancel();
    return response.status < 500;
  } catch {
    return false;
  }
};

const waitUntilUp = async (endpoint: string, child: ChildProcess, logFile: string): Promise<void> => {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `moto exited with ${child.exitCode}; log:\n${readFileSync(logFile, 'utf8').slice(-4000)}`,
      );
    }
    if (await answers(endpoint)) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`moto did not answer at ${endpoint} within 60 s; see ${logFile}`);
};

// A server-wide account id would defeat per-test-file accounts.
const withoutMotoAccount = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => {
  const { MOTO_ACCOUNT_ID: _ignored, ...rest } = env;
  return rest;
};

export const startMoto = async (log: (line: string) => void = () => {}): Promise<RunningMoto> => {
  const existing = process.env.AWS_ENDPOINT_URL;
  if (existing && (await answers(existing))) {
    log(`using the emulator already running at ${existing}`);
    return { endpoint: existing, logFile: undefined, stop: async () => {} };
  }
  ensureVenv(log);
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  mkdirSync(join(projectRoot, '.local'), { recursive: true });
  const logFile = join(projectRoot, '.local', `moto-${port}.log`);
  const out = openSync(logFile, 'w');
  // moto.server, with DynamoDB requests one at a time (moto's transactions aren't isolated; see the script).
  const server = join(projectRoot, 'scripts', 'lib', 'moto-server.py');
  const child = spawn(venvBin('python'), [server, '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', out, out],
    env: withoutMotoAccount(process.env),
  });
  await waitUntilUp(endpoint, child, logFile);
  log(`moto is up at ${endpoint}`);
  return {
    endpoint,
    logFile,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
};

/** The tail of moto's log, where its 500s show their Python traceback. */
export const motoLogTail = (logFile: string | undefined, lines = 80): string => {
  if (!logFile || !existsSync(logFile)) return '';
  return readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
};
