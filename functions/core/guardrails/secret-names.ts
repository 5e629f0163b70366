/**
 * TD-009's half of secret detection: which environment names hold secrets, and which values are not
 * literals (empty, placeholders, references), so a secret-named variable is flagged only when it carries
 * the secret itself.
 */
import picomatch from 'picomatch';

/** Matched in any case and position, ignoring separators: `db_password`, `DbPassword`, `X-API-KEY`. */
const secretWords = ['PASSWORD', 'PASSWD', 'SECRET', 'TOKEN', 'APIKEY', 'PRIVATEKEY', 'CREDENTIAL'];
/** Names that hold secrets without a secret word in them (the AWS keys, the ECS agent's auth data). */
export const defaultSecretEnvNames = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'ECS_ENGINE_AUTH_DATA',
];

const squash = (name: string): string => name.toUpperCase().replace(/[^A-Z0-9]/g, '');

/** True when the name says it holds a secret; `extra` are configured words or names, matched the same way. */
export const isSecretName = (name: string, extra: readonly string[] = []): boolean => {
  const squashed = squash(name);
  if (squashed === '') return false;
  return [...secretWords, ...defaultSecretEnvNames, ...extra].some((word) => {
    const needle = squash(word);
    return needle !== '' && squashed.includes(needle);
  });
};

/** `guardrails.allowedEnvNames`: exact names or globs, in any case. */
export const isAllowedName = (name: string, allowed: readonly string[]): boolean =>
  allowed.length > 0 && picomatch.isMatch(name, [...allowed], { nocase: true, dot: true });

export type ValueKind = 'empty' | 'placeholder' | 'reference' | 'setting' | 'literal';

const placeholderWords = new Set([
  'CHANGEME',
  'CHANGEIT',
  'REPLACEME',
  'TODO',
  'TBD',
  'NONE',
  'NULL',
  'NIL',
  'UNDEFINED',
  'UNSET',
  'REDACTED',
  'MASKED',
  'DUMMY',
  'EXAMPLE',
  'PLACEHOLDER',
  'SECRET',
  'PASSWORD',
  'TOKEN',
]);

/**
 * What a value is, for a secret-named variable. References point at a secret kept elsewhere: SSM and
 * Secrets Manager ARNs or names, CloudFormation dynamic references and `${…}` substitutions (the template
 * renderer writes unresolved `Ref`s that way). Settings are numbers, booleans and durations such as
 * `TOKEN_TTL=3600` or `PASSWORD_MIN_LENGTH=12`: configuration about secrets, not secrets.
 */
export const classifyValue = (raw: unknown): ValueKind => {
  if (raw === undefined || raw === null) return 'empty';
  // An unresolved intrinsic (`!ImportValue`, `!If`) is computed at deploy time, not written here.
  if (typeof raw === 'object') return 'reference';
  if (typeof raw !== 'string') return 'setting';
  const value = raw.trim();
  if (value === '') return 'empty';
  if (/^arn:aws[\w-]*:(ssm|secretsmanager|kms):/i.test(value)) return 'reference';
  if (/^\{\{resolve:(ssm|ssm-secure|secretsmanager):/i.test(value)) return 'reference';
  if (/\$\{[^}]+\}|^\$[A-Za-z_]\w*$|^\{\{[^}]+\}\}$/.test(value)) return 'reference';
  if (/^<[^<>]+>$|^\*+$|^x+$|^\.{3}$|^-+$/i.test(value)) return 'placeholder';
  if (placeholderWords.has(squash(value))) return 'placeholder';
  if (/^(true|false|yes|no|on|off|enabled|disabled)$/i.test(value)) return 'setting';
  if (/^-?\d+(\.\d+)?(ms|s|m|h|d|kb|mb|gb)?$/i.test(value)) return 'setting';
  return 'literal';
};
