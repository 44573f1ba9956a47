import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { PortholeError, type Result } from '../errors';
import type { Instance } from '../model/instance';
import type { TunnelInfo } from '../model/tunnel';
import { CHANNELS } from './channels';
import { createContractDispatcher, createDispatcher, type Handlers, type SenderInfo } from './dispatch';
import { createMemoryBridge } from './memory-bridge';
import { unusedHandlers } from './test/unusedHandlers';
import type { SessionInfo } from '../model/session';

const trusted: SenderInfo = { url: 'porthole://app/index.html', clientId: 'w1' };
const stranger: SenderInfo = { url: 'https://evil.example/', clientId: 'x' };

const instance: Instance = {
  instanceId: 'i-0123456789abcdef0',
  name: '本番 web サーバー',
  platform: 'Linux',
  pingStatus: 'Online',
  region: 'ap-northeast-1',
  managed: true,
  hybrid: false,
  tags: [{ key: 'チーム', value: '基盤' }],
};

const session: SessionInfo = {
  id: 't1',
  awsSessionId: 'test-0123456789abcdef0',
  profile: 'p',
  region: 'us-east-1',
  target: 'i-0123456789abcdef0',
  title: '本番 web',
  document: 'SSM-SessionManagerRunShell',
  state: 'open',
  encrypted: false,
  startedAt: '2024-01-01T00:00:00.000Z',
};

const tunnel: TunnelInfo = {
  id: 'tunnel-1',
  kind: 'forward',
  profile: 'p',
  region: 'us-east-1',
  target: 'i-0123456789abcdef0',
  remotePort: 8080,
  state: 'open',
  localAddress: '127.0.0.1',
  localPort: 18080,
  nonLoopback: false,
  poolSize: 1,
  poolMembers: 1,
  connections: 0,
  totalConnections: 0,
  failedConnections: 0,
  bytesIn: 0,
  bytesOut: 0,
  rateIn: 0,
  rateOut: 0,
};

