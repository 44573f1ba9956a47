import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DataChannel, type DataChannelOptions } from './dataChannel';
import { open as gcmOpen, seal as gcmSeal, type DataKeySource } from './encryption';
import { PayloadType } from './message';
import { ShellSession, type SessionEnd } from './session';
import { FakePeer } from './test/fakePeer';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

let peers: FakePeer[] = [];
let sessions: ShellSession[] = [];

afterEach(async () => {
  for (const s of sessions) s.dispose();
  for (const p of peers) await p.close();
  peers = [];
  sessions = [];
});

interface Harness {
  peer: FakePeer;
  session: ShellSession;
  out: Uint8Array[];
  err: Uint8Array[];
  exits: number[];
  notes: string[];
  ends: SessionEnd[];
  keyCalls: { keyId: string; context: Record<string, string> }[];
  dataKey: Uint8Array;
}

async function setup(
  opts: {
    grace?: number;
    dataKeys?: DataKeySource | null;
    terminate?: () => Promise<void>;
    expectExitCode?: boolean;
    peer?: ConstructorParameters<typeof FakePeer>[0];
    channel?: Partial<DataChannelOptions>;
  } = {},
) {
  const peer = await new FakePeer(opts.peer).listening();
  peers.push(peer);
  const dataKey = new Uint8Array(randomBytes(64));
  const keyCalls: Harness['keyCalls'] = [];
  const channel = new DataChannel({ streamUrl: peer.url, token: 'tok', sessionId: 'sess-1', ...opts.channel });
  const session = new ShellSession({
    sessionId: 'sess-1',
    targetId: 'i-0123456789abcdef0',
    channel,
    firstMessageGraceMs: opts.grace ?? 5000,
    expectExitCode: opts.expectExitCode ?? false,
    ...(opts.terminate ? { terminateApi: opts.terminate } : {}),
    ...(opts.dataKeys === null
      ? {}
      : {
          dataKeys: opts.dataKeys ?? {
            async generateDataKey(keyId, context) {
              keyCalls.push({ keyId, context });
              return { plaintext: dataKey, ciphertextBlob: enc('CIPHERTEXT-BLOB') };
            },
          },
        }),
  });
  sessions.push(session);
  const h: Harness = { peer, session, out: [], err: [], exits: [], notes: [], ends: [], keyCalls, dataKey };
  session.onDidOutput((b) => h.out.push(b));
  session.onDidStdErr((b) => h.err.push(b));
  session.onDidExit((c) => h.exits.push(c));
  session.onDidCustomerMessage((m) => h.notes.push(m));
  session.onDidEnd((e) => h.ends.push(e));
  await channel.open();
  await peer.until(() => peer.socket !== undefined);
  return h;
}

const text = (chunks: Uint8Array[]) => Buffer.concat(chunks.map((c) => Buffer.from(c))).toString('utf8');
const inputs = (peer: FakePeer, pt: number) => peer.delivered.filter((m) => m.payloadType === pt);

function handshakeRequest(sessionType: string, kmsKeyId?: string): string {
  const actions: unknown[] = [
    { ActionType: 'SessionType', ActionParameters: { SessionType: sessionType, Properties: null } },
  ];
  if (kmsKeyId) {
    actions.push({
      ActionType: 'KMSEncryption',
      ActionParameters: { KMSKeyId: kmsKeyId, Challenge: randomBytes(16).toString('base64') },
    });
  }
  return JSON.stringify({ AgentVersion: '3.3.1142.0', RequestedClientActions: actions });
}

