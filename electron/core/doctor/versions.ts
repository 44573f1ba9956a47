/** SSM Agent version gates the doctor reports on (AWS documentation and the protocol fact sheet §6.5). */

/** Dotted numeric comparison; missing components count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** Port forwarding and SSH through Session Manager need agent 2.3.672.0 or later. */
export const PORT_FORWARDING_MIN_AGENT = '2.3.672.0';
/** Port forwarding to a remote host needs agent 3.1.1374.0 or later. */
export const REMOTE_HOST_MIN_AGENT = '3.1.1374.0';
/** The plugin multiplexes port forwarding (smux) with agents strictly newer than 3.0.196.0 (fact sheet §6.5). */
export const MUX_AFTER_AGENT = '3.0.196.0';

export interface DocumentNeeds {
  /** Minimum agent version, inclusive. */
  minimum?: string;
  /** A LocalPortForwarding document: multiplexing matters. */
  port: boolean;
}

export function documentNeeds(document: string): DocumentNeeds {
  if (document === 'AWS-StartPortForwardingSessionToRemoteHost') return { minimum: REMOTE_HOST_MIN_AGENT, port: true };
  if (document === 'AWS-StartPortForwardingSession' || document === 'AWS-StartSSHSession')
    return { minimum: PORT_FORWARDING_MIN_AGENT, port: true };
  return { port: false };
}
