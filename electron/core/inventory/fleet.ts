/**
 * The fleet: several profiles x regions listed at once and merged into one list.
 * - Sources run with bounded concurrency (default 4 at a time; each source itself runs SSM, EC2 and STS calls in
 *   parallel, and the SDK retries throttled calls with backoff).
 * - A failing source is reported in its own status (code and message) while every other source's rows show.
 * - Rows carry profile, account and region; the same instance seen through two profiles (same account and region)
 *   is listed once, from the first source that has it.
 * - The last result per source is kept in a CacheStore (a JSON file under the app's data folder: instance data
 *   only, never credentials), so start-up shows it at once and then refreshes.
 */
import { z } from 'zod';
import { PortholeError, type ErrorValue } from '../../../shared/errors';
import type { FleetSource, SourceStatus } from '../../../shared/model/fleet';
import { InstanceSchema, type Instance } from '../../../shared/model/instance';
import { Emitter, type Disposable } from '../base/lifecycle';
import { silentLogger, type Logger } from '../base/logger';
import { toPortholeError } from '../aws/errors';
import { compareInstances } from './inventory';

export type { FleetSource, SourceStatus };

export interface FleetResult {
  readonly instances: Instance[];
  readonly sources: SourceStatus[];
}

/** What the fleet needs from the one-source inventory (InventoryService provides it). */
export interface SourceLister {
  list(q: FleetSource): Promise<readonly Instance[]>;
}

/** The cache file's content: per source, the last good listing. */
export const FleetSnapshotSchema = z.object({
  version: z.literal(1),
  sources: z.array(
    z.object({
      profile: z.string(),
      region: z.string(),
      fetchedAt: z.string(),
      instances: z.array(InstanceSchema),
    }),
  ),
});
export type FleetSnapshot = z.infer<typeof FleetSnapshotSchema>;

export interface CacheStore {
  read(): Promise<FleetSnapshot | undefined>;
  write(snapshot: FleetSnapshot): Promise<void>;
}

export interface FleetServiceDeps {
  readonly inventory: SourceLister;
  readonly cache?: CacheStore;
  readonly logger?: Logger;
  readonly now?: () => Date;
  /** Sources listed at the same time; default 4. */
  readonly concurrency?: number;
}

export interface SourceEvent {
  readonly status: SourceStatus;
  readonly instances: readonly Instance[];
}

const key = (s: FleetSource) => `${s.profile}\u0000${s.region}`;

