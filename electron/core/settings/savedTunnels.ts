/**
 * Saved tunnels and named groups, persisted as JSON in the app's data folder (`tunnels.json`). Only what a tunnel
 * is (profile name, region, instance, ports, addresses, names): no keys, tokens or passwords ever go in here.
 *
 * Writes are atomic (a temp file renamed over the old one, owner-only) and serialized. A file that is not JSON is
 * moved aside (`tunnels.json.corrupt-<time>`) rather than overwritten, and entries that fail validation are left out
 * one by one, so one bad entry never costs the user the rest.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PortholeError } from '../../../shared/errors';
import { t } from '../../../shared/i18n/catalog';
import {
  SavedTunnelSchema,
  TunnelGroupSchema,
  type SavedTunnel,
  type SavedTunnels,
  type TunnelGroup,
} from '../../../shared/model/tunnel';
import { silentLogger, type Logger } from '../base/logger';

export const SAVED_TUNNELS_FILE = 'tunnels.json';
const FILE_VERSION = 1;
/** Limits that keep the file and the panel sane. */
export const SAVED_LIMITS = { tunnels: 500, groups: 100 } as const;

export type SavedTunnelInput = Omit<SavedTunnel, 'id'> & { id?: string | undefined };
export type TunnelGroupInput = Omit<TunnelGroup, 'id'> & { id?: string | undefined };

export interface SavedTunnelStoreDeps {
  /** Where the JSON lives; without it the store keeps everything in memory (hosts without a data folder). */
  readonly file?: string;
  readonly logger?: Logger;
  /** New ids (tests make them predictable). */
  readonly newId?: (kind: 'tunnel' | 'group') => string;
  readonly now?: () => Date;
}

function invalid(detail: string): PortholeError {
  return new PortholeError('INVALID_TUNNEL', t('error.INVALID_TUNNEL', { detail }), { detail });
}

export class SavedTunnelStore {
  private data: SavedTunnels | undefined;
  private loading: Promise<SavedTunnels> | undefined;
  /** The last write; the next one waits for it. */
  private writing: Promise<void> = Promise.resolve();
  private readonly log: Logger;

  constructor(private readonly deps: SavedTunnelStoreDeps = {}) {
    this.log = deps.logger ?? silentLogger;
  }

  /** Saved tunnels and groups (a copy). */
  async list(): Promise<SavedTunnels> {
    const data = await this.load();
    return {
      tunnels: data.tunnels.map((x) => ({ ...x })),
      groups: data.groups.map((g) => ({ ...g, tunnelIds: [...g.tunnelIds] })),
    };
  }

  async get(id: string): Promise<SavedTunnel | undefined> {
    const found = (await this.load()).tunnels.find((x) => x.id === id);
    return found ? { ...found } : undefined;
  }

  async group(id: string): Promise<TunnelGroup | undefined> {
    const found = (await this.load()).groups.find((g) => g.id === id);
    return found ? { ...found, tunnelIds: [...found.tunnelIds] } : undefined;
  }

  /** Adds a tunnel (no id) or replaces the one with its id. Throws INVALID_TUNNEL for an unknown id or a full list. */
  async save(input: SavedTunnelInput): Promise<SavedTunnel> {
    return this.mutate((data) => {
      const id = input.id ?? this.newId('tunnel');
      const parsed = SavedTunnelSchema.safeParse({ ...input, id });
      if (!parsed.success) throw invalid(parsed.error.issues[0]?.message ?? 'the tunnel is not valid');
      const tunnel = parsed.data;
      const index = data.tunnels.findIndex((x) => x.id === id);
      if (input.id !== undefined && index < 0) throw invalid(`there is no saved tunnel ${input.id}`);
      if (index < 0 && data.tunnels.length >= SAVED_LIMITS.tunnels)
        throw invalid(`at most ${SAVED_LIMITS.tunnels} tunnels can be saved; remove some first`);
      const tunnels = index < 0 ? [...data.tunnels, tunnel] : data.tunnels.map((x, i) => (i === index ? tunnel : x));
      return { next: { ...data, tunnels }, result: { ...tunnel } };
    });
  }

  /** Removes a saved tunnel and takes it out of every group. False when there was none. */
  async remove(id: string): Promise<boolean> {
    return this.mutate((data) => {
      if (!data.tunnels.some((x) => x.id === id)) return { result: false };
      return {
        next: {
          tunnels: data.tunnels.filter((x) => x.id !== id),
          groups: data.groups.map((g) => ({ ...g, tunnelIds: g.tunnelIds.filter((x) => x !== id) })),
        },
        result: true,
      };
    });
  }

