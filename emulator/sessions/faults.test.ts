/**
 * Fault injection on the emulator's data channel: each fault produces its wire behaviour, and a client that
 * follows the protocol (acks, reorder buffer, ResumeSession) still gets the output byte for byte.
 */
import { DescribeSessionsCommand, ResumeSessionCommand, SSMClient, StartSessionCommand } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MessageType, PayloadType } from '../../electron/core/ssm/message';
import type { FaultPlanInput } from '../agent/faults';
import { createEmulator, type Emulator } from '../server';
import { sessionsPlugin } from './install';
import type { SessionService } from './service';
import { TestDataChannelClient } from './test-client';

const TARGET = 'i-0a1b2c3d4e5f60001';
/** ~109 KB of numbered lines: ~107 output messages. */
const COMMAND = 'seq 1 20000';
const EXPECTED = Array.from({ length: 20000 }, (_, i) => `${i + 1}\n`).join('');

let emulator: Emulator;
let service: SessionService;
let ssm: SSMClient;
const clients: TestDataChannelClient[] = [];

beforeAll(async () => {
  emulator = await createEmulator({
    plugins: [sessionsPlugin({ pacing: false, closeGraceMs: 5000 }, (s) => (service = s))],
  });
  ssm = new SSMClient({
    region: 'us-east-1',
    endpoint: emulator.url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.dispose();
  await postFaults({ instanceId: TARGET, faults: null });
});

afterAll(async () => {
  ssm.destroy();
  await emulator.close();
});

async function postFaults(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${emulator.url}/_emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

interface Run {
  client: TestDataChannelClient;
  sessionId: string;
  reconnects: number;
  resumeErrors: unknown[];
}

/** Starts the command session under `faults` and keeps resuming (as a client must) until channel_closed. */
async function runWithFaults(faults: FaultPlanInput, options: { resume?: boolean } = {}): Promise<Run> {
  expect((await postFaults({ instanceId: TARGET, faults })).status).toBe(200);
  const out = await ssm.send(
    new StartSessionCommand({
      Target: TARGET,
      DocumentName: 'AWS-StartNonInteractiveCommand',
      Parameters: { command: [COMMAND], separateOutputStream: ['true'] },
    }),
  );
  const client = new TestDataChannelClient({
    streamUrl: out.StreamUrl!,
    token: out.TokenValue!,
    sessionId: out.SessionId!,
    target: TARGET,
    endpoint: emulator.url,
  });
  clients.push(client);
  const run: Run = { client, sessionId: out.SessionId!, reconnects: 0, resumeErrors: [] };
  await client.connect();
  const deadline = Date.now() + 25_000;
  while (client.closed === undefined && Date.now() < deadline) {
    await client
      .waitFor(() => client.closed !== undefined || !client.connected, 25_000, 'close or drop')
      .catch(() => undefined);
    if (client.closed !== undefined || options.resume === false) break;
    if (!client.connected) {
      try {
        const resumed = await ssm.send(new ResumeSessionCommand({ SessionId: run.sessionId }));
        if (!resumed.TokenValue) {
          run.resumeErrors.push('no token');
          break;
        }
        run.reconnects++;
        await client.connect(resumed.TokenValue);
      } catch (e) {
        run.resumeErrors.push(e);
        break;
      }
    }
  }
  return run;
}

function outputOrder(c: TestDataChannelClient): number[] {
  return c.frames
    .filter((f) => f.ok && f.message!.messageType === MessageType.OutputStreamData)
    .map((f) => f.message!.sequenceNumber);
}

function counters(sessionId: string) {
  return service.snapshot().find((s) => s.sessionId === sessionId)!;
}

describe('fault injection', () => {
  it('drops the websocket after N messages; ResumeSession + reconnect delivers every byte once', async () => {
    // Early enough that the agent's one-resend-per-tick recovery of the unacked messages (acks in flight die
    // with the socket) fits in its 2 s drain window at the end of the command (fact sheet §5.4, §10.1).
    const run = await runWithFaults({ dropAfterMessages: 8 });
    expect(run.reconnects).toBe(1);
    expect(run.client.socketCloses.length).toBeGreaterThanOrEqual(1);
    expect(run.client.stdoutText).toBe(EXPECTED);
    expect(run.client.exitCode).toBe('EXIT_CODE: 0');
    expect(counters(run.sessionId).faults!.dropped).toBe(1);
  });

  it('drops at random (seeded) and the output still matches after several resumes', async () => {
    const run = await runWithFaults({ seed: 7, dropProbability: 0.03, dropMode: 'close' });
    expect(run.reconnects).toBeGreaterThanOrEqual(1);
    expect(run.client.socketCloses.some((c) => c.code === 1000 && c.reason === 'Bye')).toBe(true);
    expect(run.client.stdoutText).toBe(EXPECTED);
  });

  it('duplicates frames: the client sees duplicates, the output has none', async () => {
    const run = await runWithFaults({ seed: 3, duplicateProbability: 0.3 });
    expect(run.client.duplicatesReceived).toBeGreaterThan(0);
    expect(run.client.stdoutText).toBe(EXPECTED);
  });

  it('reorders frames: they arrive out of order, the output is in order', async () => {
    const run = await runWithFaults({ seed: 5, reorderProbability: 0.2 });
    const order = outputOrder(run.client);
    expect(order.some((seq, i) => i > 0 && seq < order[i - 1]!)).toBe(true);
    expect(run.client.stdoutText).toBe(EXPECTED);
    expect(run.client.delivered).toEqual([...run.client.delivered].sort((a, b) => a - b));
  });

  it('corrupts digests: the client drops those frames, the agent resends them after its RTO', async () => {
    const run = await runWithFaults({ seed: 11, corruptDigestProbability: 0.1 });
    expect(run.client.badDigests).toBeGreaterThan(0);
    expect(run.client.stdoutText).toBe(EXPECTED);
    const snap = counters(run.sessionId);
    expect(snap.channel.resends).toBeGreaterThanOrEqual(snap.faults!.corrupted);
  });

  it('loses frames: resent only by the resend scheduler, output intact', async () => {
    const run = await runWithFaults({ seed: 2, loseProbability: 0.05 });
    const snap = counters(run.sessionId);
    expect(snap.faults!.lost).toBeGreaterThan(0);
    expect(snap.channel.resends).toBeGreaterThanOrEqual(snap.faults!.lost);
    expect(run.client.stdoutText).toBe(EXPECTED);
  });

  it('delays every frame', async () => {
    const started = performance.now();
    const run = await runWithFaults({ delayMs: 80 });
    expect(run.client.stdoutText).toBe(EXPECTED);
    // At least the handshake round trips (request, complete) and the output each waited 80 ms.
    expect(performance.now() - started).toBeGreaterThanOrEqual(160);
    expect(counters(run.sessionId).faults!.delayed).toBeGreaterThan(0);
  });

  it('pauses publication: pause_publication then start_publication reach the client, output intact', async () => {
    const run = await runWithFaults({ pausePublication: { afterMessages: 10, durationMs: 300 } });
    const types = run.client.frames.filter((f) => f.ok).map((f) => f.message!.messageType);
    const pause = types.indexOf(MessageType.PausePublication);
    const start = types.indexOf(MessageType.StartPublication);
    expect(pause).toBeGreaterThanOrEqual(0);
    expect(start).toBeGreaterThan(pause);
    expect(run.client.stdoutText).toBe(EXPECTED);
  });

  it('expires the token: the old token is refused, ResumeSession gives a working one', async () => {
    const run = await runWithFaults({ expireToken: { afterMessages: 8, resume: 'succeed' } }, { resume: false });
    // The socket was dropped; reconnecting with the old token is refused.
    await run.client.connect();
    await run.client.waitForSocketClose();
    expect(run.client.socketCloses.at(-1)!.code).toBe(1008);
    const resumed = await ssm.send(new ResumeSessionCommand({ SessionId: run.sessionId }));
    await run.client.connect(resumed.TokenValue!);
    await run.client.waitForClosed(20_000);
    expect(run.client.stdoutText).toBe(EXPECTED);
  });

  it('expires the token so that ResumeSession returns no token: the session is over', async () => {
    const run = await runWithFaults({ expireToken: { afterMessages: 20, resume: 'no-token' } });
    expect(run.resumeErrors).toEqual(['no token']);
    const history = await ssm.send(
      new DescribeSessionsCommand({ State: 'History', Filters: [{ key: 'SessionId', value: run.sessionId }] }),
    );
    expect(history.Sessions![0]!.Status).toBe('Terminated');
  });

  it('expires the token so that ResumeSession fails with DoesNotExistException', async () => {
    const run = await runWithFaults({ expireToken: { afterMessages: 20, resume: 'error' } });
    expect(run.resumeErrors).toHaveLength(1);
    expect(run.resumeErrors[0]).toMatchObject({ name: 'DoesNotExistException' });
  });

  it('applies faults to a live session by sessionId and refuses bad admin requests', async () => {
    const out = await ssm.send(new StartSessionCommand({ Target: TARGET }));
    const c = new TestDataChannelClient({
      streamUrl: out.StreamUrl!,
      token: out.TokenValue!,
      sessionId: out.SessionId!,
      target: TARGET,
      endpoint: emulator.url,
    });
    clients.push(c);
    await c.connect();
    c.type('echo warm\r');
    await c.waitForText('warm');
    const applied = await postFaults({ sessionId: out.SessionId, faults: { duplicateProbability: 1 } });
    expect(applied).toEqual({ status: 200, json: { applied: [out.SessionId] } });
    c.type('echo "dup-$((2+3))"\r');
    await c.waitForText('dup-5');
    expect(c.duplicatesReceived).toBeGreaterThan(0);
    expect((c.stdoutText.match(/dup-5/g) ?? []).length).toBe(1);

    expect((await postFaults({ sessionId: 'nope', faults: null })).status).toBe(404);
    expect((await postFaults({ sessionId: out.SessionId, faults: { duplicateProbability: 2 } })).status).toBe(400);
    expect((await postFaults({ faults: null })).status).toBe(400);
    const bad = await fetch(`${emulator.url}/_emulator/faults`, { method: 'POST', body: 'not json' });
    expect(bad.status).toBe(400);
    const sessions = (await (await fetch(`${emulator.url}/_emulator/sessions`)).json()) as { sessions: unknown[] };
    expect(JSON.stringify(sessions)).not.toContain(out.TokenValue!);
    expect(sessions.sessions.length).toBeGreaterThan(0);
  });

  it('emits only well-formed frames: HL 116, non-zero dates, acks with flags 3', async () => {
    const run = await runWithFaults({});
    expect(run.client.frames.every((f) => f.ok)).toBe(true);
    for (const f of run.client.frames) {
      expect(new DataView(f.raw.buffer, f.raw.byteOffset).getUint32(0)).toBe(116);
      expect(f.message!.createdDate).toBeGreaterThan(0);
      if (f.message!.messageType === MessageType.Acknowledge) {
        expect(f.message!.flags).toBe(3);
        expect(f.message!.sequenceNumber).toBe(0);
        expect(f.message!.payloadType).toBe(0);
      }
    }
    expect(run.client.frames.some((f) => f.message!.payloadType === PayloadType.ExitCode)).toBe(true);
  });
});
