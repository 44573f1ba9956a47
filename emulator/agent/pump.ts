/**
 * The agent's output pump: turns bytes from a shell or command into `output_stream_data` messages of at most
 * 1024 bytes, never cutting a UTF-8 character in two, waiting before its first read (1 s on the real agent)
 * and pausing after every message (1 ms, "pacing") unless pacing is off. It stops reading while the channel is
 * inactive (paused or disconnected) and pushes back on its source when too much is queued.
 */
import { utf8SafeLength } from './utf8';

export const AGENT_CHUNK_BYTES = 1024;
const HIGH_WATER = 64 * 1024;
const LOW_WATER = 16 * 1024;

export interface OutputPumpOptions {
  /** Sends one message; returns nothing (the channel buffers and resends). */
  send(payloadType: number, payload: Uint8Array): void;
  /** The agent's IsActive(): attached and not paused. */
  isActive(): boolean;
  /** Sleep 1 ms after every message, as the agent does (default true). */
  pacing?: boolean;
  /** Delay before the first message (the agent waits 1 s before its first read). */
  startDelayMs?: number;
  /** Text put in front of every message of a payload type (NonInteractiveCommands separator prefixes). */
  prefixes?: ReadonlyMap<number, Uint8Array>;
  /** Raw bytes: cut at 1024 bytes exactly, never hold bytes back for an incomplete UTF-8 character. */
  binary?: boolean;
  /** Called with true when the source should stop producing, false when it may go on. */
  onBackpressure?(paused: boolean): void;
}

interface Segment {
  payloadType: number;
  data: Uint8Array;
}

export class OutputPump {
  private readonly queue: Segment[] = [];
  private queuedBytes = 0;
  private ended = false;
  private disposed = false;
  private sourcePaused = false;
  private wake: (() => void) | undefined;
  private sleepTimer: ReturnType<typeof setTimeout> | undefined;
  private sleepResolve: (() => void) | undefined;
  private readonly done: Promise<void>;
  messagesSent = 0;

  constructor(private readonly options: OutputPumpOptions) {
    this.done = this.run();
  }

  push(payloadType: number, data: Uint8Array): void {
    if (this.ended || this.disposed || data.length === 0) return;
    const last = this.queue[this.queue.length - 1];
    if (last && last.payloadType === payloadType && last.data.length < AGENT_CHUNK_BYTES) {
      // Merge small pieces only; large ones stay separate segments (no quadratic copying of a long queue).
      last.data = Buffer.concat([last.data, data]);
    } else {
      this.queue.push({ payloadType, data: Buffer.from(data) });
    }
    this.queuedBytes += data.length;
    if (!this.sourcePaused && this.queuedBytes > HIGH_WATER) {
      this.sourcePaused = true;
      this.options.onBackpressure?.(true);
    }
    this.poke();
  }

  /** No more input; resolves when everything queued has been sent (or the pump was disposed). */
  end(): Promise<void> {
    this.ended = true;
    this.poke();
    return this.done;
  }

  dispose(): void {
    this.disposed = true;
    this.queue.length = 0;
    if (this.sleepTimer) clearTimeout(this.sleepTimer);
    this.sleepTimer = undefined;
    const sleeping = this.sleepResolve;
    this.sleepResolve = undefined;
    sleeping?.();
    this.poke();
  }

  private poke(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** A timed sleep that new data does not cut short (only disposal does). */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.sleepResolve = resolve;
      this.sleepTimer = setTimeout(() => {
        this.sleepTimer = undefined;
        this.sleepResolve = undefined;
        resolve();
      }, ms);
    });
  }

  private waitForWork(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private async run(): Promise<void> {
    const pacing = this.options.pacing ?? true;
    if (this.options.startDelayMs && this.options.startDelayMs > 0) {
      const until = performance.now() + this.options.startDelayMs;
      while (!this.disposed && performance.now() < until) await this.sleep(until - performance.now());
    }
    let sinceYield = 0;
    while (!this.disposed) {
      const head = this.queue[0];
      if (!head) {
        if (this.ended) return;
        await this.waitForWork();
        continue;
      }
      if (!this.options.isActive()) {
        await this.sleep(10);
        continue;
      }
      const prefix = this.options.prefixes?.get(head.payloadType);
      const room = AGENT_CHUNK_BYTES - (prefix?.length ?? 0);
      // Fill the message from the following segments of the same type (copying at most `room` bytes).
      while (head.data.length < room) {
        const next = this.queue[1];
        if (!next || next.payloadType !== head.payloadType) break;
        const take = Math.min(room - head.data.length, next.data.length);
        head.data = Buffer.concat([head.data, next.data.subarray(0, take)]);
        next.data = next.data.subarray(take);
        if (next.data.length === 0) this.queue.splice(1, 1);
      }
      let n = this.options.binary ? Math.min(head.data.length, room) : utf8SafeLength(head.data, room);
      if (n === 0) {
        // Only an incomplete character is left: wait for the rest unless nothing more can come.
        if (this.ended || this.queue.length > 1) {
          n = Math.min(head.data.length, room);
        } else {
          await this.waitForWork();
          continue;
        }
      }
      const body = head.data.subarray(0, n);
      head.data = head.data.subarray(n);
      if (head.data.length === 0) this.queue.shift();
      this.queuedBytes -= n;
      this.options.send(head.payloadType, prefix ? Buffer.concat([prefix, body]) : body);
      this.messagesSent++;
      if (this.sourcePaused && this.queuedBytes < LOW_WATER) {
        this.sourcePaused = false;
        this.options.onBackpressure?.(false);
      }
      if (pacing) {
        await this.sleep(1);
      } else if (++sinceYield >= 32) {
        sinceYield = 0;
        await new Promise<void>((r) => setImmediate(r));
      }
    }
  }
}
