/**
 * Local session recordings: each shell tab's output as an asciicast v2 file in `<data>/recordings/` (folder 0700,
 * files 0600), listed newest first, searched by instance, name or output text, and read back for replay.
 * Recording is off until the user turns it on (recording-settings.json in the data folder).
 */
import { mkdir, open, readdir, readFile, rename, stat, writeFile, chmod } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RecordingInfo } from '../../../shared/model/tools';
import { PortholeError } from '../../../shared/errors';
import { t } from '../../../shared/i18n/catalog';
import { silentLogger, type Logger } from '../base/logger';
import { AsciicastWriter, parseAsciicast, type Asciicast, type AsciicastHeader } from './asciicast';

export const RECORDINGS_DIR = 'recordings';
export const RECORDING_SETTINGS_FILE = 'recording-settings.json';
/** Recordings larger than this are listed but not searched or replayed in full. */
const READ_LIMIT = 32 * 1024 * 1024;
const ID_PATTERN = /^[A-Za-z0-9._-]{1,200}\.cast$/;

export interface RecordingStoreDeps {
  /** The app's data folder; recordings go to its `recordings/` folder. */
  dataDir: string;
  logger?: Logger;
  now?: () => number;
}

export interface RecordingStart {
  /** Our session id (the tab's). */
  id: string;
  instanceId: string;
  title?: string;
  profile?: string;
  region?: string;
  document?: string;
  cols: number;
  rows: number;
}

/** Strips terminal escape sequences so searches match the text a user saw. */
export function plainText(data: string): string {
  /* eslint-disable no-control-regex -- escape sequences are what these match */
  return data
    .replace(/\x1b\][^\x07\x1b]*(\x07|\x1b\\)/g, '')
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '')
    .replace(/\x1b[@-Z\\-_]/g, '')
    .replace(/\r/g, '');
  /* eslint-enable no-control-regex */
}

export class RecordingStore {
  readonly dir: string;
  private readonly settingsFile: string;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly writers = new Map<string, AsciicastWriter>();
  private enabled: boolean | undefined;

  constructor(deps: RecordingStoreDeps) {
    this.dir = join(deps.dataDir, RECORDINGS_DIR);
    this.settingsFile = join(deps.dataDir, RECORDING_SETTINGS_FILE);
    this.log = deps.logger ?? silentLogger;
    this.now = deps.now ?? Date.now;
  }

  async settings(): Promise<{ enabled: boolean }> {
    if (this.enabled === undefined) {
      try {
        const parsed = JSON.parse(await readFile(this.settingsFile, 'utf8')) as { enabled?: unknown };
        this.enabled = parsed.enabled === true;
      } catch {
        this.enabled = false;
      }
    }
    return { enabled: this.enabled };
  }

  async setSettings(settings: { enabled: boolean }): Promise<{ enabled: boolean }> {
    // On a fresh install the data folder may not exist yet.
    await mkdir(dirname(this.settingsFile), { recursive: true });
    const tmp = `${this.settingsFile}.tmp`;
    await writeFile(tmp, `${JSON.stringify({ enabled: settings.enabled })}\n`, { mode: 0o600 });
    await rename(tmp, this.settingsFile);
    this.enabled = settings.enabled;
    return { enabled: settings.enabled };
  }

  /** Starts recording a session when recording is on; returns whether it records. */
  async begin(start: RecordingStart): Promise<boolean> {
    if (!(await this.settings()).enabled || this.writers.has(start.id)) return false;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await chmod(this.dir, 0o700).catch(() => undefined);
    const stamp = new Date(this.now()).toISOString().replace(/[:.]/g, '-');
    const safe = (s: string) => s.replace(/[^A-Za-z0-9-]/g, '_').slice(0, 40);
    const file = join(this.dir, `${stamp}_${safe(start.instanceId)}_${safe(start.id)}.cast`);
    const header: Omit<AsciicastHeader, 'version' | 'timestamp'> = {
      width: start.cols,
      height: start.rows,
      ...(start.title ? { title: start.title } : {}),
      env: { TERM: 'xterm-256color' },
      porthole: {
        instanceId: start.instanceId,
        ...(start.profile ? { profile: start.profile } : {}),
        ...(start.region ? { region: start.region } : {}),
        ...(start.document ? { document: start.document } : {}),
      },
    };
    this.writers.set(start.id, new AsciicastWriter(file, header, { now: this.now }));
    this.log.info('recording session', { id: start.id });
    return true;
  }

  output(id: string, data: string): void {
    this.writers.get(id)?.output(data);
  }

  resize(id: string, cols: number, rows: number): void {
    this.writers.get(id)?.resize(cols, rows);
  }

  async end(id: string): Promise<void> {
    const writer = this.writers.get(id);
    if (!writer) return;
    this.writers.delete(id);
    await writer.close();
    if (writer.error) this.log.warn('recording failed', { id, error: writer.error.message });
  }

