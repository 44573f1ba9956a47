/**
 * Starting port sessions (fact sheet §1.2, §7): the documents and parameters for local port forwarding, remote-host
 * forwarding and SSH, and StartSession + data channel + {@link PortSession} in one call.
 */
import { PortSession, type PortSessionOptions } from './portSession';
import { openSessionChannel, type SessionStarter, type SessionTarget } from './sessionStarter';

export const PortDocuments = {
  portForwarding: 'AWS-StartPortForwardingSession',
  remoteHost: 'AWS-StartPortForwardingSessionToRemoteHost',
  ssh: 'AWS-StartSSHSession',
} as const;

/** A request for a port session: where, which document, which parameters (values are lists of strings). */
export interface PortSessionRequest extends SessionTarget {
  documentName: string;
  parameters: Record<string, string[]>;
  reason?: string;
}

/** Opens a port session (resolves once the channel is open; `session.ready` follows the handshake). */
export type OpenPortSession = (request: PortSessionRequest) => Promise<PortSession>;

/** Document and parameters for forwarding to `remotePort` on the instance, or on `remoteHost` through it. */
export function portForwardParameters(spec: {
  remotePort: number;
  remoteHost?: string | undefined;
  localPort: number;
}): { documentName: string; parameters: Record<string, string[]> } {
  const parameters: Record<string, string[]> = {
    portNumber: [String(spec.remotePort)],
    localPortNumber: [String(spec.localPort)],
  };
  if (spec.remoteHost) {
    return { documentName: PortDocuments.remoteHost, parameters: { host: [spec.remoteHost], ...parameters } };
  }
  return { documentName: PortDocuments.portForwarding, parameters };
}

/** AWS-StartSSHSession to `port` (default 22) on the instance. */
export function sshParameters(port: number): { documentName: string; parameters: Record<string, string[]> } {
  return { documentName: PortDocuments.ssh, parameters: { portNumber: [String(port)] } };
}

/** An {@link OpenPortSession} backed by the real StartSession/ResumeSession/TerminateSession calls. */
export function portSessionOpener(
  starter: SessionStarter,
  options: Partial<Omit<PortSessionOptions, 'sessionId' | 'channel' | 'terminateApi'>> = {},
): OpenPortSession {
  return async (request) => {
    const { sessionId, channel, terminate } = await starter.startChannel(request);
    const session = new PortSession({ ...options, sessionId, channel, terminateApi: terminate });
    await openSessionChannel({ channel, session, terminate });
    return session;
  };
}
