/**
 * Whether an ECR repository policy lets another account pull (BatchGetImage and GetDownloadUrlForLayer), read
 * the way IAM reads it for a cross-account principal: an explicit Deny wins, else some Allow must match the
 * principal and the action. Deckhand blocks only on a clear "no": a condition it can't evaluate (anything but
 * aws:PrincipalAccount and aws:PrincipalOrgID) counts as allowing, so an exotic policy never stops a deploy.
 */
export const pullActions = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] as const;

export interface PullVerdict {
  allowed: boolean;
  reason: string;
}

interface Statement {
  Effect?: unknown;
  Principal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Condition?: unknown;
}

const list = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(
    (item): item is string => typeof item === 'string',
  );

/** IAM's `*` and `?` wildcards, case-insensitive as action names are. */
const wildcard = (pattern: string, value: string): boolean =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  ).test(value);

const coversAction = (statement: Statement, action: string): boolean =>
  statement.NotAction !== undefined
    ? !list(statement.NotAction).some((p) => wildcard(p, action))
    : list(statement.Action).some((p) => wildcard(p, action));

const coversAccount = (principal: unknown, account: string): boolean => {
  if (principal === '*') return true;
  if (!principal || typeof principal !== 'object') return false;
  return list((principal as { AWS?: unknown }).AWS).some(
    (p) => p === '*' || p === account || new RegExp(`^arn:aws[a-z-]*:iam::${account}:`).test(p),
  );
};

/** `no` when an evaluable condition fails; `unknown` when some condition can't be evaluated here. */
const conditionsHold = (
  condition: unknown,
  account: string,
  organizationId?: string,
): 'yes' | 'no' | 'unknown' => {
  if (!condition || typeof condition !== 'object') return 'yes';
  let verdict: 'yes' | 'unknown' = 'yes';
  for (const [operator, keys] of Object.entries(condition as Record<string, unknown>)) {
    for (const [key, expected] of Object.entries((keys ?? {}) as Record<string, unknown>)) {
      const name = key.toLowerCase();
      const actual =
        name === 'aws:principalaccount'
          ? account
          : name === 'aws:principalorgid'
            ? organizationId
            : undefined;
      if (!/^String(Equals|Like)$/.test(operator) || actual === undefined) verdict = 'unknown';
      else if (!list(expected).some((p) => wildcard(p, actual))) return 'no';
    }
  }
  return verdict;
};

export const pullAccess = (
  policyText: string | undefined,
  account: string,
  organizationId?: string,
): PullVerdict => {
  if (!policyText)
    return { allowed: false, reason: 'the repository has no policy, so only its own account may pull' };
  let statements: Statement[];
  try {
    const parsed = JSON.parse(policyText) as { Statement?: unknown };
    statements = (Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement]).filter(
      (s): s is Statement => Boolean(s) && typeof s === 'object',
    );
  } catch {
    return { allowed: false, reason: 'the repository policy is not valid JSON' };
  }
  // An Allow counts unless its conditions surely fail; a Deny only when they surely hold.
  const applies = (s: Statement, action: string, unknown: boolean) => {
    if (!coversAccount(s.Principal, account) || !coversAction(s, action)) return false;
    const held = conditionsHold(s.Condition, account, organizationId);
    return held === 'yes' || (held === 'unknown' && unknown);
  };
  for (const action of pullActions) {
    if (statements.some((s) => s.Effect === 'Deny' && applies(s, action, false)))
      return { allowed: false, reason: `the repository policy denies ${action} to account ${account}` };
    if (!statements.some((s) => s.Effect === 'Allow' && applies(s, action, true)))
      return {
        allowed: false,
        reason: `the repository policy does not allow ${action} to account ${account}`,
      };
  }
  return { allowed: true, reason: `the repository policy lets account ${account} pull` };
};