  /** Whether a session is being recorded now. */
  recording(id: string): boolean {
    return this.writers.has(id);
  }

  async list(): Promise<RecordingInfo[]> {
    const out: RecordingInfo[] = [];
    for (const id of await this.ids()) {
      const info = await this.info(id).catch(() => undefined);
      if (info) out.push(info.info);
    }
    return out.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
  }

  /** Recordings whose title, instance, profile, region or output contains the query (case-insensitive). */
  async search(query: string): Promise<RecordingInfo[]> {
    const q = query.trim().toLowerCase();
    const all = await this.list();
    if (!q) return all;
    const out: RecordingInfo[] = [];
    for (const info of all) {
      const meta = [info.title, info.instanceId, info.profile ?? '', info.region ?? ''].join(' ').toLowerCase();
      if (meta.includes(q)) {
        out.push(info);
        continue;
      }
      const cast = await this.load(info.id).catch(() => undefined);
      if (!cast) continue;
      const text = plainText(
        cast.events
          .filter((e) => e[1] === 'o')
          .map((e) => e[2])
          .join(''),
      );
      const line = text.split('\n').find((l) => l.toLowerCase().includes(q));
      if (line !== undefined) out.push({ ...info, match: line.trim().slice(0, 200) });
    }
    return out;
  }

  async read(id: string): Promise<{ info: RecordingInfo; width: number; height: number; events: Asciicast['events'] }> {
    const { info, cast } = await this.info(id, true);
    return { info, width: cast.header.width, height: cast.header.height, events: cast.events };
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.writers.keys()].map((id) => this.end(id)));
  }

  private async ids(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).filter((f) => ID_PATTERN.test(f));
    } catch {
      return [];
    }
  }

  private async load(id: string): Promise<Asciicast> {
    if (!ID_PATTERN.test(id)) throw notFound(id);
    const file = join(this.dir, id);
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch {
      throw notFound(id);
    }
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(Math.min(size, READ_LIMIT));
      await handle.read(buffer, 0, buffer.length, 0);
      // A cut in the middle of a character only spoils the torn last line, which the parser skips.
      return parseAsciicast(buffer.toString('utf8'));
    } finally {
      await handle.close();
    }
  }

  private async info(id: string, _full = false): Promise<{ info: RecordingInfo; cast: Asciicast }> {
    const cast = await this.load(id);
    const bytes = (await stat(join(this.dir, id))).size;
    const h = cast.header;
    const last = cast.events[cast.events.length - 1];
    const info: RecordingInfo = {
      id,
      title: h.title ?? h.porthole?.instanceId ?? id,
      instanceId: h.porthole?.instanceId ?? '',
      ...(h.porthole?.profile ? { profile: h.porthole.profile } : {}),
      ...(h.porthole?.region ? { region: h.porthole.region } : {}),
      startedAt: new Date(h.timestamp * 1000).toISOString(),
      durationSeconds: last ? last[0] : 0,
      bytes,
    };
    return { info, cast };
  }
}

function notFound(id: string): PortholeError {
  return new PortholeError('RECORDING_NOT_FOUND', t('error.RECORDING_NOT_FOUND', { id }), { id });
}

/**
 * The SessionManager tap that records shell tabs: output that arrives while the file is being opened is held and
 * written first, so a recording starts with the session's first bytes.
 */
export class SessionRecorder {
  private readonly pending = new Map<string, { cols: number; rows: number; ops: Array<() => void>; ended: boolean }>();

  constructor(
    private readonly store: RecordingStore,
    private readonly logger: Logger = silentLogger,
  ) {}

  started(
    session: { id: string; target: string; title?: string; profile: string; region: string; document: string },
    size: { cols: number; rows: number },
  ): void {
    const slot = { ...size, ops: [] as Array<() => void>, ended: false };
    this.pending.set(session.id, slot);
    void this.store
      .begin({
        id: session.id,
        instanceId: session.target,
        ...(session.title ? { title: session.title } : {}),
        profile: session.profile,
        region: session.region,
        document: session.document,
        cols: size.cols,
        rows: size.rows,
      })
      .catch((e: unknown) => {
        this.logger.warn('recording could not start', {
          id: session.id,
          error: e instanceof Error ? e.message : String(e),
        });
        return false;
      })
      .then(() => {
        this.pending.delete(session.id);
        for (const op of slot.ops) op();
        if (slot.ended) void this.store.end(session.id);
      });
  }

  output(id: string, data: string): void {
    const slot = this.pending.get(id);
    if (slot) slot.ops.push(() => this.store.output(id, data));
    else this.store.output(id, data);
  }

  resized(id: string, cols: number, rows: number): void {
    const slot = this.pending.get(id);
    if (slot) slot.ops.push(() => this.store.resize(id, cols, rows));
    else this.store.resize(id, cols, rows);
  }

  ended(id: string): void {
    const slot = this.pending.get(id);
    if (slot) slot.ended = true;
    else void this.store.end(id);
  }
}
