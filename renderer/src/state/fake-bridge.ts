/* A scripted PortholeBridge for renderer tests: answers invoke channels from per-channel handlers and records calls. */
import type { Result } from '../../../shared/errors';
import type { PortholeBridge } from '../../../shared/ipc/bridge';
import type { EventPayload } from '../../../shared/ipc/bridge';
import type { EventChannel, InvokeChannel, InvokeRequest, InvokeResponse } from '../../../shared/ipc/contract';
import type { FleetSource, SourceStatus } from '../../../shared/model/fleet';
import type { Instance } from '../../../shared/model/instance';

export type Handler<C extends InvokeChannel> = (
  request: InvokeRequest<C>,
) => Result<InvokeResponse<C>> | Promise<Result<InvokeResponse<C>>>;

export type Handlers = { [C in InvokeChannel]?: Handler<C> };

export interface FakeBridge extends PortholeBridge {
  readonly calls: { channel: InvokeChannel; request: unknown }[];
  callsTo(channel: InvokeChannel): unknown[];
  handlers: Handlers;
  /** Delivers a host event to the renderer's listeners. */
  emit<C extends EventChannel>(channel: C, payload: EventPayload<C>): void;
}

export function createFakeBridge(handlers: Handlers): FakeBridge {
  const calls: FakeBridge['calls'] = [];
  const listeners = new Map<string, Set<(payload: never) => void>>();
  const bridge: FakeBridge = {
    calls,
    handlers,
    callsTo: (channel) => calls.filter((c) => c.channel === channel).map((c) => c.request),
    async invoke(channel, request) {
      calls.push({ channel, request });
      const handler = bridge.handlers[channel] as Handler<typeof channel> | undefined;
      if (!handler)
        return { ok: false, code: 'UNKNOWN_CHANNEL', message: `no handler for ${channel}`, params: { channel } };
      return handler(request);
    },
    send() {},
    on(channel, listener) {
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      const entry = listener as (payload: never) => void;
      set.add(entry);
      return () => void set.delete(entry);
    },
    emit(channel, payload) {
      for (const listener of listeners.get(channel) ?? []) (listener as (p: typeof payload) => void)(payload);
    },
  };
  return bridge;
}

/** A small fleet in the shape the inventory returns, with Japanese text in names and tags. */
export function sampleFleet(region = 'us-east-1'): Instance[] {
  const base = { region, profile: 'demo', accountId: '123456789012', hybrid: false, managed: true } as const;
  return [
    {
      ...base,
      instanceId: 'i-0a1b2c3d4e5f60001',
      name: 'web-prod-1',
      platform: 'Linux',
      platformName: 'Amazon Linux',
      platformVersion: '2023',
      pingStatus: 'Online',
      privateIp: '10.0.1.11',
      tags: [
        { key: 'Name', value: 'web-prod-1' },
        { key: 'Environment', value: 'prod' },
        { key: 'Team', value: 'platform' },
      ],
    },
    {
      ...base,
      instanceId: 'i-0a1b2c3d4e5f60002',
      name: 'ウェブサーバー東京',
      platform: 'Linux',
      platformName: 'Ubuntu',
      platformVersion: '22.04',
      pingStatus: 'Online',
      privateIp: '10.0.2.21',
      tags: [
        { key: 'Name', value: 'ウェブサーバー東京' },
        { key: 'Environment', value: 'staging' },
        { key: 'チーム', value: '決済' },
      ],
    },
    {
      ...base,
      instanceId: 'i-0a1b2c3d4e5f60003',
      name: 'ad-dc-1',
      platform: 'Windows',
      platformName: 'Microsoft Windows Server 2022 Datacenter',
      pingStatus: 'ConnectionLost',
      privateIp: '10.0.3.31',
      tags: [
        { key: 'Name', value: 'ad-dc-1' },
        { key: 'Environment', value: 'prod' },
        { key: 'Role', value: 'domain-controller' },
      ],
    },
    {
      ...base,
      instanceId: 'i-0a1b2c3d4e5f60004',
      name: 'batch-runner',
      platform: 'Linux',
      pingStatus: 'NotManaged',
      managed: false,
      privateIp: '10.0.4.41',
      tags: [{ key: 'Environment', value: 'dev' }],
    },
  ];
}

/** Handlers for a profile `demo` (us-east-1) answering with `fleets[region]`. */
export function demoHandlers(fleets: Record<string, Instance[]>): Handlers {
  return {
    'app.info': () => ({ ok: true, value: { version: '0.1.0', host: 'web', endpointUrl: 'http://127.0.0.1:4566' } }),
    'profiles.list': () => ({
      ok: true,
      value: {
        profiles: [
          { name: 'demo', region: 'us-east-1', kind: 'static' },
          { name: 'other', kind: 'static' },
        ],
        defaultProfile: 'demo',
      },
    }),
    'regions.list': () => ({ ok: true, value: { regions: Object.keys(fleets) } }),
    'inventory.list': ({ region }) => ({
      ok: true,
      value: { instances: fleets[region] ?? [], fetchedAt: '2026-01-02T03:04:05.000Z' },
    }),
    'fleet.list': ({ sources }) => ({ ok: true, value: fleetAnswer(fleets, sources) }),
    'fleet.cached': () => ({ ok: true, value: { instances: [], sources: [] } }),
    'auth.mfaPrompts': () => ({ ok: true, value: { prompts: [] } }),
  };
}

/**
 * A fleet.list answer: each source's rows from `fleets[region]` (with that source's profile), or the error
 * `failing` gives for it.
 */
export function fleetAnswer(
  fleets: Record<string, Instance[]>,
  sources: readonly FleetSource[],
  failing: (source: FleetSource) => SourceStatus['error'] | undefined = () => undefined,
): InvokeResponse<'fleet.list'> {
  const instances: Instance[] = [];
  const statuses: SourceStatus[] = [];
  for (const source of sources) {
    const error = failing(source);
    if (error) {
      statuses.push({ ...source, state: 'error', count: 0, error });
      continue;
    }
    const rows = (fleets[source.region] ?? []).map((i) => ({ ...i, profile: source.profile }));
    instances.push(...rows);
    statuses.push({
      ...source,
      state: 'ok',
      count: rows.length,
      fetchedAt: '2026-01-02T03:04:05.000Z',
      accountId: '123456789012',
    });
  }
  return { instances, sources: statuses };
}
