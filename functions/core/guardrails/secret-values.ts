/**
 * The value detectors secretlint's recommended preset lacks, written as secretlint rules so they run in the
 * same pass: JSON Web Tokens (decoded with `jose`: a protected header naming an `alg` and a JSON claims
 * set, as Yelp detect-secrets' JwtTokenDetector checks) and high-entropy tokens (Shannon entropy over the base64 alphabet, with
 * detect-secrets' and truffleHog's threshold of 4.5 bits per character). Reports carry ranges, never values.
 */
import type { SecretLintRuleCreator, SecretLintRuleContext } from '@secretlint/types';
import { decodeJwt, decodeProtectedHeader } from 'jose';

const report = (context: SecretLintRuleContext, id: string, start: number, length: number): void => {
  const t = context.createTranslator({ [id]: { en: () => id } });
  context.report({ message: t(id), range: [start, start + length] });
};

/** A run of base64url characters with dots: a JWT candidate; it counts only if it decodes as one. */
const jwtCandidates = /[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;

export const isJwt = (candidate: string): boolean => {
  try {
    // Both throw on anything that is not a JWT's header and claims set.
    decodeJwt(candidate);
    return typeof decodeProtectedHeader(candidate).alg === 'string';
  } catch {
    return false;
  }
};

export const jwtRule: SecretLintRuleCreator = {
  messages: { JWT: { en: () => 'JWT' } },
  meta: { id: 'deckhand/jwt', type: 'scanner', recommended: true, supportedContentTypes: ['text'] },
  create: (context) => ({
    file(source) {
      for (const match of source.content.matchAll(jwtCandidates)) {
        if (isJwt(match[0])) report(context, 'JWT', match.index, match[0].length);
      }
    },
  }),
};

/** Bits per character over the characters the string uses. */
export const shannonEntropy = (text: string): number => {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
};

/** Base64 (and base64url) runs of at least 20 characters; `NAME=` and other characters delimit them. */
const tokenCandidates = /[A-Za-z0-9+/_-]{20,}={0,2}/g;
const entropyThreshold = 4.5;

/** Random-looking: high entropy, and letters in both cases and digits (paths and words rarely are). */
export const isHighEntropyToken = (token: string): boolean =>
  /[a-z]/.test(token) &&
  /[A-Z]/.test(token) &&
  /\d/.test(token) &&
  shannonEntropy(token.replace(/=+$/, '')) > entropyThreshold;

export const highEntropyRule: SecretLintRuleCreator = {
  messages: { HIGH_ENTROPY: { en: () => 'HIGH_ENTROPY' } },
  meta: { id: 'deckhand/high-entropy', type: 'scanner', recommended: true, supportedContentTypes: ['text'] },
  create: (context) => ({
    file(source) {
      // A JWT is reported as one by jwtRule; its segments are not a second finding.
      const jwts = [...source.content.matchAll(jwtCandidates)]
        .filter((match) => isJwt(match[0]))
        .map((match) => [match.index, match.index + match[0].length] as const);
      for (const match of source.content.matchAll(tokenCandidates)) {
        if (jwts.some(([start, end]) => match.index >= start && match.index < end)) continue;
        if (isHighEntropyToken(match[0])) report(context, 'HIGH_ENTROPY', match.index, match[0].length);
      }
    },
  }),
};
