/**
 * The emulator's Session Manager side end to end: SDK calls for the control plane, a test client written from
 * the fact sheet for the data channel, real PTYs and commands on this machine.
 */
import { readFileSync } from 'node:fs';
import {
  DescribeSessionsCommand,
  ResumeSessionCommand,
  SSMClient,
  StartSessionCommand,
  TerminateSessionCommand,
  type StartSessionCommandInput,
} from '@aws-sdk/client-ssm';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MessageType, PayloadType } from '../../electron/core/ssm/message';
import { createEmulator, DEFAULT_FLEET_PATH, type Emulator } from '../server';
import type { FleetFileInput } from '../fleet/schema';
import { sessionsPlugin, type SessionsOptions } from './install';
import type { SessionService } from './service';
import { TestDataChannelClient } from './test-client';

const LINUX = 'i-0a1b2c3d4e5f60001';
const KMS_LINUX = 'i-0a1b2c3d4e5f60002';
const IDLE_LINUX = 'i-0a1b2c3d4e5f60003';
const MAX_LINUX = 'i-0a1b2c3d4e5f60004';
const WINDOWS = 'i-0a1b2c3d4e5f60006';
const OFFLINE = 'i-0a1b2c3d4e5f60008';
const UNMANAGED = 'i-0a1b2c3d4e5f60009';

function demoFleet(): FleetFileInput {
  const fleet = JSON.parse(readFileSync(DEFAULT_FLEET_PATH, 'utf8')) as FleetFileInput;
  for (const instance of fleet.instances) {
    if (instance.id === KMS_LINUX) instance.kmsEncryption = true;
    if (instance.id === IDLE_LINUX) instance.sessionPreferences = { idleSessionTimeout: 0.01 }; // 600 ms
    if (instance.id === MAX_LINUX) instance.sessionPreferences = { maxSessionDuration: 0.02 }; // 1.2 s
    if (instance.id === WINDOWS) {
      instance.sessionPreferences = {
        shellProfile: { windows: 'echo "win-profile-$((1+1))"', linux: 'echo linux-profile' },
      };
    }
  }
  return fleet;
}

interface Harness {
  emulator: Emulator;
  service: SessionService;
  ssm: SSMClient;
}

