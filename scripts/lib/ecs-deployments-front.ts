/**
 * A loopback HTTP proxy in front of moto that answers the three ECS service-deployment APIs moto lacks
 * (DescribeServiceRevisions, DescribeServiceDeployments, ContinueServiceDeployment) from state a test seeds,
 * and forwards every other request to moto byte for byte (headers included, so moto still picks the account
 * from the credentials).
 *
 * Both directions are checked against the installed @aws-sdk/client-ecs's own operation schemas at runtime:
 * each incoming request and each outgoing response must use only members the schema declares, with the
 * declared types, the required members present, timestamps as epoch seconds (the awsJson1_1 wire format),
 * and the SDK's enum values where the SDK ships them. A request that fails is answered 400
 * `EcsDeploymentsFrontSchemaViolation` (an error name no AWS SDK knows, so it fails loudly and is not
 * retried); a seed that would produce an invalid response throws at `putRevision`/`putDeployment`.
 *
 * What ECS documents and the front does:
 * - Describe calls answer unknown ARNs in `failures` with `reason: "MISSING"`; more than 20 ARNs is an
 *   InvalidParameterException.
 * - ContinueServiceDeployment answers `{ serviceDeploymentArn }`; an unknown deployment is a
 *   ServiceDeploymentNotFoundException (client fault); `action` defaults to CONTINUE.
 * Inferred, not documented: a hookId that a seeded deployment with `lifecycleHookDetails` does not list is an
 * InvalidParameterException. Continuing does not change the seeded state; seed the next state again.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ContinueServiceDeployment$,
  DeploymentLifecycleHookAction,
  DeploymentLifecycleHookStatus,
  DeploymentLifecycleHookTargetType,
  DescribeServiceDeployments$,
  DescribeServiceRevisions$,
  type ServiceDeployment,
  ServiceDeployment$,
  ServiceDeploymentLifecycleStage,
  ServiceDeploymentStatus,
  type ServiceRevision,
  ServiceRevision$,
} from '@aws-sdk/client-ecs';

const targetPrefix = 'AmazonEC2ContainerServiceV20141113.';

/** The operations the front answers itself, with the SDK's operation schemas (input, output). */
export const frontOperations = {
  DescribeServiceRevisions: DescribeServiceRevisions$,
  DescribeServiceDeployments: DescribeServiceDeployments$,
  ContinueServiceDeployment: ContinueServiceDeployment$,
} as const;
export type FrontOperation = keyof typeof frontOperations;

/** The error name the front answers a schema violation with. */
export const schemaViolationName = 'EcsDeploymentsFrontSchemaViolation';

/** ECS's documented limit on ARNs per Describe call. */
export const describeArnLimit = 20;

// ---------------------------------------------------------------------------------------------------------
// Validation against the SDK's static schemas (@smithy/types StaticSchema tuples):
//   number:                       simple type (0 string, 1 number, 2 boolean, 4-7 timestamp, 15 document,
//                                 17/19 big number, 21 blob, 42 streaming blob), | 64 list of, | 128 map of
//   [0, ns, name, traits, ref]    simple type with traits
//   [1, ns, name, traits, ref]    list
//   [2, ns, name, traits, k, v]   map
//   [3|-3, ns, name, traits, memberNames, memberRefs, requiredCount?]   structure | error (required first)
//   [4, ns, name, traits, memberNames, memberRefs]                      union (exactly one member set)
//   [9, ns, name, traits, input, output]                                operation
//   [ref, traits]                 a member with traits; any ref may be a thunk `() => schema`
// ---------------------------------------------------------------------------------------------------------

/**
 * Enum members the SDK's schemas type as plain strings: the SDK ships their values as constants, keyed here
 * by `<Structure>.<member>`.
 */
