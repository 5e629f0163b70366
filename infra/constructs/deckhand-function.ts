import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { bundleTarget, esmRequireBanner, lambdaEsbuildArgs, mainFields } from '../bundling.ts';
import { handlerEntry } from './paths.ts';
import { functionRolePath } from './places.ts';

export interface DeckhandFunctionProps extends Omit<NodejsFunctionProps, 'entry' | 'handler' | 'runtime'> {
  /** Base name of the file in functions/handlers/, e.g. `image-push`. */
  handlerName: string;
  /** Powertools log level; defaults to INFO. */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  logRetention?: RetentionDays;
}

/**
 * NodejsFunction with the house defaults: nodejs24.x on arm64, an ESM bundle with the AWS SDK bundled
 * and tree-shaken, minified, no source maps, JSON logs into its own log group with retention, Powertools
 * env, and a role that may write only to that log group (no AWS managed policy). The role is on Deckhand's
 * IAM path, which spoke accounts' deploy roles trust; the hub's account is in the env, so the functions can
 * tell their own account from a spoke's.
 */
export class DeckhandFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: DeckhandFunctionProps) {
    const { handlerName, logLevel = 'INFO', logRetention = RetentionDays.ONE_MONTH, ...rest } = props;
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Deckhand ${handlerName} function`,
      path: functionRolePath,
    });
    role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    super(scope, id, {
      memorySize: 512,
      timeout: Duration.seconds(30),
      ...rest,
      role,
      entry: handlerEntry(handlerName),
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'deckhand',
        POWERTOOLS_LOG_LEVEL: logLevel,
        DECKHAND_HOME_ACCOUNT: Stack.of(scope).account,
        ...rest.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: false,
        target: bundleTarget,
        mainFields,
        // The SDK is bundled (not taken from the runtime) so the version we test is the one we ship.
        bundleAwsSDK: true,
        externalModules: [],
        banner: esmRequireBanner,
        esbuildArgs: lambdaEsbuildArgs,
        ...rest.bundling,
      },
    });
  }
}
