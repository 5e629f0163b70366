/**
 * Which AWS errors Deckhand hands back for a retry (TransientError) and which it treats as final, classified
 * with the SDK's own rules. Built from the SDK's exception classes, and from a real ECSClient talking to a
 * local server that misbehaves.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
  ThrottlingException as DynamoDbThrottlingException,
} from '@aws-sdk/client-dynamodb';
import {
  AccessDeniedException,
  ClientException,
  DescribeServicesCommand,
  ECSClient,
  ECSServiceException,
  ServerException,
  ServiceNotFoundException,
} from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { isTransientAwsError } from '#adapters/aws-clients.ts';

const metadata = (httpStatusCode: number) => ({ httpStatusCode, requestId: 'req-1', attempts: 1 });

/** ECS does not model its throttling error: the SDK raises it as the service's base exception. */
const ecsUnmodelled = (name: string, httpStatusCode: number, fault: 'client' | 'server') =>
  new ECSServiceException({ name, $fault: fault, $metadata: metadata(httpStatusCode), message: name });

describe('isTransientAwsError, on the SDK exception classes', () => {
  it.each([
    ['ECS ThrottlingException (unmodelled, 400)', ecsUnmodelled('ThrottlingException', 400, 'client')],
    ['a bare 429', ecsUnmodelled('TooManyRequests', 429, 'client')],
    [
      'DynamoDB ThrottlingException',
      new DynamoDbThrottlingException({ message: 'Rate exceeded', $metadata: metadata(400) }),
    ],
    [
      'DynamoDB ProvisionedThroughputExceededException',
      new ProvisionedThroughputExceededException({ message: 'too fast', $metadata: metadata(400) }),
    ],
  ])('throttling is transient: %s', (_name, error) => {
    expect(isTransientAwsError(error)).toBe(true);
  });

  it.each([
    [
      'ECS ServerException (500)',
      new ServerException({ message: 'internal error', $metadata: metadata(500) }),
    ],
    ['503 Service Unavailable', ecsUnmodelled('ServiceUnavailable', 503, 'server')],
    ['502 from a proxy', ecsUnmodelled('Unknown', 502, 'server')],
    ['an unlisted 5xx (507)', ecsUnmodelled('Unknown', 507, 'server')],
  ])('a server error is transient: %s', (_name, error) => {
    expect(isTransientAwsError(error)).toBe(true);
  });

  it.each([
    ['ECS ClientException', new ClientException({ message: 'bad request', $metadata: metadata(400) })],
    [
      'ECS ServiceNotFoundException',
      new ServiceNotFoundException({ message: 'Service not found.', $metadata: metadata(400) }),
    ],
    [
      'ECS AccessDeniedException',
      new AccessDeniedException({ message: 'not authorized', $metadata: metadata(400) }),
    ],
    [
      'DynamoDB ConditionalCheckFailedException',
      new ConditionalCheckFailedException({ message: 'condition failed', $metadata: metadata(400) }),
    ],
  ])('a 4xx client error is final: %s', (_name, error) => {
    expect(isTransientAwsError(error)).toBe(false);
  });

  it.each(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'])(
    'a network fault is transient: %s',
    (code) => {
      expect(isTransientAwsError(Object.assign(new Error(`connect ${code}`), { code }))).toBe(true);
    },
  );

  it('a network fault wrapped as the cause is transient', () => {
    const socket = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(isTransientAwsError(new Error('request failed', { cause: socket }))).toBe(true);
  });

  it('an SDK timeout is transient', () => {
    expect(isTransientAwsError(Object.assign(new Error('timed out'), { name: 'TimeoutError' }))).toBe(true);
  });

  it('an aborted request, a plain bug, and non-errors are final', () => {
    expect(isTransientAwsError(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toBe(false);
    expect(isTransientAwsError(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBe(
      false,
    );
    expect(isTransientAwsError(new SyntaxError('Unexpected token < in JSON'))).toBe(false);
    for (const value of [undefined, null, 'ThrottlingException', 500]) {
      expect(isTransientAwsError(value)).toBe(false);
    }
  });
});

describe('isTransientAwsError, on what a real ECSClient raises', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
    server = undefined;
  });

  /** The error a one-attempt DescribeServices raises against a server that answers with `reply`. */
  const failureFrom = async (reply: Parameters<typeof createServer>[1]): Promise<unknown> => {
    server = createServer(reply);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = new ECSClient({
      region: 'eu-west-1',
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      maxAttempts: 1,
    });
    try {
      await client.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }));
    } catch (error) {
      return error;
    } finally {
      client.destroy();
    }
    throw new Error('the call succeeded');
  };

  it('a 500 with a body that is not JSON (an HTML error page) is transient', async () => {
    const error = await failureFrom((_request, response) => {
      response.writeHead(500, { 'content-type': 'text/html' }).end('<html>Internal Server Error</html>');
    });
    expect(isTransientAwsError(error)).toBe(true);
  });

  it('ECS throttling, as ECS sends it, is transient', async () => {
    const error = await failureFrom((_request, response) => {
      response
        .writeHead(400, { 'content-type': 'application/x-amz-json-1.1' })
        .end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
    });
    expect(error).toMatchObject({ name: 'ThrottlingException' });
    expect(isTransientAwsError(error)).toBe(true);
  });

  it('a ClientException, as ECS sends it, is final', async () => {
    const error = await failureFrom((_request, response) => {
      response
        .writeHead(400, { 'content-type': 'application/x-amz-json-1.1' })
        .end(JSON.stringify({ __type: 'ClientException', message: 'bad request' }));
    });
    expect(error).toBeInstanceOf(ClientException);
    expect(isTransientAwsError(error)).toBe(false);
  });

  it('a connection reset mid-request is transient', async () => {
    const error = await failureFrom((request) => request.socket.destroy());
    expect(isTransientAwsError(error)).toBe(true);
  });
});
