/** CDK entry: `npx cdk synth` works offline, with no credentials and no context lookups. */
import { buildApp } from './build-app.ts';

buildApp().app.synth();