export class FleetService implements Disposable {
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly concurrency: number;
  private readonly sourceDone = new Emitter<SourceEvent>();
  /** Fires as each source finishes (ok or error), before the whole list is ready: the UI can fill in progressively. */
  readonly onDidListSource = this.sourceDone.event;
  private last = new Map<string, { fetchedAt: string; instances: Instance[] }>();
  private loaded: Promise<void> | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: FleetServiceDeps) {
    this.logger = deps.logger ?? silentLogger;
    this.now = deps.now ?? (() => new Date());
    this.concurrency = Math.max(1, deps.concurrency ?? 4);
  }

  /** The cached rows of these sources (start-up view), or undefined when none are cached. */
  async cached(sources: readonly FleetSource[]): Promise<FleetResult | undefined> {
    await this.loadCache();
    const unique = dedupeSources(sources);
    if (!unique.some((s) => this.last.has(key(s)))) return undefined;
    const parts = unique.map((source) => {
      const entry = this.last.get(key(source));
      const status: SourceStatus = entry
        ? {
            ...source,
            state: 'cached',
            count: entry.instances.length,
            fetchedAt: entry.fetchedAt,
            ...accountOf(entry.instances),
          }
        : { ...source, state: 'cached', count: 0 };
      return { status, instances: entry?.instances ?? [] };
    });
    return merge(parts);
  }

  /** Lists every source now; failures are per source. Saves the good listings to the cache. */
  async list(sources: readonly FleetSource[]): Promise<FleetResult> {
    await this.loadCache();
    const unique = dedupeSources(sources);
    const parts: { status: SourceStatus; instances: readonly Instance[] }[] = new Array(unique.length);
    let next = 0;
    const worker = async () => {
      while (next < unique.length) {
        const index = next++;
        const source = unique[index]!;
        parts[index] = await this.listOne(source);
        this.sourceDone.fire(parts[index]);
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: Math.min(this.concurrency, unique.length) }, worker));
    const result = merge(parts);
    this.logger.info('fleet listed', {
      sources: unique.length,
      failed: result.sources.filter((s) => s.state === 'error').length,
      instances: result.instances.length,
      ms: Date.now() - started,
    });
    await this.saveCache();
    return result;
  }

  dispose(): void {
    this.sourceDone.dispose();
  }

  private async listOne(source: FleetSource): Promise<{ status: SourceStatus; instances: readonly Instance[] }> {
    const started = performance.now();
    try {
      const instances = [...(await this.deps.inventory.list(source))];
      const fetchedAt = this.now().toISOString();
      this.last.set(key(source), { fetchedAt, instances });
      return {
        status: {
          ...source,
          state: 'ok',
          count: instances.length,
          fetchedAt,
          ms: Math.round(performance.now() - started),
          ...accountOf(instances),
        },
        instances,
      };
    } catch (error) {
      const e = error instanceof PortholeError ? error : toPortholeError(error, { ...source, operation: 'list' });
      const value: ErrorValue = { code: e.code, message: e.message, ...(e.params ? { params: { ...e.params } } : {}) };
      this.logger.warn('fleet source failed', { ...source, code: e.code });
      return {
        status: { ...source, state: 'error', count: 0, ms: Math.round(performance.now() - started), error: value },
        instances: [],
      };
    }
  }

  private loadCache(): Promise<void> {
    this.loaded ??= (async () => {
      if (!this.deps.cache) return;
      try {
        const snapshot = await this.deps.cache.read();
        for (const s of snapshot?.sources ?? []) {
          if (!this.last.has(key(s))) this.last.set(key(s), { fetchedAt: s.fetchedAt, instances: s.instances });
        }
      } catch (error) {
        this.logger.warn('fleet cache unreadable; starting empty', { error: (error as Error).message });
      }
    })();
    return this.loaded;
  }

  private saveCache(): Promise<void> {
    const cache = this.deps.cache;
    if (!cache) return Promise.resolve();
    const snapshot: FleetSnapshot = {
      version: 1,
      sources: [...this.last].map(([k, v]) => {
        const [profile, region] = k.split('\u0000') as [string, string];
        return { profile, region, fetchedAt: v.fetchedAt, instances: v.instances };
      }),
    };
    // Writes are serialised so an older listing never overwrites a newer one.
    this.writing = this.writing
      .then(() => cache.write(snapshot))
      .catch((error: unknown) => this.logger.warn('fleet cache not saved', { error: (error as Error).message }));
    return this.writing;
  }
}

function dedupeSources(sources: readonly FleetSource[]): FleetSource[] {
  const seen = new Set<string>();
  const out: FleetSource[] = [];
  for (const s of sources) {
    if (seen.has(key(s))) continue;
    seen.add(key(s));
    out.push({ profile: s.profile, region: s.region });
  }
  return out;
}

function accountOf(instances: readonly Instance[]): { accountId?: string } {
  const id = instances.find((i) => i.accountId)?.accountId;
  return id ? { accountId: id } : {};
}

function merge(parts: readonly { status: SourceStatus; instances: readonly Instance[] }[]): FleetResult {
  const seen = new Set<string>();
  const instances: Instance[] = [];
  for (const part of parts) {
    for (const instance of part.instances) {
      const id = `${instance.accountId ?? part.status.profile}/${instance.region}/${instance.instanceId}`;
      if (seen.has(id)) continue;
      seen.add(id);
      instances.push(instance);
    }
  }
  instances.sort((a, b) => compareInstances(a, b) || (a.region < b.region ? -1 : a.region > b.region ? 1 : 0));
  return { instances, sources: parts.map((p) => p.status) };
}
