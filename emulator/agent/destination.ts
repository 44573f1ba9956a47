/**
 * Where an emulated instance's port session connects (fact sheet §7.4, §7.6, §10.3).
 *
 * - No `host`: the instance's own port. An emulated instance's ports are this machine's loopback ports, remapped by
 *   the instance's `ports` map (fleet file, e.g. {"3389": 13389}).
 * - A `host`: first the fleet's `hosts` map (`"db.internal": "127.0.0.1:15432"`; a key may also be `host:port`; a
 *   value without a port keeps the requested one), then DNS. A name that resolves to loopback is the instance itself,
 *   so its `ports` map applies.
 * - The agent refuses the instance metadata / VPC DNS / time-sync addresses (`Forwarding to IP address X is
 *   forbidden.`, fact sheet §10.3, §11).
 * - Safety (not agent behaviour): the emulator dials loopback addresses only; any other address fails as an
 *   unreachable network would.
 *
 * Dial errors are worded as Go's net.Dial words them, since the agent passes those texts on.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP, Socket } from 'node:net';

/** The addresses the agent refuses to forward to (fact sheet §10.3). */
export const FORBIDDEN_DESTINATIONS: readonly string[] = [
  '169.254.169.254',
  'fd00:ec2::254',
  '169.254.169.253',
  'fd00:ec2::253',
  '169.254.169.123',
  'fd00:ec2::123',
  '169.254.169.250',
  '169.254.169.251',
  'fd00:ec2::240',
];

const forbidden = new BlockList();
for (const a of FORBIDDEN_DESTINATIONS) forbidden.addAddress(a, a.includes(':') ? 'ipv6' : 'ipv4');
const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

export interface DestinationMaps {
  /** Instance port -> local port (fleet `instances[].ports`). */
  ports?: Readonly<Record<string, number>>;
  /** Host name (or `host:port`) -> `address[:port]` (fleet `hosts`). */
  hosts?: Readonly<Record<string, string>>;
}

export interface DestinationAddress {
  address: string;
  port: number;
  family: 4 | 6;
}

export type Resolution =
  { ok: true; addresses: DestinationAddress[] } | { ok: false; kind: 'forbidden' | 'lookup'; message: string };

export type Lookup = (host: string) => Promise<{ address: string; family: number }[]>;

const defaultLookup: Lookup = (host) => dnsLookup(host, { all: true, verbatim: true });

function family(address: string): 4 | 6 {
  return isIP(address) === 6 ? 6 : 4;
}

/** Whether the agent refuses this address. IPv4-mapped IPv6 forms count as their IPv4 address. */
export function isForbiddenAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return forbidden.check(mapped[1]!, 'ipv4');
  const f = isIP(address);
  if (f === 0) return false;
  return forbidden.check(address, f === 6 ? 'ipv6' : 'ipv4');
}

export function isLoopbackAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return loopback.check(mapped[1]!, 'ipv4');
  const f = isIP(address);
  if (f === 0) return false;
  return loopback.check(address, f === 6 ? 'ipv6' : 'ipv4');
}

/** Splits `host`, `host:port`, `[v6]` or `[v6]:port`. */
export function splitHostPort(value: string): { host: string; port?: number } | undefined {
  const bracket = /^\[([0-9a-fA-F:.]+)\](?::(\d{1,5}))?$/.exec(value);
  if (bracket) return { host: bracket[1]!, ...(bracket[2] ? { port: Number(bracket[2]) } : {}) };
  if (isIP(value) === 6) return { host: value };
  const plain = /^([A-Za-z0-9._-]+)(?::(\d{1,5}))?$/.exec(value);
  if (!plain) return undefined;
  const port = plain[2] ? Number(plain[2]) : undefined;
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  return { host: plain[1]!, ...(port !== undefined ? { port } : {}) };
}

/** Go's form of an address in error texts: `1.2.3.4:80`, `[::1]:80`. */
export function joinHostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

export class DestinationResolver {
  private readonly lookup: Lookup;

  constructor(
    private readonly maps: DestinationMaps,
    lookup?: Lookup,
  ) {
    this.lookup = lookup ?? defaultLookup;
  }