async function startHarness(options: SessionsOptions): Promise<Harness> {
  let service: SessionService | undefined;
  const emulator = await createEmulator({
    fleet: demoFleet(),
    plugins: [sessionsPlugin(options, (s) => (service = s))],
  });
  const ssm = new SSMClient({
    region: 'us-east-1',
    endpoint: emulator.url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  return { emulator, service: service!, ssm };
}

const clients: TestDataChannelClient[] = [];

async function open(h: Harness, input: StartSessionCommandInput): Promise<TestDataChannelClient> {
  const out = await h.ssm.send(new StartSessionCommand(input));
  const client = new TestDataChannelClient({
    streamUrl: out.StreamUrl!,
    token: out.TokenValue!,
    sessionId: out.SessionId!,
    target: input.Target!,
    endpoint: h.emulator.url,
  });
  clients.push(client);
  await client.connect();
  return client;
}

function streamFrames(c: TestDataChannelClient) {
  return c.frames.filter((f) => f.ok && f.message!.messageType === MessageType.OutputStreamData).map((f) => f.message!);
}

afterEach(() => {
  for (const c of clients.splice(0)) c.dispose();
});

describe('sessions without pacing', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ pacing: false, closeGraceMs: 2000 });
  });
  afterAll(async () => {
    h.ssm.destroy();
    await h.emulator.close();
  });

  it('StartSession returns a caller-named session id, a token and a StreamUrl on the emulator', async () => {
    const out = await h.ssm.send(new StartSessionCommand({ Target: LINUX }));
    expect(out.SessionId).toMatch(/^porthole-demo-[0-9a-f]{17}$/);
    expect(out.TokenValue!.length).toBeGreaterThan(100);
    expect(out.TokenValue!.length).toBeLessThanOrEqual(300);
    expect(out.StreamUrl).toBe(
      `ws://127.0.0.1:${h.emulator.port}/v1/data-channel/${out.SessionId}?role=publish_subscribe`,
    );
    await h.ssm.send(new TerminateSessionCommand({ SessionId: out.SessionId }));
  });

  it('runs a real shell: the first message is output with SYN, echo round trip keeps Japanese text', async () => {
    const c = await open(h, { Target: LINUX });
    c.type('echo "hello-$((6*7)) こんにちは"\r');
    await c.waitForText('hello-42 こんにちは');
    const first = streamFrames(c)[0]!;
    expect(first.sequenceNumber).toBe(0);
    expect(first.flags).toBe(1);
    expect(first.payloadType).toBe(PayloadType.Output);
    expect(
      streamFrames(c)
        .slice(1)
        .every((m) => m.flags === 0),
    ).toBe(true);
    c.type('exit\r');
    await c.waitForClosed();
  });

  it('applies the terminal size from Size messages (stty size) and sets TERM', async () => {
    const c = await open(h, { Target: LINUX });
    c.resize(123, 45);
    c.type('stty size; echo "term=$TERM"\r');
    await c.waitForText('45 123');
    await c.waitForText('term=xterm-256color');
    c.type('exit\r');
    await c.waitForClosed();
  });

  it('ends the session with channel_closed when the shell exits, and records it in History', async () => {
    const c = await open(h, { Target: LINUX });
    c.type('exit\r');
    await c.waitForClosed();
    expect(c.closed!.Output).toBe('');
    await c.waitForSocketClose();
    const closedFrame = c.frames.find((f) => f.message?.messageType === MessageType.ChannelClosed)!.message!;
    expect(closedFrame.flags).toBe(3);
    const sessionId = c.closed!.SessionId!;
    const history = await h.ssm.send(
      new DescribeSessionsCommand({ State: 'History', Filters: [{ key: 'SessionId', value: sessionId }] }),
    );
    expect(history.Sessions).toHaveLength(1);
    expect(history.Sessions![0]).toMatchObject({
      SessionId: sessionId,
      Target: LINUX,
      Status: 'Terminated',
      DocumentName: 'SSM-SessionManagerRunShell',
      Owner: 'arn:aws:iam::123456789012:user/porthole-demo',
    });
    expect(history.Sessions![0]!.EndDate).toBeInstanceOf(Date);
  });

  it('never splits a UTF-8 character across output messages', async () => {
    const c = await open(h, { Target: LINUX });
    // 3000 three-byte characters: 9000 bytes, which cannot be cut at 1024-byte boundaries without care.
    c.type(`printf 'あ%.0s' $(seq 1 3000); echo; echo "done-$((40+2))"\r`);
    await c.waitForText('done-42\r\n', 15_000);
    const decoder = new TextDecoder('utf-8', { fatal: true });
    for (const m of streamFrames(c)) {
      expect(m.payload.length).toBeLessThanOrEqual(1024);
      expect(() => decoder.decode(m.payload)).not.toThrow();
    }
    expect((c.stdoutText.match(/あ/g) ?? []).length).toBeGreaterThanOrEqual(3000);
    c.type('exit\r');
    await c.waitForClosed();
  });

  it('runs AWS-StartInteractiveCommand under a PTY and ends when the command exits', async () => {
    const c = await open(h, {
      Target: LINUX,
      DocumentName: 'AWS-StartInteractiveCommand',
      Parameters: { command: ['test -t 0 && echo "tty:$TERM"'] },
    });
    await c.waitForClosed();
    expect(c.stdoutText).toContain('tty:xterm-256color');
    expect(c.handshakeRequest).toBeUndefined();
  });

  it('delivers every byte a PTY command prints right before it exits', async () => {
    const c = await open(h, {
      Target: LINUX,
      DocumentName: 'AWS-StartInteractiveCommand',
      Parameters: { command: ['seq 1 200000'] },
    });
    await c.waitForClosed(20_000);
    // The PTY turns \n into \r\n.
    expect(c.stdoutText).toBe(Array.from({ length: 200000 }, (_, i) => `${i + 1}\r\n`).join(''));
  });

  it('runs AWS-StartNonInteractiveCommand with a handshake, separate stderr and the exit code', async () => {
    const c = await open(h, {
      Target: LINUX,
      DocumentName: 'AWS-StartNonInteractiveCommand',
      Parameters: { command: ['echo out-日本; echo err-語 >&2; exit 3'], separateOutputStream: ['true'] },
    });
    await c.waitForClosed();
    expect(c.handshakeRequest).toMatchObject({
      RequestedClientActions: [
        { ActionType: 'SessionType', ActionParameters: { SessionType: 'NonInteractiveCommands', Properties: null } },
      ],
    });
    expect(c.handshakeRequest!.AgentVersion).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(c.handshakeComplete).toMatchObject({ CustomerMessage: '' });
    expect(c.stdoutText).toBe('out-日本\n');
    expect(c.stderrText).toBe('err-語\n');
    expect(c.exitCode).toBe('EXIT_CODE: 3');
    const types = streamFrames(c).map((m) => m.payloadType);
    expect(types[0]).toBe(PayloadType.HandshakeRequest);
    expect(types).toContain(PayloadType.HandshakeComplete);
    expect(types[types.length - 1]).toBe(PayloadType.ExitCode);
  });

  it('without separateOutputStream sends the combined output after the command and no exit code', async () => {
    const c = await open(h, {
      Target: LINUX,
      DocumentName: 'AWS-StartNonInteractiveCommand',
      Parameters: { command: ['echo a; echo b >&2; exit 5'] },
    });
    await c.waitForClosed();
    expect(c.stdoutText).toContain('a\n');
    expect(c.stdoutText).toContain('b\n');
    expect(c.stderr).toHaveLength(0);
    expect(c.exitCode).toBeUndefined();
  });

  it('encrypts with KMS when the fleet says so: handshake, challenge, encrypted output', async () => {
    const c = await open(h, { Target: KMS_LINUX });
    // Input sent during the handshake would be acked and discarded by the agent (§5.5): wait for it.
    await c.waitFor(() => c.handshakeComplete !== undefined, 10_000, 'HandshakeComplete');
    c.type('echo "secret-$((1+1)) 暗号"\r');
    await c.waitForText('secret-2 暗号');
    const kmsAction = (
      c.handshakeRequest!.RequestedClientActions as { ActionType: string; ActionParameters: { KMSKeyId: string } }[]
    )[1]!;
    expect(kmsAction.ActionType).toBe('KMSEncryption');
    expect(kmsAction.ActionParameters.KMSKeyId).toMatch(/^arn:aws:kms:us-east-1:123456789012:key\//);
    expect(c.handshakeComplete!.CustomerMessage).toContain('encrypted using AWS KMS');
    // Output payloads on the wire are nonce + ciphertext + tag, not the text.
    const outputs = streamFrames(c).filter((m) => m.payloadType === PayloadType.Output);
    expect(outputs.length).toBeGreaterThan(0);
    expect(outputs.some((m) => Buffer.from(m.payload).toString('utf8').includes('secret-2'))).toBe(false);
    expect(h.service.snapshot().find((s) => s.target === KMS_LINUX && s.connected)!.encrypted).toBe(true);
    c.type('exit\r');
    await c.waitForClosed();
  });

  it('ends an idle session after the idle timeout with the reason in channel_closed', async () => {
    const c = await open(h, { Target: IDLE_LINUX });
    await c.waitForClosed(5000);
    expect(c.closed!.Output).toMatch(/inactivity/);
  });

  it('ends a session at the maximum duration even while it is in use', async () => {
    const c = await open(h, { Target: MAX_LINUX });
    const typing = setInterval(() => c.type('echo busy\r'), 200);
    try {
      await c.waitForClosed(5000);
    } finally {
      clearInterval(typing);
    }
    expect(c.closed!.Output).toMatch(/maximum/);
    const history = await h.ssm.send(
      new DescribeSessionsCommand({ State: 'History', Filters: [{ key: 'Target', value: MAX_LINUX }] }),
    );
    expect(history.Sessions![0]).toMatchObject({ Status: 'Terminated', MaxSessionDuration: '1' });
  });

  it('types the platform shell profile first (Windows instance uses the windows profile)', async () => {
    const c = await open(h, { Target: WINDOWS });
    await c.waitForText('win-profile-2');
    expect(c.stdoutText).not.toContain('linux-profile');
    c.type('exit\r');
    await c.waitForClosed();
  });

  it('a Windows instance answers like a Windows agent: profile first, PowerShell prompt, CRLF line ends', async () => {
    const c = await open(h, { Target: WINDOWS });
    c.resize(120, 30);
    await c.waitForText('win-profile-2');
    await c.waitFor(() => c.stdoutText.trimEnd().endsWith('PS C:\\Windows\\system32>'), 10_000, 'the prompt');
    c.type('echo "ウィンドウズ-$((6*7))"\r');
    await c.waitForText('ウィンドウズ-42\r\nPS C:\\Windows\\system32> ');
    const text = c.stdoutText;
    // The shell profile ran first, typed at the first prompt as a Windows agent types it into the console.
    expect(text.startsWith('PS C:\\Windows\\system32> echo "win-profile-$((1+1))"\r\nwin-profile-2\r\n')).toBe(true);
    expect(text.indexOf('win-profile-2')).toBeLessThan(text.indexOf('ウィンドウズ-42'));
    // Every line ends in CRLF (ConPTY): no bare LF anywhere.
    expect(text).toContain('\r\n');
    expect(/(^|[^\r])\n/.test(text)).toBe(false);
    // PS2 is PowerShell's continuation prompt.
    c.type('echo "a\r');
    await c.waitForText('>> ');
    c.type('b"\r');
    await c.waitForText('a\r\nb\r\n');
    c.type('exit\r');
    await c.waitForClosed();
  });

  it('a Linux instance keeps the plain sh prompt', async () => {
    const c = await open(h, { Target: LINUX });
    c.type('echo linux-$((1+2))\r');
    await c.waitForText('linux-3');
    // The next prompt follows the output; wait for it before looking at it.
    await c.waitFor(() => /linux-3\r\n[\s\S]*\S $/.test(c.stdoutText), 10_000, 'the prompt after the output');
    expect(c.stdoutText).not.toContain('PS C:');
    expect(c.stdoutText).toMatch(/[$#] $/);
    c.type('exit\r');
    await c.waitForClosed();
  });

  it('refuses a websocket whose first frame carries a wrong token (close 1008, no data)', async () => {
    const out = await h.ssm.send(new StartSessionCommand({ Target: LINUX }));
    const c = new TestDataChannelClient({
      streamUrl: out.StreamUrl!,
      token: 'not-the-token',
      sessionId: out.SessionId!,
      target: LINUX,
      endpoint: h.emulator.url,
    });
    clients.push(c);
    await c.connect();
    await c.waitForSocketClose();
    expect(c.socketCloses[0]!.code).toBe(1008);
    expect(c.frames).toHaveLength(0);
    // The right token still works afterwards.
    await c.connect(out.TokenValue!);
    c.type('echo ok-after-refusal\r');
    await c.waitForText('ok-after-refusal');
    await h.ssm.send(new TerminateSessionCommand({ SessionId: out.SessionId }));
    await c.waitForClosed();
  });

  it('refuses a binary first frame and an unknown session path', async () => {
    const out = await h.ssm.send(new StartSessionCommand({ Target: LINUX }));
    const ws = new WebSocket(out.StreamUrl!);
    const code = await new Promise<number>((resolve) => {
      ws.on('open', () => ws.send(Buffer.from([1, 2, 3])));
      ws.on('close', (c) => resolve(c));
    });
    expect(code).toBe(1008);
    const bad = new WebSocket(`ws://127.0.0.1:${h.emulator.port}/v1/data-channel/`);
    const status = await new Promise<number>((resolve) => {
      bad.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      bad.on('error', () => undefined);
    });
    expect(status).toBe(404);
    await h.ssm.send(new TerminateSessionCommand({ SessionId: out.SessionId }));
  });

  it('TerminateSession sends channel_closed to a connected client and moves the session to History', async () => {
    const c = await open(h, { Target: LINUX });
    c.type('echo up\r');
    await c.waitForText('up');
    const sessionId = h.service.snapshot().find((s) => s.connected && s.target === LINUX)!.sessionId;
    const active = await h.ssm.send(new DescribeSessionsCommand({ State: 'Active' }));
    expect(active.Sessions!.find((s) => s.SessionId === sessionId)!.Status).toBe('Connected');
    await h.ssm.send(new TerminateSessionCommand({ SessionId: sessionId }));
    await c.waitForClosed();
    const after = await h.ssm.send(new DescribeSessionsCommand({ State: 'Active' }));
    expect(after.Sessions!.some((s) => s.SessionId === sessionId)).toBe(false);
  });

  it('answers TargetNotConnected for offline, unmanaged and unknown targets', async () => {
    for (const target of [OFFLINE, UNMANAGED, 'i-0123456789abcdef0']) {
      await expect(h.ssm.send(new StartSessionCommand({ Target: target }))).rejects.toMatchObject({
        name: 'TargetNotConnected',
        message: `${target} is not connected.`,
        $metadata: { httpStatusCode: 400 },
      });
    }
  });

  it('answers InvalidDocument for an unknown document and InvalidParameters for bad parameters', async () => {
    await expect(
      h.ssm.send(new StartSessionCommand({ Target: LINUX, DocumentName: 'No-Such-Document' })),
    ).rejects.toMatchObject({ name: 'InvalidDocument', $metadata: { httpStatusCode: 400 } });
    await expect(
      h.ssm.send(
        new StartSessionCommand({
          Target: LINUX,
          DocumentName: 'AWS-StartPortForwardingSession',
          Parameters: { portNumber: ['99999'] },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameters' });
    await expect(
      h.ssm.send(new StartSessionCommand({ Target: LINUX, Parameters: { command: ['ls'] } })),
    ).rejects.toMatchObject({ name: 'InvalidParameters' });
  });

  it('validates DescribeSessions like the service and paginates with NextToken', async () => {
    await expect(h.ssm.send(new DescribeSessionsCommand({ State: 'Active', MaxResults: 201 }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await expect(
      h.ssm.send(new DescribeSessionsCommand({ State: 'Active', NextToken: 'bogus' })),
    ).rejects.toMatchObject({ name: 'InvalidNextToken' });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await h.ssm.send(new StartSessionCommand({ Target: LINUX, Reason: `理由 ${i}` }))).SessionId!);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await h.ssm.send(
        new DescribeSessionsCommand({
          State: 'Active',
          MaxResults: 1,
          NextToken: token,
          Filters: [{ key: 'Status', value: 'Connecting' }],
        }),
      );
      expect(page.Sessions!.length).toBeLessThanOrEqual(1);
      seen.push(...page.Sessions!.map((s) => s.SessionId!));
      token = page.NextToken;
    } while (token);
    for (const id of ids) expect(seen).toContain(id);
    const one = await h.ssm.send(
      new DescribeSessionsCommand({ State: 'Active', Filters: [{ key: 'SessionId', value: ids[1]! }] }),
    );
    expect(one.Sessions![0]!.Reason).toBe('理由 1');
    for (const id of ids) await h.ssm.send(new TerminateSessionCommand({ SessionId: id }));
  });

  it('ResumeSession gives a new token that reconnects with all sequence state; unknown ids do not exist', async () => {
    const c = await open(h, { Target: LINUX });
    c.type('echo before-drop\r');
    await c.waitForText('before-drop');
    const sessionId = h.service.snapshot().find((s) => s.connected && s.target === LINUX)!.sessionId;
    c.dropSocket();
    await c.waitForSocketClose();
    const resumed = await h.ssm.send(new ResumeSessionCommand({ SessionId: sessionId }));
    expect(resumed.TokenValue).toBeTruthy();
    await c.connect(resumed.TokenValue!);
    c.type('echo after-resume\r');
    await c.waitForText('after-resume');
    const seqs = streamFrames(c).map((m) => m.sequenceNumber);
    expect(Math.min(...seqs)).toBe(0);
    expect(c.delivered).toEqual([...c.delivered].sort((a, b) => a - b));
    await h.ssm.send(new TerminateSessionCommand({ SessionId: sessionId }));
    await c.waitForClosed();
    await expect(h.ssm.send(new ResumeSessionCommand({ SessionId: sessionId }))).rejects.toMatchObject({
      name: 'DoesNotExistException',
    });
    await expect(h.ssm.send(new ResumeSessionCommand({ SessionId: 'nobody-0123456789abcdef0' }))).rejects.toMatchObject(
      {
        name: 'DoesNotExistException',
      },
    );
  });
});

describe('pacing', () => {
  let paced: Harness;
  let fast: Harness;
  beforeAll(async () => {
    paced = await startHarness({});
    fast = await startHarness({ pacing: false });
  });
  afterAll(async () => {
    for (const x of [paced, fast]) {
      x.ssm.destroy();
      await x.emulator.close();
    }
  });

  async function timeOutput(x: Harness): Promise<{ firstMs: number; bulkMs: number; messages: number }> {
    const started = performance.now();
    const c = await open(x, {
      Target: LINUX,
      DocumentName: 'AWS-StartNonInteractiveCommand',
      Parameters: { command: ["head -c 204800 /dev/zero | tr '\\0' a"], separateOutputStream: ['true'] },
    });
    await c.waitFor(() => c.stdout.length > 0, 10_000, 'first output');
    const first = performance.now();
    await c.waitForClosed(20_000);
    const outputs = streamFrames(c).filter((m) => m.payloadType === PayloadType.Output);
    expect(c.stdoutText).toBe('a'.repeat(204800));
    expect(outputs.every((m) => m.payload.length <= 1024)).toBe(true);
    return { firstMs: first - started, bulkMs: performance.now() - first, messages: outputs.length };
  }

  it('paces output like the agent by default (1 s before the first read, a pause per 1024-byte message)', async () => {
    const p = await timeOutput(paced);
    expect(p.messages).toBe(200);
    expect(p.firstMs).toBeGreaterThanOrEqual(1000);
    // 200 messages with at least 1 ms after each.
    expect(p.bulkMs).toBeGreaterThanOrEqual(150);
  });

  it('keeps every byte of a paced PTY command that exits while its output is held back', async () => {
    const c = await open(paced, {
      Target: LINUX,
      DocumentName: 'AWS-StartInteractiveCommand',
      Parameters: { command: ['seq 1 60000'] },
    });
    await c.waitForClosed(20_000);
    expect(c.stdoutText).toBe(Array.from({ length: 60000 }, (_, i) => `${i + 1}\r\n`).join(''));
  });

  it('sends the same 1024-byte messages without the waits when pacing is off', async () => {
    const f = await timeOutput(fast);
    expect(f.messages).toBe(200);
    expect(f.firstMs).toBeLessThan(1000);
  });
});
