/**
 * Port sessions on the emulator's agent side, end to end over real sockets on 127.0.0.1: StartSession through the
 * SDK, the data channel through the fact-sheet test client (with an smux client for the mux variant), and real TCP
 * servers as destinations.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import {
  ResumeSessionCommand,
  SSMClient,
  StartSessionCommand,
  type StartSessionCommandInput,
} from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MessageType, PayloadType, type ClientMessage } from '../../electron/core/ssm/message';
import type { SmuxSession } from '../../electron/core/ssm/smux';
import { createEmulator, DEFAULT_FLEET_PATH, type Emulator } from '../server';
import type { FleetFileInput } from '../fleet/schema';
import { sessionsPlugin, type SessionsOptions } from './install';
import { muxOverChannel, sha256, streamEnded, streamRoundTrip } from './port-client';
import type { SessionService } from './service';
import { TestDataChannelClient } from './test-client';

const MODERN = 'i-0a1b2c3d4e5f60001'; // agent 3.3.1802.0
const OLD_AGENT = 'i-0a1b2c3d4e5f60003'; // set to 3.0.100.0 below
const TERMINATE_FLAG_LESS = 'i-0a1b2c3d4e5f60004'; // set to 2.3.700.0 below

const FLAG_DISCONNECT = 1;
const FLAG_TERMINATE = 2;
const FLAG_CONNECT_ERROR = 3;

interface Servers {
  echo: Server;
  echoPort: number;
  /** Connections the echo server accepted. */
  echoConnections: number;
  /** Greets with an SSH-like banner, echoes, and closes its side on "bye\n". */
  banner: Server;
  bannerPort: number;
  sockets: Set<Socket>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
}

async function startServers(): Promise<Servers> {
  const sockets = new Set<Socket>();
  const s = {} as Servers;
  s.sockets = sockets;
  s.echoConnections = 0;
  s.echo = createServer((socket) => {
    s.echoConnections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  s.banner = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.write('SSH-2.0-porthole-test こんにちは\r\n');
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString('utf8');
      socket.write(d);
      if (text.includes('bye\n')) socket.end();
    });
  });
  s.echoPort = await listen(s.echo);
  s.bannerPort = await listen(s.banner);
  return s;
}

