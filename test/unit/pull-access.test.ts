/** Whether an ECR repository policy lets another account pull, read the way IAM reads it. */
import { describe, expect, it } from 'vitest';
import { pullAccess } from '#core/images/pull-access.ts';

const target = '333333333333';
const policy = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const pull = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];

describe('pull access from a repository policy', () => {
  it.each([
    [
      'the account root',
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${target}:root` }, Action: pull },
    ],
    ['the bare account id', { Effect: 'Allow', Principal: { AWS: [target] }, Action: pull }],
    [
      'a role in the account',
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${target}:role/exec` }, Action: pull },
    ],
    ['anyone, by wildcard actions', { Effect: 'Allow', Principal: '*', Action: 'ecr:*' }],
    [
      'an organization it belongs to',
      {
        Effect: 'Allow',
        Principal: '*',
        Action: ['ecr:BatchGet*', 'ecr:GetDownloadUrlForLayer'],
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } },
      },
    ],
    [
      'a condition Deckhand cannot evaluate',
      {
        Effect: 'Allow',
        Principal: '*',
        Action: pull,
        Condition: { StringEquals: { 'aws:PrincipalTag/team': 'web' } },
      },
    ],
  ])('allows %s', (_name, statement) => {
    expect(pullAccess(policy(statement), target, 'o-abcdefghij').allowed).toBe(true);
  });

  it.each([
    ['no policy', undefined, 'the repository has no policy, so only its own account may pull'],
    [
      'another account only',
      policy({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444444444444:root' }, Action: pull }),
      'the repository policy does not allow ecr:BatchGetImage to account 333333333333',
    ],
    [
      'only one of the two actions',
      policy({ Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage' }),
      'the repository policy does not allow ecr:GetDownloadUrlForLayer to account 333333333333',
    ],
    [
      'an explicit deny',
      policy(
        { Effect: 'Allow', Principal: '*', Action: pull },
        { Effect: 'Deny', Principal: { AWS: target }, Action: 'ecr:*' },
      ),
      'the repository policy denies ecr:BatchGetImage to account 333333333333',
    ],
    [
      'another organization',
      policy({
        Effect: 'Allow',
        Principal: '*',
        Action: pull,
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-zzzzzzzzzz' } },
      }),
      'the repository policy does not allow ecr:BatchGetImage to account 333333333333',
    ],
    [
      'a service principal',
      policy({ Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: pull }),
      'the repository policy does not allow ecr:BatchGetImage to account 333333333333',
    ],
    ['invalid JSON', '{', 'the repository policy is not valid JSON'],
  ])('blocks with %s', (_name, text, reason) => {
    expect(pullAccess(text, target, 'o-abcdefghij')).toEqual({ allowed: false, reason });
  });

  it('never blocks on a Deny whose condition it cannot evaluate', () => {
    const text = policy(
      { Effect: 'Allow', Principal: '*', Action: pull },
      {
        Effect: 'Deny',
        Principal: '*',
        Action: pull,
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    );
    expect(pullAccess(text, target).allowed).toBe(true);
  });
});