describe('ShellSession without a handshake (plain shell)', () => {
  it('treats the first Output as a Standard_Stream, then sends input and size', async () => {
    const h = await setup();
    await h.session.write('echo hi\r');
    await h.session.resize(120, 40);
    expect(h.session.isReady).toBe(false);
    h.peer.sendOutput(PayloadType.Output, 'sh-5.2$ ');
    await h.peer.until(() => inputs(h.peer, PayloadType.Output).length === 1);
    expect(h.session.isReady).toBe(true);
    expect(text(h.out)).toBe('sh-5.2$ ');
    expect(dec(inputs(h.peer, PayloadType.Output)[0]!.payload)).toBe('echo hi\r');
    const sizes = inputs(h.peer, PayloadType.Size).map((m) => JSON.parse(dec(m.payload)) as unknown);
    expect(sizes.at(-1)).toEqual({ cols: 120, rows: 40 });
  });

  it('becomes ready after the grace period when the agent stays quiet', async () => {
    const h = await setup({ grace: 100 });
    await h.session.write('x');
    await h.peer.until(() => inputs(h.peer, PayloadType.Output).length === 1, 2000);
    expect(h.session.isReady).toBe(true);
  });

  it('sends a resize only when the size changes', async () => {
    const h = await setup({ grace: 10 });
    await h.peer.until(() => h.session.isReady);
    await h.session.resize(80, 24);
    await h.session.resize(80, 24);
    await h.session.resize(100, 30);
    await h.peer.until(() => inputs(h.peer, PayloadType.Size).length >= 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(inputs(h.peer, PayloadType.Size).map((m) => dec(m.payload))).toEqual([
      '{"cols":80,"rows":24}',
      '{"cols":100,"rows":30}',
    ]);
    await expect(h.session.resize(0, 10)).rejects.toThrow(RangeError);
  });

  it('splits large input into payloads of at most 1024 bytes, in order', async () => {
    const h = await setup({ grace: 10 });
    await h.peer.until(() => h.session.isReady);
    const data = new Uint8Array(5000).map((_, i) => 65 + (i % 26));
    await h.session.write(data);
    await h.peer.until(() => inputs(h.peer, PayloadType.Output).length === 5);
    const parts = inputs(h.peer, PayloadType.Output);
    expect(parts.map((m) => m.payload.length)).toEqual([1024, 1024, 1024, 1024, 904]);
    expect(Buffer.concat(parts.map((m) => Buffer.from(m.payload))).equals(Buffer.from(data))).toBe(true);
  });

  it('refuses input beyond its queue limit while the channel applies back-pressure', async () => {
    const h = await setup({ grace: 10, peer: { ackIncoming: () => false, resend: false }, channel: { sendWindow: 1 } });
    await h.peer.until(() => h.session.isReady);
    const first = h.session.write(new Uint8Array(2000));
    await expect(h.session.write(new Uint8Array(16 * 1024 * 1024))).rejects.toThrow(/too much input waiting/);
    let settled = false;
    first.then(
      () => (settled = true),
      () => undefined, // rejected when the test disposes the session
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false);
  });

  it('ends with the service reason on channel_closed', async () => {
    const h = await setup();
    h.peer.sendChannelClosed('');
    const end = await h.session.ended;
    expect(end).toEqual({ kind: 'ended', message: '' });
    await expect(h.session.write('x')).rejects.toThrow(/ended/);
  });
});

describe('ShellSession: flow control', () => {
  it('holds output while paused (acknowledged, not lost) and delivers it in order on resume', async () => {
    const h = await setup();
    h.peer.sendOutput(PayloadType.Output, 'one ');
    await h.peer.until(() => h.out.length === 1);
    h.session.pauseOutput();
    h.peer.sendOutput(PayloadType.Output, 'two ');
    h.peer.sendOutput(PayloadType.Output, 'three');
    await h.peer.until(() => h.peer.acksReceived.length === 3);
    expect(h.out).toHaveLength(1);
    h.session.resumeOutput();
    await h.peer.until(() => h.out.length === 3);
    expect(text(h.out)).toBe('one two three');
  });
});

describe('ShellSession: endings that lost output are failures, not silent truncations', () => {
  it('fails when the service closes the channel while later messages wait for a gap that never filled', async () => {
    const h = await setup();
    h.peer.sendOutput(PayloadType.Output, 'a');
    h.peer.nextOutput(PayloadType.Output, 'lost'); // never sent
    h.peer.sendOutput(PayloadType.Output, 'c');
    await h.peer.until(() => h.peer.acksReceived.length === 2);
    h.peer.sendChannelClosed('');
    const end = await h.session.ended;
    expect(end.kind).toBe('failed');
    expect(end.kind === 'failed' && end.message).toMatch(/before all output arrived \(1 later messages/);
    expect(text(h.out)).toBe('a');
  });

  it('fails when a command that promised an exit code ends without one', async () => {
    const h = await setup({ dataKeys: null, expectExitCode: true });
    h.peer.sendOutput(PayloadType.HandshakeRequest, handshakeRequest('NonInteractiveCommands'));
    await h.peer.until(() => inputs(h.peer, PayloadType.HandshakeResponse).length === 1);
    h.peer.sendOutput(PayloadType.HandshakeComplete, '{"HandshakeTimeToComplete":1,"CustomerMessage":""}');
    h.peer.sendOutput(PayloadType.Output, 'partial');
    await h.peer.until(() => h.out.length === 1);
    h.peer.sendChannelClosed('');
    const end = await h.session.ended;
    expect(end.kind === 'failed' && end.message).toMatch(/before the command's exit code arrived/);
  });
});

describe('ShellSession with a handshake', () => {
  it('answers a NonInteractiveCommands handshake and keeps stdout, stderr and the exit code apart', async () => {
    const h = await setup({ dataKeys: null });
    h.peer.sendOutput(PayloadType.HandshakeRequest, handshakeRequest('NonInteractiveCommands'));
    await h.peer.until(() => inputs(h.peer, PayloadType.HandshakeResponse).length === 1);
    const response = JSON.parse(dec(inputs(h.peer, PayloadType.HandshakeResponse)[0]!.payload)) as Record<
      string,
      unknown
    >;
    expect(response).toEqual({
      ClientVersion: '1.2.779.0',
      ProcessedClientActions: [{ ActionType: 'SessionType', ActionStatus: 1, ActionResult: null, Error: '' }],
      Errors: null,
    });
    h.peer.sendOutput(PayloadType.HandshakeComplete, '{"HandshakeTimeToComplete":1000000,"CustomerMessage":""}');
    h.peer.sendOutput(PayloadType.Output, 'out 日本');
    h.peer.sendOutput(PayloadType.StdErr, 'err!');
    h.peer.sendOutput(PayloadType.ExitCode, 'EXIT_CODE: 3');
    h.peer.sendChannelClosed('');
    const end = await h.session.ended;
    expect(text(h.out)).toBe('out 日本');
    expect(text(h.err)).toBe('err!');
    expect(h.exits).toEqual([3]);
    expect(end).toEqual({ kind: 'ended', message: '', exitCode: 3 });
    expect(h.session.agentVersion).toBe('3.3.1142.0');
  });

  it('holds input written during the handshake and sends it after HandshakeComplete', async () => {
    const h = await setup({ dataKeys: null });
    h.peer.sendOutput(PayloadType.HandshakeRequest, handshakeRequest('InteractiveCommands'));
    await h.peer.until(() => inputs(h.peer, PayloadType.HandshakeResponse).length === 1);
    await h.session.write('early');
    await new Promise((r) => setTimeout(r, 50));
    expect(inputs(h.peer, PayloadType.Output)).toHaveLength(0);
    h.peer.sendOutput(PayloadType.HandshakeComplete, '{"HandshakeTimeToComplete":1,"CustomerMessage":""}');
    await h.peer.until(() => inputs(h.peer, PayloadType.Output).length === 1);
    expect(dec(inputs(h.peer, PayloadType.Output)[0]!.payload)).toBe('early');
  });

  it('refuses an unknown session type in the response', async () => {
    const h = await setup({ dataKeys: null });
    h.peer.sendOutput(PayloadType.HandshakeRequest, handshakeRequest('Teleport'));
    await h.peer.until(() => inputs(h.peer, PayloadType.HandshakeResponse).length === 1);
    const response = JSON.parse(dec(inputs(h.peer, PayloadType.HandshakeResponse)[0]!.payload)) as {
      ProcessedClientActions: { ActionStatus: number; Error: string }[];
      Errors: string[];
    };
    expect(response.ProcessedClientActions[0]).toMatchObject({
      ActionStatus: 2,
      Error: 'Unknown session type Teleport',
    });
    expect(response.Errors).toEqual(['Unknown session type Teleport']);
  });

  it('does KMS encryption: data key with the session/target context, the challenge, encrypted I/O', async () => {
    const h = await setup();
    h.peer.sendOutput(
      PayloadType.HandshakeRequest,
      handshakeRequest('Standard_Stream', 'arn:aws:kms:us-east-1:111122223333:key/k1'),
    );
    await h.peer.until(() => inputs(h.peer, PayloadType.HandshakeResponse).length === 1);
    expect(h.keyCalls).toEqual([
      {
        keyId: 'arn:aws:kms:us-east-1:111122223333:key/k1',
        context: { 'aws:ssm:SessionId': 'sess-1', 'aws:ssm:TargetId': 'i-0123456789abcdef0' },
      },
    ]);
    const response = JSON.parse(dec(inputs(h.peer, PayloadType.HandshakeResponse)[0]!.payload)) as {
      ProcessedClientActions: { ActionType: string; ActionStatus: number; ActionResult: unknown }[];
    };
    expect(response.ProcessedClientActions[1]).toEqual({
      ActionType: 'KMSEncryption',
      ActionStatus: 1,
      ActionResult: { KMSCipherTextKey: Buffer.from('CIPHERTEXT-BLOB').toString('base64'), KMSCipherTextHash: null },
      Error: '',
    });

    // Agent side keys: bytes 0-31 encrypt agent->client, 32-63 decrypt client->agent.
    const agentEncrypt = h.dataKey.subarray(0, 32);
    const agentDecrypt = h.dataKey.subarray(32, 64);
    const challenge = new Uint8Array(randomBytes(64));
    h.peer.sendOutput(
      PayloadType.EncChallengeRequest,
      JSON.stringify({ Challenge: Buffer.from(gcmSeal(agentEncrypt, challenge)).toString('base64') }),
    );
    await h.peer.until(() => inputs(h.peer, PayloadType.EncChallengeResponse).length === 1);
    const answer = JSON.parse(dec(inputs(h.peer, PayloadType.EncChallengeResponse)[0]!.payload)) as {
      Challenge: string;
    };
    const back = gcmOpen(agentDecrypt, new Uint8Array(Buffer.from(answer.Challenge, 'base64')));
    expect(back && Buffer.from(back).equals(Buffer.from(challenge))).toBe(true);

    h.peer.sendOutput(
      PayloadType.HandshakeComplete,
      JSON.stringify({ HandshakeTimeToComplete: 5, CustomerMessage: 'This session is encrypted using AWS KMS.' }),
    );
    h.peer.sendOutput(PayloadType.Output, gcmSeal(agentEncrypt, enc('secret output ✓')));
    await h.peer.until(() => h.out.length === 1);
    expect(text(h.out)).toBe('secret output ✓');
    expect(h.notes).toEqual(['This session is encrypted using AWS KMS.']);
    expect(h.session.isEncrypted).toBe(true);

    await h.session.write(new Uint8Array(2000).fill(0x61));
    await h.session.resize(90, 30);
    await h.peer.until(() => inputs(h.peer, PayloadType.Output).length === 3);
    const sealed = inputs(h.peer, PayloadType.Output);
    expect(sealed.every((m) => m.payload.length <= 1024)).toBe(true);
    const plain = sealed.map((m) => gcmOpen(agentDecrypt, m.payload)!);
    expect(plain.map((p) => p.length)).toEqual([996, 996, 8]);
    // Size is never encrypted.
    await h.peer.until(() => inputs(h.peer, PayloadType.Size).some((m) => dec(m.payload) === '{"cols":90,"rows":30}'));
  });

  it('fails the session with a clear reason when encrypted output cannot be decrypted', async () => {
    const h = await setup();
    h.peer.sendOutput(PayloadType.HandshakeRequest, handshakeRequest('Standard_Stream', 'k1'));
    await h.peer.until(() => inputs(h.peer, PayloadType.HandshakeResponse).length === 1);
    h.peer.sendOutput(PayloadType.HandshakeComplete, '{"HandshakeTimeToComplete":1,"CustomerMessage":""}');
    h.peer.sendOutput(PayloadType.Output, gcmSeal(new Uint8Array(32), enc('wrong key')));
    const end = await h.session.ended;
    expect(end.kind).toBe('failed');
    expect(end.kind === 'failed' && end.message).toMatch(/could not be decrypted/);
  });

  it('reports a failed KMS call in the handshake response', async () => {
    const h = await setup({
      dataKeys: {
        generateDataKey: () => Promise.reject(new Error('AccessDeniedException: kms:GenerateDataKey')),
      },
    });
    h.peer.sendOutput(PayloadType.HandshakeRequest, handshakeRequest('Standard_Stream', 'k1'));
    await h.peer.until(() => inputs(h.peer, PayloadType.HandshakeResponse).length === 1);
    const response = JSON.parse(dec(inputs(h.peer, PayloadType.HandshakeResponse)[0]!.payload)) as {
      ProcessedClientActions: { ActionStatus: number; Error: string }[];
    };
    expect(response.ProcessedClientActions[1]!.ActionStatus).toBe(2);
    expect(response.ProcessedClientActions[1]!.Error).toMatch(/AccessDeniedException/);
  });
});

describe('ShellSession.terminate', () => {
  it('calls TerminateSession and ends on the service channel_closed', async () => {
    let calls = 0;
    const ref: { peer?: FakePeer } = {};
    const h = await setup({
      terminate: async () => {
        calls++;
        ref.peer?.sendChannelClosed('');
      },
    });
    ref.peer = h.peer;
    const end = await h.session.terminate();
    expect(calls).toBe(1);
    expect(end).toEqual({ kind: 'ended', message: '' });
  });

  it('calls TerminateSession after a resend timeout, as the plugin does, and fails with the reason', async () => {
    let calls = 0;
    const h = await setup({
      grace: 10,
      peer: { ackIncoming: () => false },
      channel: { unackedTimeoutMs: 300 },
      terminate: async () => {
        calls++;
      },
    });
    await h.session.write('stuck');
    const end = await h.session.ended;
    expect(end.kind === 'failed' && end.message).toMatch(/did not acknowledge/);
    expect(calls).toBe(1);
  });

  it('closes the channel itself when the service does not answer', async () => {
    const h = await setup({ terminate: async () => undefined });
    const end = await h.session.terminate(100);
    expect(end).toEqual({ kind: 'closed-by-client' });
    expect(h.session.state).toBe('closed');
  });
});
