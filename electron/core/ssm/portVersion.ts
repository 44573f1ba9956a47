/**
 * The plugin's agent-version gates for port sessions (fact sheet §6.5, §7.3). The plugin compares dotted versions
 * numerically, component by component, and only when both have the same number of components; anything else
 * (unparsable, different lengths) counts as "not greater".
 */

/** True when `version` is strictly greater than `than` by the plugin's rule. */
export function versionGreaterThan(version: string, than: string): boolean {
  const a = parse(version);
  const b = parse(than);
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]! !== b[i]!) return a[i]! > b[i]!;
  }
  return false;
}

function parse(v: string): number[] | undefined {
  const parts = v.trim().split('.');
  if (parts.length === 0 || parts.some((p) => !/^\d{1,9}$/.test(p))) return undefined;
  return parts.map(Number);
}

export const AgentGates = {
  /** TerminateSession flag instead of the API on basic port forwarding. */
  terminateFlag: '2.3.722.0',
  /** LocalPortForwarding uses smux. */
  multiplexing: '3.0.196.0',
  /** smux keepalive off. */
  keepAliveDisabled: '3.1.1511.0',
} as const;

export type PortVariant = 'mux' | 'basic' | 'stream';

/** §7.3: which client variant runs for the session's `type` property and agent version. */
export function choosePortVariant(type: string | undefined, agentVersion: string): PortVariant {
  if (type !== 'LocalPortForwarding') return 'stream';
  return versionGreaterThan(agentVersion, AgentGates.multiplexing) ? 'mux' : 'basic';
}

/** §6.5: the plugin disables smux keepalive for agents newer than 3.1.1511.0. */
export function muxKeepAliveEnabled(agentVersion: string): boolean {
  return !versionGreaterThan(agentVersion, AgentGates.keepAliveDisabled);
}

/** §7.4: agents newer than 2.3.722.0 understand the TerminateSession flag. */
export function agentUnderstandsTerminateFlag(agentVersion: string): boolean {
  return versionGreaterThan(agentVersion, AgentGates.terminateFlag);
}
