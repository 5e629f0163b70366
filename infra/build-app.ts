import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DeckhandStack } from './deckhand-stack.ts';

export interface BuildAppOptions extends AppProps {
  /** Overrides the `deckhand:production` context. */
  production?: boolean;
}

/** Builds the Deckhand app; cdk-nag's AwsSolutions pack always runs, so a finding fails synth. */
export const buildApp = (options: BuildAppOptions = {}): { app: App; stack: DeckhandStack } => {
  const { production: productionOverride, ...appProps } = options;
  const app = new App(appProps);
  const fromContext: unknown = app.node.tryGetContext('deckhand:production');
  const production = productionOverride ?? (fromContext === true || fromContext === 'true');
  const stack = new DeckhandStack(app, 'Deckhand', {
    production,
    description: 'Deckhand: event-driven automation for Amazon ECS',
    // Environment-agnostic on purpose: synth needs no account, deploy takes the CLI's.
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
};
