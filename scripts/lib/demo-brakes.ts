/**
 * The demo's brakes: staging's proven digest promoted to prod-eu after an approval given by a signed click
 * through the local Slack receiver, and a change freeze that holds a push and releases it when it ends.
 * Driven through the same bundled handlers as the rest of the demo (timers, slack-actions), and the CLI.
 */
import { main } from '#cli/deckhand.ts';
import { lambdaContext } from './lambda-context.ts';
import { signedClick, type SlackReceiver } from './slack-receiver.ts';

type Json = Record<string, unknown>;
type Outcome = { outcome: string; reason?: string; actions: unknown[] };

export const demoApprover = 'U0APPROVER';
export const demoSigningSecret = 'demo-signing-secret';

export interface BrakesContext {
  step: (title: string) => void;
  expect: (ok: boolean, expectation: string) => void;
  invoke: (name: 'timers' | 'image-push' | 'image-scan', event: Json, what: string) => Promise<Outcome>;
  /** A Function URL request straight to slack-actions, delivered `copies` times at once as Slack may retry. */
  handler(name: 'slack-actions'): (event: unknown, context: unknown) => Promise<unknown>;
  report: { invoked(handler: string, what: string, outcome: { outcome: string; reason?: string }): void };
  envelope(source: string, detailType: string, detail: Json, resources?: string[]): Json;
  push(tag: string): Json;
  scan(tag: string, counts: Json): Json;
  running(cluster: string, service: string): Promise<string>;
  image(taskDefinition: string, cluster?: string): Promise<string>;
  receiver: SlackReceiver;
  pinned(tag: string): string;
  config: string;
  copies: number;
}

const settle = (ms: number) => new Promise((done) => setTimeout(done, ms));

export const runBrakes = async (demo: BrakesContext): Promise<void> => {
  const { step, expect, invoke, receiver } = demo;
  const tick = (what: string) =>
    invoke('timers', demo.envelope('aws.scheduler', 'Scheduled Event', {}, []), what);
  const cli = async (...args: string[]) => main([...args, '--config', demo.config], () => {});

  step(
    '6. Promote what staging proved to prod-eu: bake over, approval asked in Slack, a signed click approves',
  );
  // web-eu waits `after: 1s` past staging's COMPLETED 1.5.1.
  await settle(1100);
  const asked = await tick('timers tick: 1.5.1 stayed healthy in staging');
  expect(asked.outcome === 'awaiting-approval', 'the promotion of 1.5.1 to web-eu awaits approval');
  const request = receiver.current().find((m) => JSON.stringify(m.blocks).includes('deckhand.approve'));
  expect(request !== undefined, 'the owning team got an approval request with Approve and Decline buttons');
  if (!request) return;
  const click = signedClick(request, 'deckhand.approve', demoApprover, demoSigningSecret);
  const forged = { ...click, headers: { ...click.headers, 'x-slack-signature': `v0=${'0'.repeat(64)}` } };
  const answer = async (event: unknown, what: string) => {
    const responses = (await Promise.all(
      Array.from({ length: demo.copies }, () =>
        demo.handler('slack-actions')(structuredClone(event), lambdaContext('slack-actions')),
      ),
    )) as { statusCode: number; body: string }[];
    const statuses = [...new Set(responses.map((r) => r.statusCode))].join(', ');
    demo.report.invoked('slack-actions', what, { outcome: `HTTP ${statuses}` });
    return responses.map((r) => r.statusCode);
  };
  expect(
    (await answer(forged, 'a click with a forged signature')).every((status) => status === 401),
    'a forged signature is refused with 401, and nothing changes',
  );
  expect(
    (await answer(click, `Approve clicked by ${demoApprover}, signed by Slack`)).every((s) => s === 200),
    'the signed click is accepted (200), and acts once however often it is delivered',
  );
  const approved = receiver.current().find((m) => m.ts === request.ts);
  expect(
    approved !== undefined && !JSON.stringify(approved.blocks).includes('deckhand.approve'),
    'the approval message is updated in place: who approved, no buttons left',
  );
  const promoted = await tick('timers tick: the approved promotion deploys');
  expect(promoted.outcome === 'promoted', 'promoted through the same path as a push');
  expect(
    (await demo.image(await demo.running('prod-eu', 'web'), 'prod-eu')) === demo.pinned('1.5.1'),
    'prod-eu/web, in the eu account and Region, runs the identical image staging proved: web@sha256:… of 1.5.1',
  );

  step('7. A change freeze holds a push to staging; when it ends, the held image goes out');
  expect(
    (await cli('freeze', 'web-staging', '--until', '1h', '--reason', 'change freeze')) === 0,
    '`deckhand freeze web-staging --until 1h` holds the pipeline',
  );
  await invoke('image-scan', demo.scan('1.5.2', { LOW: 1 }), 'ECR scan of 1.5.2: 1 LOW');
  const held = await invoke('image-push', demo.push('1.5.2'), 'ECR push web:1.5.2');
  expect(held.outcome === 'frozen', 'web-staging’s push is held by the freeze, and the team told once');
  expect(
    (await demo.image(await demo.running('staging', 'web'))) === demo.pinned('1.5.1'),
    'staging/web still runs 1.5.1',
  );
  expect((await cli('unfreeze', 'web-staging')) === 0, '`deckhand unfreeze web-staging` ends it');
  const released = await tick('timers tick: the freeze is over');
  expect(released.outcome === 'released', 'the newest held image is released');
  expect(
    (await demo.image(await demo.running('staging', 'web'))) === demo.pinned('1.5.2'),
    'staging/web runs 1.5.2',
  );
};
