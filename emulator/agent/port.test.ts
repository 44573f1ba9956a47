/**
 * The agent's port-session rules in isolation: version gates and variant choice (§6.5, §7.3, §10.5 item 6),
 * destination resolution (port map, host map, DNS, forbidden addresses, loopback-only dialling), flag payloads,
 * and the output pump's binary mode.
 */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Fleet } from '../fleet/fleet';
import { DestinationResolver, dialFirst, isForbiddenAddress, splitHostPort } from './destination';
import { choosePortVariant, flagPayload, readFlag } from './port';
import { OutputPump } from './pump';
import { compareVersions } from './version';

describe('compareVersions', () => {
  it.each([
    ['1.2.707.0', '1.1.70', 1],
    ['1.1.70', '1.1.70', 0],
    ['1.1.70.0', '1.1.70', 0],
    ['1.1.69.9', '1.1.70', -1],
    ['1.2.331.0', '1.2.331.0', 0],
    ['1.2.332.0', '1.2.331.0', 1],
    ['3.0.196.0', '3.0.196.0', 0],
    ['3.0.1000.0', '3.0.196.0', 1],
    ['10.0.0.0', '9.9.9.9', 1],
  ])('%s vs %s -> %d', (a, b, want) => {
    expect(compareVersions(a, b)).toBe(want);
  });

  it('refuses what is not a dotted number', () => {
    expect(compareVersions('', '1.1.70')).toBeUndefined();
    expect(compareVersions('1.2.x', '1.1.70')).toBeUndefined();
    expect(compareVersions('v1.2.3', '1.1.70')).toBeUndefined();
  });
});

describe('choosePortVariant', () => {
  const LPF = 'LocalPortForwarding';
  it.each([
    // type, agent, client -> variant, keepAlive
    [LPF, '3.3.1802.0', '1.2.707.0', 'mux', false],
    [LPF, '3.3.1802.0', '1.2.331.0', 'mux', true],
    [LPF, '3.3.1802.0', '1.2.0.0', 'mux', true], // a plugin built from source (§11): keepalive stays on
    [LPF, '3.3.1802.0', '1.1.70', 'mux', true],
    [LPF, '3.3.1802.0', '1.1.69', 'basic', true],
    [LPF, '3.3.1802.0', '', 'basic', true],
    [LPF, '3.0.196.0', '1.2.707.0', 'basic', false], // old agent: always basic
    [LPF, '3.0.197.0', '1.2.707.0', 'mux', false],
    [undefined, '3.3.1802.0', '1.2.707.0', 'basic', false], // SSH document: no type
    ['Other', '3.3.1802.0', '1.2.707.0', 'basic', false],
  ] as const)('type %s agent %s client %s -> %s', (type, agentVersion, clientVersion, variant, keepAlive) => {
    const choice = choosePortVariant({ type, agentVersion, clientVersion });
    expect(choice.variant).toBe(variant);
    expect(choice.localPortForwarding).toBe(type === LPF);
    if (variant === 'mux') expect(choice.keepAlive).toBe(keepAlive);
  });

  it('knows the TerminateSession flag only above agent 2.3.722.0', () => {
    expect(choosePortVariant({ type: undefined, agentVersion: '2.3.722.0', clientVersion: '' }).terminateFlag).toBe(
      false,
    );
    expect(choosePortVariant({ type: undefined, agentVersion: '2.3.723.0', clientVersion: '' }).terminateFlag).toBe(
      true,
    );
  });
});

describe('flags', () => {
  it('are 4-byte big-endian values', () => {
    expect([...flagPayload(3)]).toEqual([0, 0, 0, 3]);
    expect(readFlag(Uint8Array.from([0, 0, 0, 2]))).toBe(2);
    expect(readFlag(Uint8Array.from([0, 0, 1]))).toBeUndefined();
  });
});

