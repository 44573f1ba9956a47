/**
 * Plays asciicast events in time: output events are handed to `write` when their moment comes, scaled by the
 * speed; pauses longer than `maxIdleSeconds` are shortened (a recording that sat idle replays without the wait).
 */
export type ReplayEvent = readonly [time: number, code: string, data: string];

export interface PlayerTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export type PlayerState = 'paused' | 'playing' | 'ended';

export class ReplayPlayer {
  private index = 0;
  /** Recording time (seconds, idle-capped) already played. */
  private position = 0;
  private timer: unknown;
  private readonly times: number[];
  private state: PlayerState = 'paused';
  private speedFactor = 1;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly events: readonly ReplayEvent[],
    private readonly write: (data: string) => void,
    private readonly timers: PlayerTimers = {
      setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
      clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
    },
    maxIdleSeconds = 2,
  ) {
    // Idle-capped timeline.
    this.times = [];
    let previous = 0;
    let at = 0;
    for (const [time] of events) {
      at += Math.min(Math.max(time - previous, 0), maxIdleSeconds);
      previous = time;
      this.times.push(at);
    }
  }

  get status(): PlayerState {
    return this.state;
  }

  get speed(): number {
    return this.speedFactor;
  }

  /** Seconds played and the total, on the idle-capped timeline. */
  get progress(): { current: number; total: number } {
    return { current: this.position, total: this.times[this.times.length - 1] ?? 0 };
  }

  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  play(): void {
    if (this.state === 'playing') return;
    if (this.state === 'ended') return this.restart(true);
    this.state = 'playing';
    this.schedule();
    this.changed();
  }

  pause(): void {
    if (this.state !== 'playing') return;
    this.cancel();
    this.state = 'paused';
    this.changed();
  }

  setSpeed(speed: number): void {
    this.speedFactor = speed > 0 ? speed : 1;
    if (this.state === 'playing') {
      this.cancel();
      this.schedule();
    }
    this.changed();
  }

  /** Back to the start (the caller clears the screen); plays on when `play`. */
  restart(play = false): void {
    this.cancel();
    this.index = 0;
    this.position = 0;
    this.state = 'paused';
    if (play) {
      this.state = 'playing';
      this.schedule();
    }
    this.changed();
  }

  dispose(): void {
    this.cancel();
    this.listeners.clear();
  }

  private schedule(): void {
    // Everything due now is written at once; then one timer for the next event.
    while (this.index < this.events.length && (this.times[this.index] ?? 0) <= this.position) this.emit();
    if (this.index >= this.events.length) {
      this.state = 'ended';
      this.changed();
      return;
    }
    const wait = (((this.times[this.index] ?? 0) - this.position) * 1000) / this.speedFactor;
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.position = this.times[this.index] ?? this.position;
      this.schedule();
      this.changed();
    }, wait);
  }

  private emit(): void {
    const event = this.events[this.index];
    this.index += 1;
    if (event && event[1] === 'o') this.write(event[2]);
  }

  private cancel(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}