  /** Adds or replaces a named group. Its members must be saved tunnels; names are unique (ignoring case). */
  async saveGroup(input: TunnelGroupInput): Promise<TunnelGroup> {
    return this.mutate((data) => {
      const id = input.id ?? this.newId('group');
      const parsed = TunnelGroupSchema.safeParse({ ...input, id, tunnelIds: [...new Set(input.tunnelIds)] });
      if (!parsed.success) throw invalid(parsed.error.issues[0]?.message ?? 'the group is not valid');
      const group = parsed.data;
      const index = data.groups.findIndex((g) => g.id === id);
      if (input.id !== undefined && index < 0) throw invalid(`there is no group ${input.id}`);
      const unknown = group.tunnelIds.find((x) => !data.tunnels.some((s) => s.id === x));
      if (unknown !== undefined) throw invalid(`the group names a tunnel that is not saved (${unknown})`);
      const clash = data.groups.find((g) => g.id !== id && g.name.toLowerCase() === group.name.toLowerCase());
      if (clash) throw invalid(`a group named "${clash.name}" already exists`);
      if (index < 0 && data.groups.length >= SAVED_LIMITS.groups)
        throw invalid(`at most ${SAVED_LIMITS.groups} groups can be saved; remove some first`);
      const groups = index < 0 ? [...data.groups, group] : data.groups.map((g, i) => (i === index ? group : g));
      return { next: { ...data, groups }, result: { ...group, tunnelIds: [...group.tunnelIds] } };
    });
  }

  async removeGroup(id: string): Promise<boolean> {
    return this.mutate((data) => {
      if (!data.groups.some((g) => g.id === id)) return { result: false };
      return { next: { ...data, groups: data.groups.filter((g) => g.id !== id) }, result: true };
    });
  }

  /** Resolves once every write so far has reached the disk (tests, clean quit). */
  flush(): Promise<void> {
    return this.writing;
  }

  // ----------------------------------------------------------------------------------------------

  private newId(kind: 'tunnel' | 'group'): string {
    return this.deps.newId?.(kind) ?? `${kind === 'tunnel' ? 'st' : 'sg'}-${randomBytes(6).toString('hex')}`;
  }

  /** Applies a change to the loaded data, then writes it (changes apply in call order). */
  private async mutate<T>(change: (data: SavedTunnels) => { next?: SavedTunnels; result: T }): Promise<T> {
    const run = this.writing.then(async () => {
      const { next, result } = change(await this.load());
      if (next) {
        this.data = next;
        await this.persist(next);
      }
      return result;
    });
    this.writing = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private load(): Promise<SavedTunnels> {
    if (this.data) return Promise.resolve(this.data);
    this.loading ??= this.read().then((data) => (this.data = data));
    return this.loading;
  }

  private async read(): Promise<SavedTunnels> {
    const file = this.deps.file;
    if (!file) return { tunnels: [], groups: [] };
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
        this.log.warn('saved tunnels: cannot read the file', { code: (e as NodeJS.ErrnoException).code });
      return { tunnels: [], groups: [] };
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      const aside = `${file}.corrupt-${(this.deps.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-')}`;
      this.log.warn('saved tunnels: the file is not JSON; moved aside, starting empty', { aside });
      await rename(file, aside).catch(() => undefined);
      return { tunnels: [], groups: [] };
    }
    const obj = (raw && typeof raw === 'object' ? raw : {}) as { tunnels?: unknown; groups?: unknown };
    const tunnels = keepValid(obj.tunnels, SavedTunnelSchema);
    const ids = new Set(tunnels.map((x) => x.id));
    const groups = keepValid(obj.groups, TunnelGroupSchema).map((g) => ({
      ...g,
      tunnelIds: g.tunnelIds.filter((x) => ids.has(x)),
    }));
    const dropped =
      (Array.isArray(obj.tunnels) ? obj.tunnels.length : 0) -
      tunnels.length +
      (Array.isArray(obj.groups) ? obj.groups.length : 0) -
      groups.length;
    if (dropped > 0) this.log.warn('saved tunnels: entries that are not valid were left out', { dropped });
    return { tunnels, groups };
  }

  private async persist(data: SavedTunnels): Promise<void> {
    const file = this.deps.file;
    if (!file) return;
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const text = JSON.stringify({ version: FILE_VERSION, tunnels: data.tunnels, groups: data.groups }, null, 2) + '\n';
    await writeFile(temp, text, { mode: 0o600 });
    await rename(temp, file);
  }
}

function keepValid<T>(
  list: unknown,
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
): T[] {
  if (!Array.isArray(list)) return [];
  const seen = new Set<string>();
  const out: T[] = [];
  for (const item of list) {
    const parsed = schema.safeParse(item);
    if (!parsed.success) continue;
    const id = (parsed.data as { id: string }).id;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(parsed.data);
  }
  return out;
}
