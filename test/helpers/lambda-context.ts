export { lambdaContext } from '../../scripts/lib/lambda-context.ts';
