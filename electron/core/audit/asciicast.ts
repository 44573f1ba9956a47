/**
 * asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/): a header JSON object on the first line, then one
 * `[time, code, data]` JSON array per line (time in seconds since the start, code "o" for output, "r" for resize).
 * Written as the session runs, so a crash leaves a readable file (a torn last line is skipped when read).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { chmod } from 'node:fs/promises';

export interface AsciicastHeader {
  version: 2;
  width: number;
  height: number;
  /** Unix time (seconds) of the start. */
  timestamp: number;
  title?: string;
  env?: Record<string, string>;
  /** Ours (players ignore unknown keys): what was recorded. */
  porthole?: { instanceId: string; profile?: string; region?: string; document?: string };
}

export type AsciicastEvent = [time: number, code: string, data: string];

export interface Asciicast {
  header: AsciicastHeader;
  events: AsciicastEvent[];
}

/** One line per event; JSON.stringify escapes control characters and keeps any other text (Japanese) as it is. */
export function formatEvent(event: AsciicastEvent): string {
  return `${JSON.stringify([Math.round(event[0] * 1e6) / 1e6, event[1], event[2]])}\n`;
}

/** Parses an asciicast v2 text. Throws on a bad header; skips event lines that do not parse (a torn tail). */
export function parseAsciicast(text: string): Asciicast {
  const newline = text.indexOf('\n');
  const first = newline < 0 ? text : text.slice(0, newline);
  let header: unknown;
  try {
    header = JSON.parse(first);
  } catch {
    throw new Error('not an asciicast file: the first line is not JSON');
  }
  const h = header as Partial<AsciicastHeader> | null;
  if (!h || typeof h !== 'object' || h.version !== 2 || typeof h.width !== 'number' || typeof h.height !== 'number') {
    throw new Error('not an asciicast v2 file: the header lacks version 2, width or height');
  }
  const events: AsciicastEvent[] = [];
  if (newline >= 0) {
    for (const line of text.slice(newline + 1).split('\n')) {
      if (!line.trim()) continue;
      try {
        const e = JSON.parse(line) as unknown;
        if (Array.isArray(e) && typeof e[0] === 'number' && typeof e[1] === 'string' && typeof e[2] === 'string') {
          events.push([e[0], e[1], e[2]]);
        }
      } catch {
        // A line cut short by a crash: the rest of the recording still plays.
      }
    }
  }
  return { header: { ...h, timestamp: typeof h.timestamp === 'number' ? h.timestamp : 0 } as AsciicastHeader, events };
}

export interface AsciicastWriterOptions {
  /** Milliseconds clock (tests). */
  now?: () => number;
  /** Stop recording output beyond this many bytes (nothing grows without bound). Default 64 MiB. */
  maxBytes?: number;
}

/** Writes one recording; the file is created new (never overwritten) and only the user can read it (0600). */
export class AsciicastWriter {
  private readonly stream: WriteStream;
  private readonly now: () => number;
  private readonly startedMs: number;
  private readonly maxBytes: number;
  private bytes = 0;
  private closed = false;
  private truncated = false;
  private failure: Error | undefined;

  constructor(
    readonly file: string,
    header: Omit<AsciicastHeader, 'version' | 'timestamp'>,
    options: AsciicastWriterOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.startedMs = this.now();
    this.stream = createWriteStream(file, { flags: 'wx', mode: 0o600, encoding: 'utf8' });
    this.stream.on('error', (e) => {
      this.failure = e;
      this.closed = true;
    });
    // The mode given at creation is masked by the umask, which only removes bits; chmod makes 0600 exact anyway.
    this.stream.on('open', () => void chmod(file, 0o600).catch(() => undefined));
    const full: AsciicastHeader = { version: 2, ...header, timestamp: Math.floor(this.startedMs / 1000) };
    this.put(`${JSON.stringify(full)}\n`);
  }

  /** Output shown in the terminal. */
  output(data: string): void {
    this.event('o', data);
  }

  /** The terminal's new size. */
  resize(cols: number, rows: number): void {
    this.event('r', `${cols}x${rows}`);
  }

  get error(): Error | undefined {
    return this.failure;
  }

  /** Flushes and closes the file. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => this.stream.end(() => resolve()));
  }

  private event(code: string, data: string): void {
    if (this.closed || this.truncated || data.length === 0) return;
    const line = formatEvent([(this.now() - this.startedMs) / 1000, code, data]);
    if (this.bytes + line.length > this.maxBytes) {
      this.truncated = true;
      return;
    }
    this.put(line);
  }

  private put(text: string): void {
    this.bytes += Buffer.byteLength(text);
    this.stream.write(text);
  }
}
