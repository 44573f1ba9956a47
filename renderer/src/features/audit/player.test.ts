import { describe, expect, it } from 'vitest';
import { ReplayPlayer, type PlayerTimers } from './player';

/** Manual timers: `advance(ms)` fires what is due, in order. */
function manualTimers() {
  let now = 0;
  let seq = 0;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const timers: PlayerTimers = {
    setTimeout: (fn, ms) => {
      seq += 1;
      pending.set(seq, { at: now + ms, fn });
      return seq;
    },
    clearTimeout: (h) => void pending.delete(h as number),
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const next = [...pending.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next || next[1].at > end) break;
      pending.delete(next[0]);
      now = next[1].at;
      next[1].fn();
    }
    now = end;
  };
  return { timers, advance, pending };
}

describe('replay player', () => {
  const events = [
    [0, 'o', '$ '],
    [1, 'o', 'echo こんにちは\r\n'],
    [1.5, 'r', '100x30'],
    [61.5, 'o', 'こんにちは\r\n'],
  ] as const;

  it('writes output in time, skips resize events, and shortens long idle gaps', () => {
    const out: string[] = [];
    const { timers, advance, pending } = manualTimers();
    const player = new ReplayPlayer(events, (d) => out.push(d), timers);
    player.play();
    expect(out).toEqual(['$ ']);
    advance(999);
    expect(out).toEqual(['$ ']);
    advance(1);
    expect(out.join('')).toBe('$ echo こんにちは\r\n');
    // 60 s idle replays as 2 s.
    advance(2500);
    expect(out.join('')).toBe('$ echo こんにちは\r\nこんにちは\r\n');
    expect(player.status).toBe('ended');
    expect(pending.size).toBe(0);
  });

  it('pauses, resumes, and plays faster at a higher speed', () => {
    const out: string[] = [];
    const { timers, advance } = manualTimers();
    const player = new ReplayPlayer(events, (d) => out.push(d), timers);
    player.play();
    player.pause();
    advance(5000);
    expect(out).toEqual(['$ ']);
    player.setSpeed(4);
    player.play();
    advance(250);
    expect(out).toHaveLength(2);
    player.restart(true);
    expect(out.at(-1)).toBe('$ ');
    player.dispose();
  });
});