describe('DestinationResolver', () => {
  const noDns = async (host: string) => {
    throw Object.assign(new Error(`no ${host}`), { code: 'ENOTFOUND' });
  };

  it('an empty host is the instance itself on 127.0.0.1, through its port map', async () => {
    const r = new DestinationResolver({ ports: { '3389': 13389 } }, noDns);
    expect(await r.resolve(undefined, 3389)).toEqual({
      ok: true,
      addresses: [{ address: '127.0.0.1', port: 13389, family: 4 }],
    });
    expect(await r.resolve('', 22)).toEqual({ ok: true, addresses: [{ address: '127.0.0.1', port: 22, family: 4 }] });
  });

  it('uses the host map before DNS: host:port keys first, a value without port keeps the requested one', async () => {
    const r = new DestinationResolver(
      {
        ports: { '5432': 1 },
        hosts: { 'DB.internal': '127.0.0.1:15432', 'db.internal:6379': '[::1]:16379', 'cache.internal': '127.0.0.2' },
      },
      noDns,
    );
    expect(await r.resolve('db.internal', 5432)).toMatchObject({ ok: true, addresses: [{ port: 15432 }] });
    expect(await r.resolve('db.internal', 6379)).toMatchObject({
      ok: true,
      addresses: [{ address: '::1', port: 16379, family: 6 }],
    });
    // The instance port map is for the instance itself, not for mapped hosts.
    expect(await r.resolve('cache.internal', 5432)).toMatchObject({
      ok: true,
      addresses: [{ address: '127.0.0.2', port: 5432 }],
    });
  });

  it('falls back to DNS; a loopback answer is the instance itself (port map applies)', async () => {
    const r = new DestinationResolver({ ports: { '80': 8080 } }, async (host) =>
      host === 'me.example' ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '192.0.2.1', family: 4 }],
    );
    expect(await r.resolve('me.example', 80)).toMatchObject({ ok: true, addresses: [{ port: 8080 }] });
    expect(await r.resolve('other.example', 80)).toMatchObject({
      ok: true,
      addresses: [{ address: '192.0.2.1', port: 80 }],
    });
  });

  it('takes IP literals as they are, bracketed IPv6 included', async () => {
    const r = new DestinationResolver({ ports: { '22': 2222 } }, noDns);
    expect(await r.resolve('[::1]', 22)).toEqual({ ok: true, addresses: [{ address: '::1', port: 2222, family: 6 }] });
    expect(await r.resolve('10.0.0.5', 22)).toEqual({
      ok: true,
      addresses: [{ address: '10.0.0.5', port: 22, family: 4 }],
    });
  });

  it('reports a failed lookup as Go words it', async () => {
    const r = new DestinationResolver({}, noDns);
    expect(await r.resolve('nowhere.invalid', 80)).toEqual({
      ok: false,
      kind: 'lookup',
      message: 'dial tcp: lookup nowhere.invalid: no such host',
    });
  });

  it('refuses instance metadata, VPC DNS and time sync addresses, however they are reached', async () => {
    for (const a of ['169.254.169.254', '169.254.169.253', '169.254.169.123', '169.254.169.250', '169.254.169.251']) {
      expect(isForbiddenAddress(a)).toBe(true);
    }
    for (const a of ['fd00:ec2::254', 'FD00:EC2:0:0:0:0:0:254', 'fd00:ec2::253', 'fd00:ec2::123', 'fd00:ec2::240']) {
      expect(isForbiddenAddress(a)).toBe(true);
    }
    expect(isForbiddenAddress('::ffff:169.254.169.254')).toBe(true);
    expect(isForbiddenAddress('169.254.169.252')).toBe(false);
    expect(isForbiddenAddress('127.0.0.1')).toBe(false);
    const r = new DestinationResolver({ hosts: { meta: '169.254.169.254:80' } }, async () => [
      { address: '10.0.0.5', family: 4 },
      { address: 'fd00:ec2::254', family: 6 },
    ]);
    expect(await r.resolve('meta', 80)).toEqual({
      ok: false,
      kind: 'forbidden',
      message: 'Forwarding to IP address 169.254.169.254 is forbidden.',
    });
    expect(await r.resolve('dual.example', 80)).toEqual({
      ok: false,
      kind: 'forbidden',
      message: 'Forwarding to IP address fd00:ec2::254 is forbidden.',
    });
  });

  it('splits host:port forms', () => {
    expect(splitHostPort('127.0.0.1:15432')).toEqual({ host: '127.0.0.1', port: 15432 });
    expect(splitHostPort('[::1]:22')).toEqual({ host: '::1', port: 22 });
    expect(splitHostPort('::1')).toEqual({ host: '::1' });
    expect(splitHostPort('db.internal')).toEqual({ host: 'db.internal' });
    expect(splitHostPort('db.internal:99999')).toBeUndefined();
    expect(splitHostPort('bad host')).toBeUndefined();
  });
});

describe('fleet host map', () => {
  const instance = {
    id: 'i-0123456789abcdef0',
    region: 'us-east-1',
    platform: 'ubuntu',
    privateIp: '10.0.0.5',
  } as const;
  it('is read from the fleet file and validated with a clear path', () => {
    const fleet = Fleet.fromInput({ hosts: { 'db.internal': '127.0.0.1:15432' }, instances: [instance] });
    expect(fleet.hosts).toEqual({ 'db.internal': '127.0.0.1:15432' });
    expect(Fleet.fromInput({ instances: [instance] }).hosts).toEqual({});
    expect(() => Fleet.fromInput({ hosts: { 'db.internal': 'not an address' }, instances: [instance] })).toThrow(
      /hosts\.db\.internal: must be address\[:port\]/,
    );
  });
});

describe('dialFirst', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = undefined;
  });

  it('never dials a non-loopback address, and tries the next address', async () => {
    server = createServer((s) => s.end());
    const port = await new Promise<number>((r) =>
      server!.listen(0, '127.0.0.1', () => r((server!.address() as { port: number }).port)),
    );
    await expect(dialFirst([{ address: '192.0.2.7', port, family: 4 }])).rejects.toThrow(
      `dial tcp 192.0.2.7:${port}: connect: network is unreachable`,
    );
    const socket = await dialFirst([
      { address: '192.0.2.7', port, family: 4 },
      { address: '127.0.0.1', port, family: 4 },
    ]);
    expect(socket.remotePort).toBe(port);
    socket.destroy();
  });
});

describe('OutputPump binary mode', () => {
  it('cuts raw bytes at exactly 1024 and never holds back a trailing UTF-8 lead byte', async () => {
    const sent: Uint8Array[] = [];
    const pump = new OutputPump({
      send: (_pt, data) => sent.push(Buffer.from(data)),
      isActive: () => true,
      pacing: false,
      binary: true,
    });
    // 1500 bytes ending with 0xE3, the lead byte of a 3-byte character: text mode would wait for the rest.
    const data = Buffer.alloc(1500, 0x41);
    data[1499] = 0xe3;
    pump.push(1, data.subarray(0, 700));
    pump.push(1, data.subarray(700));
    await new Promise((r) => setTimeout(r, 50));
    expect(sent.map((s) => s.length)).toEqual([1024, 476]);
    expect(Buffer.concat(sent).equals(data)).toBe(true);
    await pump.end();
    pump.dispose();
  });
});