  /** Resolves `host` (empty = the instance itself) and `port` to the addresses to try, in order. */
  async resolve(host: string | undefined, port: number): Promise<Resolution> {
    const remapped = (p: number) => this.maps.ports?.[String(p)] ?? p;
    if (host === undefined || host === '') {
      // The agent dials localhost:<port> (basic) or :<port> (mux): the instance itself.
      return { ok: true, addresses: [{ address: '127.0.0.1', port: remapped(port), family: 4 }] };
    }
    // A bracketed IPv6 literal (`[::1]`) is the address itself.
    let target = /^\[[0-9A-Fa-f:.]+\]$/.test(host) ? host.slice(1, -1) : host;
    let targetPort = port;
    let fromMap = false;
    const mapped = this.hostsEntry(host, port);
    if (mapped !== undefined) {
      const parsed = splitHostPort(mapped);
      if (!parsed) return { ok: false, kind: 'lookup', message: `dial tcp: lookup ${host}: bad hosts map entry` };
      target = parsed.host;
      targetPort = parsed.port ?? port;
      fromMap = true;
    }
    let found: { address: string; family: number }[];
    if (isIP(target) !== 0) {
      found = [{ address: target, family: isIP(target) }];
    } else {
      try {
        found = await this.lookup(target);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        const why =
          code === 'ENOTFOUND' || code === 'ENODATA' ? 'no such host' : `temporary failure (${code ?? 'error'})`;
        return { ok: false, kind: 'lookup', message: `dial tcp: lookup ${target}: ${why}` };
      }
      if (found.length === 0) return { ok: false, kind: 'lookup', message: `dial tcp: lookup ${target}: no such host` };
    }
    for (const a of found) {
      if (isForbiddenAddress(a.address)) {
        return { ok: false, kind: 'forbidden', message: `Forwarding to IP address ${a.address} is forbidden.` };
      }
    }
    return {
      ok: true,
      addresses: found.map((a) => ({
        address: a.address,
        // A name resolving to loopback is the instance itself: its port map applies (not to hosts-map targets).
        port: !fromMap && isLoopbackAddress(a.address) ? remapped(targetPort) : targetPort,
        family: family(a.address),
      })),
    };
  }

  private hostsEntry(host: string, port: number): string | undefined {
    const hosts = this.maps.hosts;
    if (!hosts) return undefined;
    const lower = host.toLowerCase();
    for (const [key, value] of Object.entries(hosts)) {
      if (key.toLowerCase() === `${lower}:${port}`) return value;
    }
    for (const [key, value] of Object.entries(hosts)) {
      if (key.toLowerCase() === lower) return value;
    }
    return undefined;
  }
}

/** Dial failure with Go's wording, e.g. `dial tcp 127.0.0.1:5432: connect: connection refused`. */
export class DialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DialError';
  }
}

const DIAL_TIMEOUT_MS = 10_000;

/** Connects to the first address that accepts, in order (as net.Dial tries each resolved address). */
export async function dialFirst(addresses: readonly DestinationAddress[]): Promise<Socket> {
  let last: DialError | undefined;
  for (const a of addresses) {
    try {
      return await dialOne(a);
    } catch (e) {
      last = e instanceof DialError ? e : new DialError(String(e));
    }
  }
  throw last ?? new DialError('dial tcp: missing address');
}

function dialOne(a: DestinationAddress): Promise<Socket> {
  const where = joinHostPort(a.address, a.port);
  if (!isLoopbackAddress(a.address)) {
    // Safety: network tests use loopback only; the emulated VPC is not reachable from here.
    return Promise.reject(
      new DialError(`dial tcp ${where}: connect: network is unreachable (the emulator dials loopback addresses only)`),
    );
  }
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    // Errors after the dial belong to the owner's handlers; this one keeps a stray error from crashing the emulator.
    socket.on('error', () => undefined);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new DialError(`dial tcp ${where}: i/o timeout`));
    }, DIAL_TIMEOUT_MS);
    const onError = (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new DialError(`dial tcp ${where}: connect: ${goErrno(e)}`));
    };
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
    socket.once('error', onError);
    socket.connect({ host: a.address, port: a.port, family: a.family });
  });
}

function goErrno(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'EHOSTUNREACH':
      return 'no route to host';
    case 'ENETUNREACH':
      return 'network is unreachable';
    case 'ETIMEDOUT':
      return 'connection timed out';
    case 'EADDRNOTAVAIL':
      return 'cannot assign requested address';
    default:
      return e.message;
  }
}
