/**
 * What `deckhand check` reads: files named on the command line, every JSON and YAML file under a named
 * directory (e.g. `cdk.out`), and the files a quoted glob matches. Files found in directories or by globs
 * that turn out not to hold ECS resources are skipped with a reason; files named outright must be valid.
 */
import { globSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Skipped {
  file: string;
  reason: string;
}

export interface CheckTargets {
  /** Named outright: unreadable or unrecognised input is an error (exit 2). */
  explicit: string[];
  /** Found in a directory or by a glob: unreadable or unrecognised input is skipped. */
  discovered: string[];
  skipped: Skipped[];
}

const checkable = /\.(json|ya?ml)$/i;
/** Directories that never hold what check judges: dependencies, VCS data, CDK's bundled asset sources. */
const prunedDirectory = (name: string): string | undefined =>
  name === 'node_modules' || name === '.git'
    ? `${name} directory`
    : name.startsWith('asset.')
      ? 'CDK asset directory'
      : undefined;

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

const walk = (directory: string, out: CheckTargets): void => {
  const entries = readdirSync(directory, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  );
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      const pruned = prunedDirectory(entry.name);
      if (pruned) out.skipped.push({ file: `${path}/`, reason: pruned });
      else walk(path, out);
    } else if (checkable.test(entry.name)) out.discovered.push(path);
    else out.skipped.push({ file: path, reason: 'not a JSON or YAML file' });
  }
};

const hasGlob = (arg: string): boolean => /[*?[\]{}]/.test(arg);

export const expandTargets = (args: readonly string[]): CheckTargets => {
  const out: CheckTargets = { explicit: [], discovered: [], skipped: [] };
  for (const arg of args) {
    if (isDirectory(arg)) walk(arg, out);
    else if (hasGlob(arg) && !statSafe(arg)) {
      for (const path of globSync(arg).sort()) {
        if (isDirectory(path)) walk(path, out);
        else if (checkable.test(path)) out.discovered.push(path);
        else out.skipped.push({ file: path, reason: 'not a JSON or YAML file' });
      }
    } else out.explicit.push(arg);
  }
  // A file both named and found is checked once, as named.
  const named = new Set(out.explicit);
  out.discovered = [...new Set(out.discovered)].filter((file) => !named.has(file));
  return out;
};

const statSafe = (path: string): boolean => {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
};
