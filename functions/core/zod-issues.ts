import type * as z from './zod.ts';

/** `pipelines[1].targets[0].cluster` from zod's path array. */
export const formatPath = (path: readonly PropertyKey[]): string =>
  path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${String(segment)}`,
    )
    .join('');

/** One line per issue: `path: message`, with "required" for missing keys. */
export const formatIssues = (error: z.core.$ZodError): string[] =>
  error.issues.map((issue) => {
    const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
    return `${formatPath(issue.path) || '(root)'}: ${missing ? 'required' : issue.message}`;
  });