const enumMembers: Record<string, readonly string[]> = {
  'ContinueServiceDeploymentRequest.action': Object.values(DeploymentLifecycleHookAction),
  'ServiceDeployment.status': Object.values(ServiceDeploymentStatus),
  'ServiceDeployment.lifecycleStage': Object.values(ServiceDeploymentLifecycleStage),
  'DeploymentLifecycleHookDetail.targetType': Object.values(DeploymentLifecycleHookTargetType),
  'DeploymentLifecycleHookDetail.status': Object.values(DeploymentLifecycleHookStatus),
  'DeploymentLifecycleHookDetail.timeoutAction': Object.values(DeploymentLifecycleHookAction),
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const resolve = (ref: unknown): unknown => {
  let schema = ref;
  for (;;) {
    if (typeof schema === 'function') schema = (schema as () => unknown)();
    else if (Array.isArray(schema) && schema.length === 2) schema = schema[0];
    else return schema;
  }
};

const describeValue = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

const checkSimple = (id: number, value: unknown, path: string, out: string[]): void => {
  if (id & 64) {
    if (!Array.isArray(value)) out.push(`${path}: expected a list, got ${describeValue(value)}`);
    else value.forEach((item, index) => checkSimple(id & 63, item, `${path}[${index}]`, out));
    return;
  }
  if (id & 128) {
    if (!isRecord(value)) out.push(`${path}: expected a map, got ${describeValue(value)}`);
    else for (const [key, item] of Object.entries(value)) checkSimple(id & 63, item, `${path}.${key}`, out);
    return;
  }
  const expect = (ok: boolean, what: string) => {
    if (!ok) out.push(`${path}: expected ${what}, got ${describeValue(value)} ${JSON.stringify(value)}`);
  };
  switch (id) {
    case 0:
      return expect(typeof value === 'string', 'a string');
    case 1:
    case 17:
    case 19:
      return expect(typeof value === 'number' && Number.isFinite(value), 'a number');
    case 2:
      return expect(typeof value === 'boolean', 'a boolean');
    case 4:
    case 7:
      return expect(typeof value === 'number' && Number.isFinite(value), 'a timestamp in epoch seconds');
    case 5:
    case 6:
      return expect(typeof value === 'string', 'a timestamp string');
    case 15:
      return;
    case 21:
      return expect(typeof value === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(value), 'base64 text');
    default:
      out.push(`${path}: the front does not support schema type ${id}`);
  }
};

const checkMembers = (schema: unknown[], value: unknown, path: string, out: string[], union: boolean) => {
  const name = String(schema[2]);
  if (!isRecord(value)) {
    out.push(`${path}: expected a ${name} object, got ${describeValue(value)}`);
    return;
  }
  const names = schema[4] as string[];
  const refs = schema[5] as unknown[];
  const required = union ? 0 : ((schema[6] as number | undefined) ?? 0);
  for (const key of Object.keys(value)) {
    if (!names.includes(key)) out.push(`${path}.${key}: ${name} has no member "${key}"`);
  }
  names.forEach((member, index) => {
    const item = value[member];
    if (item === undefined) {
      if (index < required) out.push(`${path}.${member}: required by ${name}, missing`);
      return;
    }
    if (item === null) {
      out.push(`${path}.${member}: null is not a value (leave the member out)`);
      return;
    }
    check(refs[index], item, `${path}.${member}`, out);
    const allowed = enumMembers[`${name}.${member}`];
    if (allowed && typeof item === 'string' && !allowed.includes(item))
      out.push(
        `${path}.${member}: "${item}" is not one of ${name}.${member}'s values (${allowed.join(', ')})`,
      );
  });
  if (union) {
    const set = names.filter((member) => value[member] !== undefined);
    if (set.length !== 1) out.push(`${path}: union ${name} must set exactly one member, sets ${set.length}`);
  }
};

const check = (ref: unknown, value: unknown, path: string, out: string[]): void => {
  const schema = resolve(ref);
  if (typeof schema === 'number') return checkSimple(schema, value, path, out);
  if (!Array.isArray(schema)) {
    out.push(`${path}: the front does not support schema ${String(schema)}`);
    return;
  }
  switch (schema[0]) {
    case 0:
      return check(schema[4], value, path, out);
    case 1:
      if (!Array.isArray(value))
        out.push(`${path}: expected a ${String(schema[2])} list, got ${describeValue(value)}`);
      else value.forEach((item, index) => check(schema[4], item, `${path}[${index}]`, out));
      return;
    case 2:
      if (!isRecord(value))
        out.push(`${path}: expected a ${String(schema[2])} map, got ${describeValue(value)}`);
      else for (const [key, item] of Object.entries(value)) check(schema[5], item, `${path}.${key}`, out);
      return;
    case 3:
    case -3:
      return checkMembers(schema, value, path, out, false);
    case 4:
      return checkMembers(schema, value, path, out, true);
    default:
      out.push(`${path}: the front does not support schema kind ${String(schema[0])}`);
  }
};

/** Every way `value` (the JSON wire form) departs from an SDK schema; empty when it conforms. */
export const schemaViolations = (schema: unknown, value: unknown, path = '$'): string[] => {
  const out: string[] = [];
  check(schema, value, path, out);
  return out;
};

const operationSchema = (operation: FrontOperation) => frontOperations[operation] as unknown as unknown[];

/** Violations of an operation's request schema (its input structure), for a JSON wire body. */
export const requestViolations = (operation: FrontOperation, body: unknown): string[] =>
  schemaViolations(operationSchema(operation)[4], body);

/** Violations of an operation's response schema (its output structure), for a JSON wire body. */
export const responseViolations = (operation: FrontOperation, body: unknown): string[] =>
  schemaViolations(operationSchema(operation)[5], body);

export class SchemaViolationError extends Error {
  override name = 'SchemaViolationError';
  readonly violations: string[];
  constructor(what: string, violations: string[]) {
    super(`${what} departs from the SDK's schema:\n  ${violations.join('\n  ')}`);
    this.violations = violations;
  }
}

/** JSON wire form: Dates become epoch seconds, undefined members are left out. */
export const toWire = (value: unknown): unknown => {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (isRecord(value))
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== undefined)
        .map(([key, item]) => [key, toWire(item)]),
    );
  return value;
};