function fakeHandlers(overrides: Partial<Handlers['invoke']> = {}): Handlers {
  return {
    invoke: {
      ...unusedHandlers().invoke,
      'app.info': () => ({ version: '0.1.0', host: 'web' }),
      'profiles.list': () => ({ profiles: [{ name: 'default', kind: 'static' }] }),
      'regions.list': () => ({ regions: ['us-east-1', 'ap-northeast-1'] }),
      'inventory.list': ({ region }) => ({ instances: [{ ...instance, region }], fetchedAt: '2024-01-01T00:00:00Z' }),
      'session.start': (r) => ({ ...session, target: r.target }),
      'session.attach': () => ({ session, replay: '', offset: 0 }),
      'session.close': () => ({ ...session, state: 'closed' }),
      'session.list': () => ({ sessions: [session] }),
      'session.history': () => ({ local: [session], active: [], history: [] }),
      'session.documents': () => ({ documents: [{ name: 'SSM-SessionManagerRunShell' }] }),
      'fleet.list': () => ({
        instances: [instance],
        sources: [{ profile: 'p', region: 'us-east-1', state: 'ok', count: 1 }],
      }),
      'fleet.cached': () => ({ instances: [], sources: [] }),
      'profiles.identity': ({ profile }) => ({
        profile,
        accountId: '123456789012',
        arn: 'arn:aws:iam::123456789012:user/u',
        userId: 'AIDA',
      }),
      'auth.ssoSignIn': ({ profile }) => ({
        profile,
        startUrl: 'https://x.awsapps.com/start',
        expiresAt: '2030-01-01T00:00:00Z',
      }),
      'auth.ssoCancel': () => ({ cancelled: false }),
      'auth.mfaAnswer': () => ({ accepted: true }),
      'auth.mfaPrompts': () => ({ prompts: [] }),
      'tunnel.start': (r) => ({ ...tunnel, target: r.target, remotePort: r.remotePort }),
      'tunnel.stop': () => ({ stopped: true }),
      'tunnel.list': () => ({ tunnels: [tunnel] }),
      'tunnel.saved.list': () => ({ tunnels: [], groups: [] }),
      'tunnel.saved.save': ({ tunnel: saved }) => ({ tunnel: { ...saved, id: saved.id ?? 'st-1' } }),
      'tunnel.saved.remove': () => ({ removed: true }),
      'tunnel.saved.saveGroup': ({ group }) => ({ group: { ...group, id: group.id ?? 'sg-1' } }),
      'tunnel.saved.removeGroup': () => ({ removed: true }),
      'tunnel.saved.toggleGroup': () => ({ started: [tunnel], stopped: 0, failures: [] }),
      'rdp.start': (r) => ({ ...tunnel, kind: 'rdp', target: r.target, remotePort: 3389 }),
      'rdp.password': () => ({ username: 'Administrator', password: 'パスワード' }),
      'ssh.config': (r) => ({ text: `Host ${r.target}\n`, aliases: [r.target], user: 'ec2-user', proxyCommand: 'x' }),
      'ssh.open': () => ({ command: 'x-terminal-emulator', args: ['-e', 'ssh'], ssh: ['ssh'] }),
      'doctor.diagnose': (r) => ({
        target: r.target,
        region: r.region,
        document: 'SSM-SessionManagerRunShell',
        checks: [],
        ok: true,
      }),
      'policy.generate': () => ({ policy: '{}', managedPolicyArns: [], explanation: [], findings: [] }),
      'policy.explain': () => ({ valid: true, explanation: [] }),
      'policy.lint': () => ({ valid: true, findings: [] }),
      'audit.preferences': () => ({ configured: false, recorded: false, encrypted: false }),
      'audit.list': () => ({ recordings: [] }),
      'audit.read': ({ id }) => ({
        info: {
          id,
          title: 'ウェブ',
          instanceId: 'i-1',
          startedAt: '2024-01-01T00:00:00Z',
          durationSeconds: 1,
          bytes: 10,
        },
        width: 80,
        height: 24,
        events: [[0.5, 'o', 'こんにちは']],
      }),
      'audit.search': () => ({ recordings: [] }),
      'audit.settings': () => ({ enabled: false }),
      'audit.setSettings': ({ enabled }) => ({ enabled }),
      ...overrides,
    },
    send: unusedHandlers().send,
  };
}

function logger() {
  return { warn: vi.fn(), error: vi.fn() };
}

function setup(overrides: Partial<Handlers['invoke']> = {}) {
  const log = logger();
  const dispatcher = createDispatcher(fakeHandlers(overrides), {
    isTrustedSender: (s) => s.url.startsWith('porthole://app/'),
    logger: log,
  });
  return { dispatcher, log };
}

function expectError(result: Result<unknown>, code: string) {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('unreachable');
  expect(result.code).toBe(code);
  return result;
}