/** A port nothing listens on (bound then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

function fleetFor(servers: Servers): FleetFileInput {
  const fleet = JSON.parse(readFileSync(DEFAULT_FLEET_PATH, 'utf8')) as FleetFileInput;
  fleet.hosts = {
    'db.internal': `127.0.0.1:${servers.echoPort}`,
    'metadata.internal': '169.254.169.254',
  };
  for (const instance of fleet.instances) {
    // Instance port 22 is the banner server, 80 and 3389 the echo server.
    if ([MODERN, OLD_AGENT, TERMINATE_FLAG_LESS].includes(instance.id)) {
      instance.ports = { '22': servers.bannerPort, '80': servers.echoPort, '3389': servers.echoPort };
    }
    if (instance.id === OLD_AGENT) instance.agentVersion = '3.0.100.0';
    if (instance.id === TERMINATE_FLAG_LESS) instance.agentVersion = '2.3.700.0';
  }
  return fleet;
}

interface Harness {
  emulator: Emulator;
  service: SessionService;
  ssm: SSMClient;
}

async function startHarness(servers: Servers, options: SessionsOptions): Promise<Harness> {
  let service: SessionService | undefined;
  const emulator = await createEmulator({
    fleet: fleetFor(servers),
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

async function stopHarness(h: Harness | undefined): Promise<void> {
  if (!h) return;
  h.ssm.destroy();
  await h.emulator.close();
}

const clients: TestDataChannelClient[] = [];
const muxes: SmuxSession[] = [];

async function open(
  h: Harness,
  input: StartSessionCommandInput,
  clientVersion = '1.2.707.0',
): Promise<{ client: TestDataChannelClient; sessionId: string }> {
  const out = await h.ssm.send(new StartSessionCommand(input));
  const client = new TestDataChannelClient({
    streamUrl: out.StreamUrl!,
    token: out.TokenValue!,
    sessionId: out.SessionId!,
    target: input.Target!,
    endpoint: h.emulator.url,
    clientVersion,
  });
  clients.push(client);
  await client.connect();
  await client.waitFor(
    () => client.handshakeComplete !== undefined || client.closed !== undefined,
    10_000,
    'handshake',
  );
  return { client, sessionId: out.SessionId! };
}

function mux(client: TestDataChannelClient, keepAlive: Parameters<typeof muxOverChannel>[1] = false): SmuxSession {
  const m = muxOverChannel(client, keepAlive);
  muxes.push(m);
  return m;
}

function outputMessages(c: TestDataChannelClient): ClientMessage[] {
  return c.frames
    .filter((f) => f.ok && f.message!.messageType === MessageType.OutputStreamData)
    .map((f) => f.message!)
    .filter((m) => m.payloadType === PayloadType.Output);
}

function sessionType(c: TestDataChannelClient): unknown {
  const actions = c.handshakeRequest?.RequestedClientActions as { ActionParameters: unknown }[] | undefined;
  return actions?.[0]?.ActionParameters;
}

function status(h: Harness, sessionId: string) {
  return h.service.snapshot().find((s) => s.sessionId === sessionId)!;
}

const forwardTo = (port: string, target = MODERN): StartSessionCommandInput => ({
  Target: target,
  DocumentName: 'AWS-StartPortForwardingSession',
  Parameters: { portNumber: [port], localPortNumber: ['0'] },
});

let servers: Servers;

beforeAll(async () => {
  servers = await startServers();
});

afterAll(async () => {
  for (const s of servers.sockets) s.destroy();
  await new Promise<void>((r) => servers.echo.close(() => r()));
  await new Promise<void>((r) => servers.banner.close(() => r()));
});

afterEach(() => {
  for (const m of muxes.splice(0)) m.close();
  for (const c of clients.splice(0)) c.dispose();
});

describe('port sessions without pacing', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(servers, {
      pacing: false,
      closeGraceMs: 1000,
      portKeepAlive: { intervalMs: 100, timeoutMs: 600 },
      lookup: async (host) => {
        if (host === 'far.example') return [{ address: '203.0.113.5', family: 4 }];
        if (host === 'imds.example') return [{ address: '169.254.169.254', family: 4 }];
        const dns = await import('node:dns/promises');
        return dns.lookup(host, { all: true });
      },
    });
  });
  afterAll(() => stopHarness(h));

  it('handshakes as Port with the document properties and the agent version', async () => {
    const { client } = await open(h, forwardTo('80'));
    expect(client.handshakeRequest?.AgentVersion).toBe('3.3.1802.0');
    expect(sessionType(client)).toEqual({
      SessionType: 'Port',
      Properties: { portNumber: '80', type: 'LocalPortForwarding', localPortNumber: '0' },
    });
    const { client: ssh } = await open(h, { Target: MODERN, DocumentName: 'AWS-StartSSHSession' });
    expect(sessionType(ssh)).toEqual({ SessionType: 'Port', Properties: { portNumber: '22' } });
  });

  it('mux: several concurrent streams to an echo server, a few MiB each way with matching SHA-256', async () => {
    const { client, sessionId } = await open(h, forwardTo('80'));
    const m = mux(client);
    const payloads = [0, 1, 2, 3].map(() => randomBytes(1536 * 1024));
    const before = servers.echoConnections;
    const echoed = await Promise.all(payloads.map((p) => streamRoundTrip(m.openStream(), p)));
    echoed.forEach((e, i) => {
      expect(e.length).toBe(payloads[i]!.length);
      expect(sha256(e)).toBe(sha256(payloads[i]!));
    });
    expect(servers.echoConnections - before).toBe(4);
    expect(status(h, sessionId).port).toEqual({
      variant: 'mux',
      localPortForwarding: true,
      keepAlive: false,
      terminateFlag: true,
    });
    // Agent messages are at most 1024 bytes (§5.6), smux frames do not align with them.
    const sizes = outputMessages(client).map((o) => o.payload.length);
    expect(Math.max(...sizes)).toBe(1024);
    expect(status(h, sessionId).status).toBe('Connected');
    expect(client.closed).toBeUndefined();
  });

  it('mux: a destination that stops reading pushes back (no ack) without losing a byte', async () => {
    const stalled = new Set<Socket>();
    const slow = createServer((s) => {
      stalled.add(s);
      s.on('error', () => undefined);
      s.pause();
      setTimeout(() => s.pipe(s), 1500);
    });
    const port = await listen(slow);
    try {
      const { client, sessionId } = await open(h, forwardTo(String(port)));
      const data = randomBytes(12 * 1024 * 1024);
      const back = await streamRoundTrip(mux(client).openStream(), data);
      expect(sha256(back)).toBe(sha256(data));
      // smux's 4 MiB receive buffer filled while the destination did not read: input was refused, then resent.
      expect(status(h, sessionId).channel.notReady).toBeGreaterThan(0);
    } finally {
      for (const s of stalled) s.destroy();
      await new Promise<void>((r) => slow.close(() => r()));
    }
  });

  it('mux: keepalive off for a client newer than 1.2.331.0, on (NOP every interval) for older ones', async () => {
    const modern = await open(h, forwardTo('80'), '1.2.707.0');
    const mModern = mux(modern.client);
    const older = await open(h, forwardTo('80'), '1.2.300.0');
    const mOlder = mux(older.client, { intervalMs: 100, timeoutMs: 5000 });
    await older.client.waitFor(() => mOlder.stats.nopsIn >= 2, 5000, 'agent keepalive NOPs');
    expect(mModern.stats.nopsIn).toBe(0);
    expect(status(h, older.sessionId).status).toBe('Connected');
  });

  it('mux with keepalive: a client that sends no smux frames loses its session after the timeout', async () => {
    const { client, sessionId } = await open(h, forwardTo('80'), '1.2.300.0');
    await client.waitForClosed(5000);
    expect(client.closed?.Output).toMatch(/smux session keepalive-timeout/);
    expect(status(h, sessionId).status).toBe('Failed');
  });

  it('mux: a closed destination port gives ConnectToPortError and FIN for that stream; the session stays up', async () => {
    const port = await closedPort();
    const { client, sessionId } = await open(h, forwardTo(String(port)));
    const m = mux(client);
    await streamEnded(m.openStream());
    await client.waitFor(() => client.flags.includes(FLAG_CONNECT_ERROR), 5000, 'ConnectToPortError');
    expect(client.flags).toEqual([FLAG_CONNECT_ERROR]);
    // Something starts listening there: the next stream of the same session works.
    const lateSockets = new Set<Socket>();
    const late = createServer((s) => {
      lateSockets.add(s);
      s.on('error', () => undefined);
      s.pipe(s);
    });
    await new Promise<void>((r) => late.listen(port, '127.0.0.1', () => r()));
    try {
      const data = randomBytes(50_000);
      const back = await streamRoundTrip(m.openStream(), data);
      expect(sha256(back)).toBe(sha256(data));
      expect(status(h, sessionId).status).toBe('Connected');
      expect(client.closed).toBeUndefined();
    } finally {
      m.close();
      for (const s of lateSockets) s.destroy();
      await new Promise<void>((r) => late.close(() => r()));
    }
  });

  it('remote host through the fleet host map (mux)', async () => {
    const { client } = await open(h, {
      Target: MODERN,
      DocumentName: 'AWS-StartPortForwardingSessionToRemoteHost',
      Parameters: { host: ['db.internal'], portNumber: ['5432'], localPortNumber: ['0'] },
    });
    expect(sessionType(client)).toEqual({
      SessionType: 'Port',
      Properties: { portNumber: '5432', type: 'LocalPortForwarding', localPortNumber: '0', host: 'db.internal' },
    });
    const data = Buffer.from('SELECT 1; -- データベース\n'.repeat(2000));
    const back = await streamRoundTrip(mux(client).openStream(), data);
    expect(back.equals(data)).toBe(true);
  });

  it('remote host resolved by DNS to loopback reaches this machine (instance port map applies)', async () => {
    const { client } = await open(h, {
      Target: MODERN,
      DocumentName: 'AWS-StartPortForwardingSessionToRemoteHost',
      Parameters: { host: ['localhost'], portNumber: ['3389'] },
    });
    const data = randomBytes(10_000);
    const back = await streamRoundTrip(mux(client).openStream(), data);
    expect(sha256(back)).toBe(sha256(data));
  });

  it.each([
    ['169.254.169.254', '169.254.169.254'],
    ['metadata.internal', '169.254.169.254'],
    ['imds.example', '169.254.169.254'],
    ['fd00:ec2::254', 'fd00:ec2::254'],
  ])('refuses the forbidden destination %s with the agent message', async (host, address) => {
    const { client, sessionId } = await open(h, {
      Target: MODERN,
      DocumentName: 'AWS-StartPortForwardingSessionToRemoteHost',
      Parameters: { host: [host], portNumber: ['80'] },
    });
    await client.waitForClosed(5000);
    expect(client.closed?.Output).toBe(`Forwarding to IP address ${address} is forbidden.`);
    expect(status(h, sessionId).status).toBe('Failed');
  });

  it('a non-loopback destination is never dialled: mux streams get ConnectToPortError', async () => {
    const { client } = await open(h, {
      Target: MODERN,
      DocumentName: 'AWS-StartPortForwardingSessionToRemoteHost',
      Parameters: { host: ['far.example'], portNumber: ['443'] },
    });
    await streamEnded(mux(client).openStream());
    await client.waitFor(() => client.flags.includes(FLAG_CONNECT_ERROR), 5000, 'ConnectToPortError');
    expect(client.closed).toBeUndefined();
  });

  it('basic for an old agent (3.0.100.0): raw bytes, DisconnectToPort, re-dial on the next data', async () => {
    const before = servers.echoConnections;
    const { client, sessionId } = await open(h, forwardTo('80', OLD_AGENT));
    const received: Buffer[] = [];
    client.onOutput = (b) => received.push(b);
    const data = randomBytes(1024 * 1024);
    client.type(data); // right after the handshake: answered "not ready" until the dial completes, then resent
    await client.waitFor(() => Buffer.concat(received).length >= data.length, 15_000, 'echo');
    expect(sha256(Buffer.concat(received))).toBe(sha256(data));
    expect(servers.echoConnections - before).toBe(1);
    expect(status(h, sessionId).port?.variant).toBe('basic');
    // The local connection went away: the agent drops the destination connection and re-dials on new data.
    client.sendFlag(FLAG_DISCONNECT);
    received.length = 0;
    client.type('second connection — 二番目\n');
    await client.waitFor(() => Buffer.concat(received).toString().includes('二番目'), 5000, 'second echo');
    expect(servers.echoConnections - before).toBe(2);
    expect(client.closed).toBeUndefined();
  });

  it('basic when the client is older than 1.1.70, even for a modern agent', async () => {
    const { client } = await open(h, forwardTo('80'), '1.1.60');
    const received: Buffer[] = [];
    client.onOutput = (b) => received.push(b);
    client.type('raw, not smux\n');
    await client.waitFor(() => Buffer.concat(received).toString() === 'raw, not smux\n', 5000, 'raw echo');
  });

  it('basic: a closed destination port fails the session with the dial error', async () => {
    const port = await closedPort();
    const { client, sessionId } = await open(h, forwardTo(String(port), OLD_AGENT));
    await client.waitForClosed(5000);
    expect(client.closed?.Output).toBe(
      `Unable to connect to specified port: dial tcp 127.0.0.1:${port}: connect: connection refused`,
    );
    expect(status(h, sessionId).status).toBe('Failed');
  });

  it('TerminateSession flag ends the session; an agent older than 2.3.722.0 ignores it', async () => {
    const { client, sessionId } = await open(h, forwardTo('80'));
    client.sendFlag(FLAG_TERMINATE);
    await client.waitForClosed(5000);
    expect(client.closed?.Output).toBe('');
    expect(status(h, sessionId).status).toBe('Terminated');

    const old = await open(h, forwardTo('80', TERMINATE_FLAG_LESS));
    const received: Buffer[] = [];
    old.client.onOutput = (b) => received.push(b);
    old.client.sendFlag(FLAG_TERMINATE);
    old.client.type('still here\n');
    await old.client.waitFor(() => Buffer.concat(received).toString() === 'still here\n', 5000, 'echo');
    expect(old.client.closed).toBeUndefined();
  });

  it('SSH document: standard stream to the instance port 22; the server closing ends the session cleanly', async () => {
    const { client, sessionId } = await open(h, { Target: MODERN, DocumentName: 'AWS-StartSSHSession' });
    const received: Buffer[] = [];
    client.onOutput = (b) => received.push(b);
    const text = () => Buffer.concat(received).toString('utf8');
    await client.waitFor(() => text().startsWith('SSH-2.0-porthole-test こんにちは\r\n'), 5000, 'banner');
    client.type('ping\n');
    await client.waitFor(() => text().endsWith('ping\n'), 5000, 'echo');
    client.type('bye\n');
    await client.waitForClosed(5000);
    expect(client.closed?.Output).toBe('');
    expect(status(h, sessionId).status).toBe('Terminated');
  });

  it('fault injection applies to port sessions: lost, reordered and duplicated frames, every byte arrives', async () => {
    const { client, sessionId } = await open(h, forwardTo('80'));
    h.service.setFaults(
      { sessionId },
      { seed: 7, loseProbability: 0.03, reorderProbability: 0.05, duplicateProbability: 0.05 },
    );
    const data = randomBytes(512 * 1024);
    const back = await streamRoundTrip(mux(client).openStream(), data);
    expect(sha256(back)).toBe(sha256(data));
    const faults = status(h, sessionId).faults!;
    expect(faults.lost).toBeGreaterThan(0);
    expect(faults.reordered).toBeGreaterThan(0);
    expect(faults.duplicated).toBeGreaterThan(0);
  });

  it('a websocket drop in the middle of a mux transfer: ResumeSession and reconnect lose nothing', async () => {
    const { client, sessionId } = await open(h, forwardTo('80'));
    h.service.setFaults({ sessionId }, { dropAfterMessages: 400, dropMode: 'terminate' });
    let reconnects = 0;
    let stop = false;
    const resumer = (async () => {
      while (!stop) {
        await new Promise((r) => setTimeout(r, 20));
        if (stop || client.connected) continue;
        const resumed = await h.ssm.send(new ResumeSessionCommand({ SessionId: sessionId }));
        reconnects++;
        await client.connect(resumed.TokenValue!);
      }
    })();
    try {
      const data = randomBytes(1024 * 1024);
      const back = await streamRoundTrip(mux(client).openStream(), data);
      expect(sha256(back)).toBe(sha256(data));
      expect(reconnects).toBe(1);
      expect(status(h, sessionId).faults!.dropped).toBe(1);
    } finally {
      stop = true;
      await resumer;
    }
  });
});

describe('port sessions with pacing', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(servers, { pacing: true, closeGraceMs: 1000 });
  });
  afterAll(() => stopHarness(h));

  it('paces agent output: 1024-byte messages at least 1 ms apart, no 1 s first-read wait', async () => {
    const { client } = await open(h, forwardTo('80', OLD_AGENT));
    const received: Buffer[] = [];
    client.onOutput = (b) => received.push(b);
    const data = randomBytes(200 * 1024);
    const started = Date.now();
    client.type(data);
    await client.waitFor(() => Buffer.concat(received).length >= data.length, 15_000, 'echo');
    expect(sha256(Buffer.concat(received))).toBe(sha256(data));
    const messages = outputMessages(client);
    expect(messages.length).toBeGreaterThanOrEqual(200);
    expect(Math.max(...messages.map((m) => m.payload.length))).toBe(1024);
    const span = messages[messages.length - 1]!.createdDate - messages[0]!.createdDate;
    expect(span).toBeGreaterThanOrEqual(messages.length - 1);
    // The shell's 1 s wait before the first read does not apply to ports.
    expect(messages[0]!.createdDate - started).toBeLessThan(900);
  });
});

describe('pacing off', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(servers, { pacing: false, closeGraceMs: 1000 });
  });
  afterAll(() => stopHarness(h));

  it('sends the same messages without the per-message pause', async () => {
    const { client } = await open(h, forwardTo('80', OLD_AGENT));
    const received: Buffer[] = [];
    client.onOutput = (b) => received.push(b);
    const data = randomBytes(200 * 1024);
    client.type(data);
    await client.waitFor(() => Buffer.concat(received).length >= data.length, 15_000, 'echo');
    const messages = outputMessages(client);
    expect(Math.max(...messages.map((m) => m.payload.length))).toBe(1024);
    // ~200 messages: paced they need ≥ 199 ms; unpaced they leave in bursts as the echo comes back.
    const span = messages[messages.length - 1]!.createdDate - messages[0]!.createdDate;
    expect(span).toBeLessThan(messages.length - 1);
  });
});