// ---------------------------------------------------------------------------------------------------------
// Seeds and the front itself
// ---------------------------------------------------------------------------------------------------------

/** A service revision as DescribeServiceRevisions returns it (SDK type); `createdAt` defaults to now. */
export type SeedRevision = Omit<
  ServiceRevision,
  'serviceRevisionArn' | 'serviceArn' | 'clusterArn' | 'taskDefinition'
> & {
  serviceRevisionArn: string;
  serviceArn: string;
  clusterArn: string;
  taskDefinition: string;
};

/**
 * A service deployment as DescribeServiceDeployments returns it (SDK type), with shorthands:
 * `targetServiceRevisionArn` sets `targetServiceRevision.arn`; `sourceServiceRevisionArns` sets
 * `sourceServiceRevisions`; `pauseHookId` adds a PAUSE hook AWAITING_ACTION that expires in
 * `pauseTimeoutMinutes` (default 60) with timeoutAction ROLLBACK. `createdAt`/`updatedAt` default to now.
 * `status` and `lifecycleStage` take strings so callers can pass the port's types; they are checked against
 * the SDK's enum values.
 */
export type SeedDeployment = Omit<
  ServiceDeployment,
  'serviceDeploymentArn' | 'serviceArn' | 'clusterArn' | 'status' | 'lifecycleStage'
> & {
  serviceDeploymentArn: string;
  serviceArn: string;
  clusterArn: string;
  status: string;
  lifecycleStage?: string;
  targetServiceRevisionArn?: string;
  sourceServiceRevisionArns?: string[];
  pauseHookId?: string;
  pauseTimeoutMinutes?: number;
};

/** One ContinueServiceDeployment call the front received (after its request passed the schema check). */
export interface ContinueCall {
  serviceDeploymentArn: string;
  hookId: string;
  /** As sent, or CONTINUE when the request left it out (the documented default). */
  action: string;
  /** `OK`, or the name of the error the front answered. */
  answer: 'OK' | 'ServiceDeploymentNotFoundException' | 'InvalidParameterException';
}

type Wire = Record<string, unknown>;

interface Answer {
  status: number;
  body: Wire;
}

const fault = (name: string, message: string, status = 400): Answer => ({
  status,
  body: { __type: name, message },
});

