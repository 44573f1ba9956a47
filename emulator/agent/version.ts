/**
 * Dotted version comparison as the agent does it on ClientVersion (fact sheet §6.5: `versionutil.Compare`, which
 * accepts differing component counts): components compare numerically, a missing component counts as 0.
 * Returns undefined when either side is not a dotted list of non-negative integers.
 */
export function compareVersions(a: string, b: string): number | undefined {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  if (!pa || !pb) return undefined;
  const n = Math.max(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function parseVersion(v: string): number[] | undefined {
  const trimmed = v.trim();
  if (!/^\d+(\.\d+)*$/.test(trimmed)) return undefined;
  return trimmed.split('.').map((p) => Number(p));
}

/** Agent-side version gates (fact sheet §6.5, §7.3, §10.5 item 6). */
export const PORT_VERSION_GATES = {
  /** The agent runs the smux server when the client's version is at least this (and type is LocalPortForwarding). */
  muxMinClientVersion: '1.1.70',
  /** The agent turns smux keepalive off when the client's version is above this. */
  keepAliveOffAboveClientVersion: '1.2.331.0',
  /** Agents at or below this version predate multiplexing: they always run basic port forwarding. */
  lastAgentWithoutMux: '3.0.196.0',
  /** Agents at or below this version do not know the TerminateSession flag (the plugin calls the API instead). */
  lastAgentWithoutTerminateFlag: '2.3.722.0',
} as const;