describe('dispatcher (the real contract)', () => {
  it('answers a contract channel with the handler value, validated (Japanese text intact)', async () => {
    const { dispatcher } = setup();
    const result = await dispatcher.dispatch('inventory.list', { profile: 'demo', region: 'ap-northeast-1' }, trusted);
    expect(result).toEqual({
      ok: true,
      value: { instances: [{ ...instance, region: 'ap-northeast-1' }], fetchedAt: '2024-01-01T00:00:00Z' },
    });
  });

  it('refuses a channel outside the contract with UNKNOWN_CHANNEL and names it', async () => {
    const { dispatcher } = setup();
    const r = expectError(await dispatcher.dispatch('shell.exec', { cmd: 'rm -rf /' }, trusted), 'UNKNOWN_CHANNEL');
    expect(r.message).toContain('shell.exec');
    expectError(await dispatcher.dispatch(42, {}, trusted), 'UNKNOWN_CHANNEL');
    // Inherited object keys are not channels.
    expectError(await dispatcher.dispatch('constructor', {}, trusted), 'UNKNOWN_CHANNEL');
    expectError(await dispatcher.dispatch('__proto__', {}, trusted), 'UNKNOWN_CHANNEL');
  });

  it('refuses an untrusted sender before the handler runs', async () => {
    const handler = vi.fn(() => ({ regions: [] }));
    const { dispatcher } = setup({ 'regions.list': handler });
    expectError(await dispatcher.dispatch('regions.list', { profile: 'demo' }, stranger), 'FORBIDDEN_SENDER');
    expect(handler).not.toHaveBeenCalled();
  });

  it('refuses a malformed payload with BAD_PAYLOAD, a path and the issue, without calling the handler', async () => {
    const handler = vi.fn(() => ({ instances: [], fetchedAt: 'now' }));
    const { dispatcher } = setup({ 'inventory.list': handler });
    const r = expectError(
      await dispatcher.dispatch('inventory.list', { profile: 'demo', region: 'not a region' }, trusted),
      'BAD_PAYLOAD',
    );
    expect(r.params?.detail).toMatch(/^region: /);
    expect(r.message).toContain('inventory.list');
    expectError(await dispatcher.dispatch('inventory.list', undefined, trusted), 'BAD_PAYLOAD');
    expectError(await dispatcher.dispatch('app.info', { extra: true }, trusted), 'BAD_PAYLOAD');
    expect(handler).not.toHaveBeenCalled();
  });

  it('does not echo a huge payload back in the error', async () => {
    const { dispatcher } = setup();
    const huge = 'x'.repeat(100_000);
    const r = expectError(
      await dispatcher.dispatch('regions.list', { profile: 'demo', [huge]: 1 }, trusted),
      'BAD_PAYLOAD',
    );
    expect(r.message.length).toBeLessThan(400);
    const r2 = expectError(await dispatcher.dispatch(huge, {}, trusted), 'UNKNOWN_CHANNEL');
    expect(r2.message.length).toBeLessThan(400);
  });

  it('keeps the code, message and params of a PortholeError', async () => {
    const { dispatcher } = setup({
      'regions.list': () => {
        throw new PortholeError('CREDENTIALS_MISSING', 'No credentials for profile "開発".', { profile: '開発' });
      },
    });
    const r = expectError(
      await dispatcher.dispatch('regions.list', { profile: '開発' }, trusted),
      'CREDENTIALS_MISSING',
    );
    expect(r.message).toBe('No credentials for profile "開発".');
    expect(r.params).toEqual({ profile: '開発' });
  });

  it('turns any other error into INTERNAL without its message, and keeps the secret out of the log', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const { dispatcher, log } = setup({
      'profiles.list': async () => {
        throw new Error(`signing failed for AKIAIOSFODNN7EXAMPLE with ${secret}`);
      },
    });
    const r = expectError(await dispatcher.dispatch('profiles.list', {}, trusted), 'INTERNAL');
    expect(JSON.stringify(r)).not.toContain(secret);
    expect(JSON.stringify(r)).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(JSON.stringify(r)).not.toMatch(/at .*dispatch/); // no stack
    expect(log.error).toHaveBeenCalled();
    const logged = JSON.stringify(log.error.mock.calls);
    expect(logged).not.toContain(secret);
    expect(logged).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(logged).toContain('signing failed');
  });

  it('treats a thrown non-Error (string, undefined) as INTERNAL too', async () => {
    const { dispatcher } = setup({
      'app.info': () => {
        throw 'boom';
      },
    });
    expectError(await dispatcher.dispatch('app.info', {}, trusted), 'INTERNAL');
  });

  it('validates responses: a handler returning the wrong shape yields INTERNAL, extra fields are stripped', async () => {
    const { dispatcher, log } = setup({
      'regions.list': () => ({ regions: 'us-east-1' }) as never,
      'app.info': () => ({ version: '1', host: 'web', secretAccessKey: 'leak' }) as never,
    });
    expectError(await dispatcher.dispatch('regions.list', { profile: 'demo' }, trusted), 'INTERNAL');
    expect(log.error).toHaveBeenCalledWith('ipc response does not match the contract', expect.anything());
    const info = await dispatcher.dispatch('app.info', {}, trusted);
    expect(info).toEqual({ ok: true, value: { version: '1', host: 'web' } });
  });

  it('treats a throwing trust check as untrusted', async () => {
    const dispatcher = createDispatcher(fakeHandlers(), {
      isTrustedSender: () => {
        throw new Error('bad url');
      },
    });
    expectError(await dispatcher.dispatch('app.info', {}, trusted), 'FORBIDDEN_SENDER');
  });

  it('covers every contract channel in the memory bridge, which runs the same checks', async () => {
    const { dispatcher } = setup();
    const bridge = createMemoryBridge(dispatcher, trusted);
    const where = { profile: 'p', region: 'us-east-1' };
    // A valid request per channel: adding a channel to the contract without one here is a compile error.
    const payloads: Record<(typeof CHANNELS.invoke)[number], unknown> = {
      'app.info': {},
      'profiles.list': {},
      'regions.list': { profile: 'p' },
      'inventory.list': where,
      'session.start': { ...where, target: 'i-0123456789abcdef0' },
      'session.attach': { id: 't1' },
      'session.close': { id: 't1' },
      'session.list': {},
      'session.history': where,
      'session.documents': where,
      'fleet.list': { sources: [where] },
      'fleet.cached': { sources: [where] },
      'profiles.identity': { profile: 'p' },
      'auth.ssoSignIn': { profile: 'p' },
      'auth.ssoCancel': { profile: 'p' },
      'auth.mfaAnswer': { id: 'm1', code: '123456' },
      'auth.mfaPrompts': {},
      'tunnel.start': { ...where, target: 'i-0123456789abcdef0', remotePort: 8080 },
      'tunnel.stop': { id: 'tunnel-1' },
      'tunnel.list': {},
      'tunnel.saved.list': {},
      'tunnel.saved.save': {
        tunnel: { ...where, target: 'i-0123456789abcdef0', remotePort: 5432, name: 'データベース' },
      },
      'tunnel.saved.remove': { id: 'st-1' },
      'tunnel.saved.saveGroup': { group: { name: '本番', tunnelIds: ['st-1'] } },
      'tunnel.saved.removeGroup': { id: 'sg-1' },
      'tunnel.saved.toggleGroup': { id: 'sg-1', on: true },
      'rdp.start': { ...where, target: 'i-0123456789abcdef0' },
      'rdp.password': { ...where, target: 'i-0123456789abcdef0', keyPem: '-----BEGIN RSA PRIVATE KEY-----' },
      'ssh.config': { ...where, target: 'i-0123456789abcdef0', name: 'ウェブサーバー' },
      'ssh.open': { ...where, target: 'i-0123456789abcdef0', user: 'ubuntu' },
      'doctor.diagnose': { ...where, target: 'i-0123456789abcdef0', locale: 'ja' },
      'policy.generate': { kind: 'endUser', targets: { kind: 'tags', tags: { 環境: ['本番'] } }, documents: ['shell'] },
      'policy.explain': { text: '{}' },
      'policy.lint': { text: '{}' },
      'audit.preferences': where,
      'audit.list': {},
      'audit.read': { id: '2024-01-01_i-1_t1.cast' },
      'audit.search': { query: 'こんにちは' },
      'audit.settings': {},
      'audit.setSettings': { enabled: true },
    };
    for (const channel of CHANNELS.invoke) {
      const result = await bridge.invoke(channel, payloads[channel] as never);
      expect(result.ok, channel).toBe(true);
    }
    const bad = await bridge.invoke('regions.list', { profile: '' });
    expectError(bad, 'BAD_PAYLOAD');
    const foreign = createMemoryBridge(dispatcher, stranger);
    expectError(await foreign.invoke('app.info', {}), 'FORBIDDEN_SENDER');
  });
});

