import { describe, expect, it } from 'vitest';
import type { Result } from '../../../shared/errors';
import type { PortholeBridge } from '../../../shared/ipc/bridge';
import type { SessionInfo, SessionStateEvent } from '../../../shared/model/session';
import type { TerminalRegistry } from '../terminal/registry';
import { createSessionsStore, openCounts } from './sessions';

const info = (id: string, extra: Partial<SessionInfo> = {}): SessionInfo => ({
  id,
  awsSessionId: `aws-${id}`,
  profile: 'demo',
  region: 'us-east-1',
  target: 'i-0aaa',
  title: 'ウェブ',
  document: 'SSM-SessionManagerRunShell',
  state: 'open',
  encrypted: false,
  startedAt: '2024-01-01T00:00:00.000Z',
  ...extra,
});

/** A bridge answering the session channels from a script, recording calls, with a way to fire state events. */
function fakeBridge(answers: Partial<Record<string, (req: unknown) => Result<unknown>>>) {
  const calls: { channel: string; payload: unknown }[] = [];
  const sends: { channel: string; payload: unknown }[] = [];
  let stateListener: ((e: SessionStateEvent) => void) | undefined;
  const bridge = {
    async invoke(channel: string, payload: unknown) {
      calls.push({ channel, payload });
      const answer = answers[channel];
      return answer ? answer(payload) : { ok: false, code: 'UNKNOWN_CHANNEL', message: channel };
    },
    send(channel: string, payload: unknown) {
      sends.push({ channel, payload });
    },
    on(channel: string, listener: (e: SessionStateEvent) => void) {
      if (channel === 'session.state') stateListener = listener;
      return () => undefined;
    },
  } as unknown as PortholeBridge;
  return { bridge, calls, sends, fire: (e: SessionStateEvent) => stateListener?.(e) };
}

/** The registry's surface the store uses, recording what was bound and written. */
function fakeRegistry() {
  const bound = new Map<string, { sessionId: string; replay: string }>();
  const created: string[] = [];
  const disposed: string[] = [];
  const registry = {
    create: (id: string) => created.push(id),
    fit: () => ({ cols: 120, rows: 40 }),
    get: (id: string) => (bound.has(id) ? { sessionId: bound.get(id)!.sessionId, received: 0 } : undefined),
    bind: (id: string, sessionId: string, replay = '') => bound.set(id, { sessionId, replay }),
    notice: () => undefined,
    dispose: (id: string) => disposed.push(id),
  } as unknown as TerminalRegistry;
  return { registry, bound, created, disposed };
}

