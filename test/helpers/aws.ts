/** Facts about the moto account the current test file runs in (set by moto-account.ts). */
export const testAccount = (): string => {
  const account = process.env.DECKHAND_TEST_ACCOUNT;
  if (!account) throw new Error('not inside a moto test project: DECKHAND_TEST_ACCOUNT is unset');
  return account;
};

export const testRegion = (): string => process.env.AWS_REGION ?? 'eu-west-1';
