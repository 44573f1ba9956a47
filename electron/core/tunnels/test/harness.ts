/**
 * Test harness for tunnels: a fake port agent, an {@link OpenPortSession} that starts sessions on it the way
 * StartSession would (document → Properties, §1.2), and local TCP/HTTP servers on 127.0.0.1, all tracked for cleanup.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { DataChannel } from '../../ssm/dataChannel';
import { PortSession } from '../../ssm/portSession';
import { PortDocuments, type OpenPortSession, type PortSessionRequest } from '../../ssm/portSessionStarter';
import { FakePortAgent, type FakeAgentSession, type FakePortSessionConfig } from './fakePortAgent';

export class TunnelHarness {
  agent!: FakePortAgent;
  readonly requests: PortSessionRequest[] = [];
  readonly agentSessions: FakeAgentSession[] = [];
  readonly portSessions: PortSession[] = [];
  private readonly closers: (() => Promise<void>)[] = [];
  /** Per-test knobs for the next sessions. */
  agentVersion: string | undefined;
  /** Maps the agent's destination (host, port) to a real local one. */
  resolve: (host: string, port: number) => { host: string; port: number } = (_h, port) => ({ host: '127.0.0.1', port });

  async start(): Promise<this> {
    this.agent = await new FakePortAgent().listening();
    return this;
  }

  readonly openPortSession: OpenPortSession = async (request) => {
    this.requests.push(request);
    const p = (k: string) => request.parameters[k]?.[0] ?? '';
    const properties: Record<string, string> =
      request.documentName === PortDocuments.ssh
        ? { portNumber: p('portNumber') || '22' }
        : {
            portNumber: p('portNumber'),
            type: 'LocalPortForwarding',
            localPortNumber: p('localPortNumber'),
            ...(request.documentName === PortDocuments.remoteHost ? { host: p('host') } : {}),
          };
    const config: FakePortSessionConfig = {
      properties,
      resolve: (h, port) => this.resolve(h, port),
      ...(this.agentVersion ? { agentVersion: this.agentVersion } : {}),
    };
    const started = this.agent.createSession(config);
    this.agentSessions.push(started.session);
    const channel = new DataChannel({
      streamUrl: started.streamUrl,
      token: started.token,
      sessionId: started.sessionId,
      reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
      resume: async () => ({ kind: 'token', token: `${started.token}-resumed` }),
    });
    const session = new PortSession({
      sessionId: started.sessionId,
      channel,
      handshakeTimeoutMs: 5000,
      terminateApi: async () => started.session.close(''),
    });
    this.portSessions.push(session);
    await channel.open();
    return session;
  };

  async tcpServer(onConn: (s: net.Socket) => void): Promise<number> {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
      onConn(s);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    this.closers.push(
      () =>
        new Promise<void>((r) => {
          for (const s of sockets) s.destroy();
          server.close(() => r());
        }),
    );
    return (server.address() as AddressInfo).port;
  }

  echoServer(): Promise<number> {
    return this.tcpServer((s) => s.pipe(s));
  }

  async httpServer(handler: http.RequestListener): Promise<number> {
    const server = http.createServer(handler);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    this.closers.push(
      () =>
        new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    );
    return (server.address() as AddressInfo).port;
  }

  async closedPort(): Promise<number> {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    return port;
  }

  async close(): Promise<void> {
    for (const s of this.portSessions.splice(0)) s.dispose();
    for (const c of this.closers.splice(0).reverse()) await c();
    await this.agent.close();
  }
}

/** Active TCP handles and timers of this process, for leak checks. */
export function activeHandles(): { tcp: number; timers: number } {
  const info = process.getActiveResourcesInfo();
  return {
    tcp: info.filter((r) => r === 'TCPServerWrap' || r === 'TCPSocketWrap').length,
    timers: info.filter((r) => r === 'Timeout').length,
  };
}