function mapStorage() {
  const map = new Map<string, string>();
  return { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
}

const target = { instanceId: 'i-0aaa', title: 'ウェブ', profile: 'demo', region: 'us-east-1' };

describe('sessions store', () => {
  it('opens a tab: starts with the pane size, attaches, shows it, and counts it for the instance', async () => {
    const { bridge, calls } = fakeBridge({
      'session.start': () => ({ ok: true, value: info('t1') }),
      'session.attach': () => ({ ok: true, value: { session: info('t1'), replay: '$ ', offset: 0 } }),
    });
    const { registry, bound } = fakeRegistry();
    const store = createSessionsStore({ bridge, registry });
    const tabId = await store.getState().open(target);
    expect(calls[0]).toEqual({
      channel: 'session.start',
      payload: { profile: 'demo', region: 'us-east-1', target: 'i-0aaa', title: 'ウェブ', cols: 120, rows: 40 },
    });
    expect(bound.get(tabId)).toEqual({ sessionId: 't1', replay: '$ ' });
    expect(store.getState().view).toBe(tabId);
    expect(store.getState().tabs[0]).toMatchObject({ state: 'open', sessionId: 't1', awsSessionId: 'aws-t1' });
    expect(openCounts(store.getState().tabs).get('i-0aaa')).toBe(1);
  });

  it('shows why a session could not start (TARGET_NOT_CONNECTED) and does not count it as open', async () => {
    const { bridge } = fakeBridge({
      'session.start': () => ({
        ok: false,
        code: 'TARGET_NOT_CONNECTED',
        message: 'i-0aaa is not connected',
        params: { target: 'i-0aaa' },
      }),
    });
    const store = createSessionsStore({ bridge, registry: fakeRegistry().registry });
    await store.getState().open(target);
    expect(store.getState().tabs[0]).toMatchObject({ state: 'failed', error: { code: 'TARGET_NOT_CONNECTED' } });
    expect(openCounts(store.getState().tabs).size).toBe(0);
  });

  it('asks before closing a live session, then terminates it; a state event moves the badge', async () => {
    const { bridge, calls, fire } = fakeBridge({
      'session.start': () => ({ ok: true, value: info('t1') }),
      'session.attach': () => ({ ok: true, value: { session: info('t1'), replay: '', offset: 0 } }),
      'session.close': () => ({ ok: true, value: info('t1', { state: 'closed' }) }),
    });
    const { registry, disposed } = fakeRegistry();
    const store = createSessionsStore({ bridge, registry });
    const tabId = await store.getState().open(target);
    fire({ id: 't1', state: 'reconnecting' });
    expect(store.getState().tabs[0]?.state).toBe('reconnecting');
    fire({ id: 't1', state: 'open' });

    await store.getState().close(tabId);
    expect(store.getState().confirmClose).toBe(tabId);
    expect(calls.some((c) => c.channel === 'session.close')).toBe(false);
    await store.getState().close(tabId, { confirmed: true });
    expect(calls.find((c) => c.channel === 'session.close')?.payload).toEqual({ id: 't1' });
    expect(store.getState().tabs).toEqual([]);
    expect(store.getState().view).toBe('instances');
    expect(disposed).toEqual([tabId]);
  });

  it('closes an ended session without asking; Reconnect starts a new session in the same tab', async () => {
    let n = 0;
    const { bridge, fire } = fakeBridge({
      'session.start': () => ({ ok: true, value: info(`t${++n}`) }),
      'session.attach': (req) => {
        const id = (req as { id: string }).id;
        return { ok: true, value: { session: info(id), replay: '', offset: 0 } };
      },
    });
    const store = createSessionsStore({ bridge, registry: fakeRegistry().registry });
    const tabId = await store.getState().open(target);
    fire({ id: 't1', state: 'failed', reason: 'the connection dropped' });
    expect(store.getState().tabs[0]).toMatchObject({ state: 'failed', reason: 'the connection dropped' });
    await store.getState().reconnect(tabId);
    expect(store.getState().tabs[0]).toMatchObject({ id: tabId, state: 'open', sessionId: 't2' });
    fire({ id: 't2', state: 'closed', exitCode: 0 });
    await store.getState().close(tabId);
    expect(store.getState().confirmClose).toBeUndefined();
    expect(store.getState().tabs).toEqual([]);
  });

  it('remembers a document choice per instance and uses it for the next plain connect', async () => {
    const { bridge, calls } = fakeBridge({
      'session.start': () => ({ ok: true, value: info('t1') }),
      'session.attach': () => ({ ok: true, value: { session: info('t1'), replay: '', offset: 0 } }),
    });
    const storage = mapStorage();
    const store = createSessionsStore({ bridge, registry: fakeRegistry().registry, storage });
    const choice = { document: 'AWS-StartInteractiveCommand', parameters: { command: ['sudo -iu ec2-user bash'] } };
    await store.getState().open(target, choice, { remember: true });
    await store.getState().open(target);
    const starts = calls.filter((c) => c.channel === 'session.start').map((c) => c.payload);
    expect(starts[1]).toMatchObject({ document: 'AWS-StartInteractiveCommand', parameters: choice.parameters });
    expect(store.getState().choiceFor('i-0bbb')).toEqual({ document: 'SSM-SessionManagerRunShell' });
  });

  it('re-attaches the sessions main still has after a reload, with their titles', async () => {
    const { bridge } = fakeBridge({
      'session.list': () => ({ ok: true, value: { sessions: [info('t7', { title: '分析基盤-dev' })] } }),
      'session.attach': () => ({ ok: true, value: { session: info('t7'), replay: 'before\r\n$ ', offset: 0 } }),
    });
    const { registry, bound } = fakeRegistry();
    const store = createSessionsStore({ bridge, registry });
    await store.getState().restore();
    const tab = store.getState().tabs[0]!;
    expect(tab).toMatchObject({ title: '分析基盤-dev', sessionId: 't7', state: 'open' });
    expect(bound.get(tab.id)?.replay).toBe('before\r\n$ ');
  });
});