const readBody = async (incoming: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

export class EcsDeploymentsFront {
  private readonly server: Server;
  private readonly upstream: URL;
  private readonly revisions = new Map<string, Wire>();
  private readonly deployments = new Map<string, Wire>();
  private readonly continueCalls: ContinueCall[] = [];
  private readonly violationLog: string[] = [];
  private readonly answeredCounts = new Map<FrontOperation, number>();
  private forwardedCount = 0;

  private constructor(upstream: URL) {
    this.upstream = upstream;
    this.server = createServer((incoming, outgoing) => this.route(incoming, outgoing));
  }

  /** Starts the front on a free loopback port, forwarding everything it does not answer to `target`. */
  static async start(target: string): Promise<EcsDeploymentsFront> {
    const front = new EcsDeploymentsFront(new URL(target));
    front.server.listen(0, '127.0.0.1');
    await once(front.server, 'listening');
    return front;
  }

  /** The front's endpoint, for AWS_ENDPOINT_URL or a client's `endpoint`. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Seeds (or replaces) a service revision; throws SchemaViolationError if ECS could not answer it. */
  putRevision(seed: SeedRevision): void {
    const wire = toWire({ createdAt: new Date(), ...seed }) as Wire;
    const violations = schemaViolations(ServiceRevision$, wire, '$.serviceRevisions[]');
    if (violations.length > 0)
      throw new SchemaViolationError(`revision ${seed.serviceRevisionArn}`, violations);
    this.revisions.set(seed.serviceRevisionArn, wire);
  }

  /** Seeds (or replaces) a service deployment; throws SchemaViolationError if ECS could not answer it. */
  putDeployment(seed: SeedDeployment): void {
    const {
      targetServiceRevisionArn,
      sourceServiceRevisionArns,
      pauseHookId,
      pauseTimeoutMinutes = 60,
      ...deployment
    } = seed;
    const now = new Date();
    const wire = toWire({
      createdAt: now,
      updatedAt: now,
      ...deployment,
      ...(targetServiceRevisionArn === undefined
        ? {}
        : { targetServiceRevision: { ...deployment.targetServiceRevision, arn: targetServiceRevisionArn } }),
      ...(sourceServiceRevisionArns === undefined
        ? {}
        : { sourceServiceRevisions: sourceServiceRevisionArns.map((arn) => ({ arn })) }),
      ...(pauseHookId === undefined
        ? {}
        : {
            lifecycleHookDetails: [
              ...(deployment.lifecycleHookDetails ?? []),
              {
                hookId: pauseHookId,
                targetType: 'PAUSE',
                status: 'AWAITING_ACTION',
                expiresAt: new Date(now.getTime() + pauseTimeoutMinutes * 60_000),
                timeoutAction: 'ROLLBACK',
              },
            ],
          }),
    }) as Wire;
    const violations = schemaViolations(ServiceDeployment$, wire, '$.serviceDeployments[]');
    if (violations.length > 0)
      throw new SchemaViolationError(`deployment ${seed.serviceDeploymentArn}`, violations);
    this.deployments.set(seed.serviceDeploymentArn, wire);
  }

  /** The ContinueServiceDeployment calls received, in order. */
  continued(): ContinueCall[] {
    return this.continueCalls.map((call) => ({ ...call }));
  }

  /** Schema violations seen in requests and responses, in order (each request or response's list joined). */
  violations(): string[] {
    return [...this.violationLog];
  }

  /** How many calls of each operation the front answered itself, and how many it forwarded to moto. */
  counts(): { answered: Record<FrontOperation, number>; forwarded: number } {
    return {
      answered: {
        DescribeServiceRevisions: this.answeredCounts.get('DescribeServiceRevisions') ?? 0,
        DescribeServiceDeployments: this.answeredCounts.get('DescribeServiceDeployments') ?? 0,
        ContinueServiceDeployment: this.answeredCounts.get('ContinueServiceDeployment') ?? 0,
      },
      forwarded: this.forwardedCount,
    };
  }

  /** Forgets seeds, calls, violations and counts. */
  reset(): void {
    this.revisions.clear();
    this.deployments.clear();
    this.continueCalls.length = 0;
    this.violationLog.length = 0;
    this.answeredCounts.clear();
    this.forwardedCount = 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((done) => this.server.close(() => done()));
  }

  private route(incoming: IncomingMessage, outgoing: ServerResponse): void {
    const amzTarget = incoming.headers['x-amz-target'];
    const operation =
      typeof amzTarget === 'string' && amzTarget.startsWith(targetPrefix)
        ? amzTarget.slice(targetPrefix.length)
        : undefined;
    if (operation && Object.hasOwn(frontOperations, operation)) {
      this.answer(operation as FrontOperation, incoming, outgoing).catch((error: unknown) => {
        if (!outgoing.headersSent) outgoing.writeHead(500).end(String(error));
      });
      return;
    }
    this.forwardedCount += 1;
    const forward = request(
      {
        host: this.upstream.hostname,
        port: this.upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forward.on('error', () => {
      if (!outgoing.headersSent) outgoing.writeHead(502).end();
    });
    incoming.on('error', () => forward.destroy());
    incoming.pipe(forward);
  }

  private async answer(operation: FrontOperation, incoming: IncomingMessage, outgoing: ServerResponse) {
    this.answeredCounts.set(operation, (this.answeredCounts.get(operation) ?? 0) + 1);
    const text = (await readBody(incoming)).toString('utf8');
    let body: unknown;
    try {
      body = text === '' ? {} : JSON.parse(text);
    } catch {
      return this.send(outgoing, fault('SerializationException', `${operation}: the body is not JSON`));
    }
    const requestProblems = requestViolations(operation, body);
    if (requestProblems.length > 0) {
      this.violationLog.push(`${operation} request: ${requestProblems.join('; ')}`);
      return this.send(
        outgoing,
        fault(
          schemaViolationName,
          `${operation} request departs from the SDK's schema: ${requestProblems.join('; ')}`,
        ),
      );
    }
    const answer = this.handle(operation, body as Wire);
    if (answer.status === 200) {
      const responseProblems = responseViolations(operation, answer.body);
      if (responseProblems.length > 0) {
        this.violationLog.push(`${operation} response: ${responseProblems.join('; ')}`);
        return this.send(
          outgoing,
          fault(
            schemaViolationName,
            `${operation} response departs from the SDK's schema: ${responseProblems.join('; ')}`,
          ),
        );
      }
    }
    return this.send(outgoing, answer);
  }

  private handle(operation: FrontOperation, body: Wire): Answer {
    switch (operation) {
      case 'DescribeServiceRevisions':
        return this.describe(body.serviceRevisionArns as string[], this.revisions, 'serviceRevisions');
      case 'DescribeServiceDeployments':
        return this.describe(body.serviceDeploymentArns as string[], this.deployments, 'serviceDeployments');
      case 'ContinueServiceDeployment':
        return this.continueDeployment(body);
    }
  }

  private describe(arns: string[], seeded: Map<string, Wire>, key: string): Answer {
    if (arns.length > describeArnLimit)
      return fault('InvalidParameterException', `You can specify a maximum of ${describeArnLimit} ARNs.`);
    const found: Wire[] = [];
    const failures: Wire[] = [];
    for (const arn of new Set(arns)) {
      const item = seeded.get(arn);
      if (item) found.push(item);
      else failures.push({ arn, reason: 'MISSING' });
    }
    return { status: 200, body: { [key]: found, failures } };
  }

  private continueDeployment(body: Wire): Answer {
    const serviceDeploymentArn = body.serviceDeploymentArn as string;
    const hookId = body.hookId as string;
    const action = (body.action as string | undefined) ?? 'CONTINUE';
    const deployment = this.deployments.get(serviceDeploymentArn);
    const hooks = (deployment?.lifecycleHookDetails as Wire[] | undefined) ?? [];
    const answer: Answer = !deployment
      ? fault(
          'ServiceDeploymentNotFoundException',
          `The service deployment ${serviceDeploymentArn} does not exist.`,
        )
      : hooks.length > 0 && !hooks.some((hook) => hook.hookId === hookId)
        ? fault('InvalidParameterException', `The hook ${hookId} is not a hook of ${serviceDeploymentArn}.`)
        : { status: 200, body: { serviceDeploymentArn } };
    this.continueCalls.push({
      serviceDeploymentArn,
      hookId,
      action,
      answer: answer.status === 200 ? 'OK' : (answer.body.__type as ContinueCall['answer']),
    });
    return answer;
  }

  private send(outgoing: ServerResponse, answer: Answer): void {
    const payload = JSON.stringify(answer.body);
    outgoing
      .writeHead(answer.status, {
        'content-type': 'application/x-amz-json-1.1',
        'content-length': Buffer.byteLength(payload),
        'x-amzn-requestid': randomUUID(),
      })
      .end(payload);
  }
}