describe('dispatcher (send and events, on a test contract)', () => {
  const testContract = {
    invoke: {},
    send: { 'term.input': z.object({ sessionId: z.string(), data: z.string().max(10) }).strict() },
    events: { 'term.output': z.object({ sessionId: z.string(), data: z.string() }) },
  } as const;

  function setupSend(handler = vi.fn()) {
    const log = logger();
    const rejections: unknown[] = [];
    const dispatcher = createContractDispatcher(
      testContract,
      { invoke: {}, send: { 'term.input': handler } },
      { isTrustedSender: (s) => s === trusted, logger: log, onDidRejectSend: (r) => rejections.push(r) },
    );
    return { dispatcher, handler, log, rejections };
  }

  it('delivers a valid send to its handler with the sender', async () => {
    const { dispatcher, handler, rejections } = setupSend();
    const r = await dispatcher.dispatchSend('term.input', { sessionId: 's1', data: 'ls ✓' }, trusted);
    expect(r.ok).toBe(true);
    expect(handler).toHaveBeenCalledWith({ sessionId: 's1', data: 'ls ✓' }, { sender: trusted });
    expect(rejections).toEqual([]);
  });

  it('drops an invalid send and reports it, without calling the handler', async () => {
    const { dispatcher, handler, rejections, log } = setupSend();
    await dispatcher.dispatchSend('term.input', { sessionId: 's1', data: 'x'.repeat(11) }, trusted);
    await dispatcher.dispatchSend('term.nope', {}, trusted);
    await dispatcher.dispatchSend('term.input', { sessionId: 's1', data: 'a' }, stranger);
    expect(handler).not.toHaveBeenCalled();
    expect(rejections).toMatchObject([
      { channel: 'term.input', code: 'BAD_PAYLOAD' },
      { channel: 'term.nope', code: 'UNKNOWN_CHANNEL' },
      { channel: 'term.input', code: 'FORBIDDEN_SENDER' },
    ]);
    expect(log.warn).toHaveBeenCalledTimes(4); // 3 drops + 1 untrusted-sender warning
  });

  it('reports a send handler that throws, without throwing', async () => {
    const { dispatcher, rejections } = setupSend(
      vi.fn(() => {
        throw new Error('session gone');
      }),
    );
    await expect(dispatcher.dispatchSend('term.input', { sessionId: 's', data: 'a' }, trusted)).resolves.toMatchObject({
      ok: false,
      code: 'INTERNAL',
    });
    expect(rejections).toHaveLength(1);
  });

  it('emits validated events to all sinks, or to the targeted client only; drops invalid ones', () => {
    const { dispatcher, log } = setupSend();
    const a: unknown[] = [];
    const b: unknown[] = [];
    dispatcher.events.subscribe((channel, payload) => a.push([channel, payload]), { clientId: 'a' });
    const stopB = dispatcher.events.subscribe((channel, payload) => b.push([channel, payload]), { clientId: 'b' });
    expect(dispatcher.emit('term.output', { sessionId: 's', data: 'こんにちは' })).toBe(true);
    expect(dispatcher.emit('term.output', { sessionId: 's', data: 'only a' }, 'a')).toBe(true);
    expect(dispatcher.emit('term.output', { sessionId: 's', data: 42 } as never)).toBe(false);
    stopB();
    dispatcher.emit('term.output', { sessionId: 's', data: 'after' });
    expect(a).toEqual([
      ['term.output', { sessionId: 's', data: 'こんにちは' }],
      ['term.output', { sessionId: 's', data: 'only a' }],
      ['term.output', { sessionId: 's', data: 'after' }],
    ]);
    expect(b).toEqual([['term.output', { sessionId: 's', data: 'こんにちは' }]]);
    expect(log.error).toHaveBeenCalledWith('ipc event dropped: payload does not match the contract', expect.anything());
  });
});
