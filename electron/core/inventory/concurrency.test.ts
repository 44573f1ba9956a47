import { describe, expect, it } from 'vitest';
import { TaskLimiter } from './concurrency';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('TaskLimiter', () => {
  it('never runs more than the limit at once and runs every task', async () => {
    const limiter = new TaskLimiter(3);
    let active = 0;
    let peak = 0;
    const done: number[] = [];
    for (let i = 0; i < 20; i++) {
      limiter.submit(async () => {
        active++;
        peak = Math.max(peak, active);
        await tick(1);
        active--;
        done.push(i);
      });
    }
    await limiter.settled();
    expect(peak).toBe(3);
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('waits for tasks submitted while others run, and rethrows the first failure after all settle', async () => {
    const limiter = new TaskLimiter(2);
    const ran: string[] = [];
    limiter.submit(async () => {
      await tick(2);
      ran.push('a');
      limiter.submit(async () => void ran.push('late'));
    });
    limiter.submit(async () => {
      throw new Error('first');
    });
    limiter.submit(async () => {
      await tick(1);
      throw new Error('second');
    });
    await expect(limiter.settled()).rejects.toThrow('first');
    expect(ran).toContain('a');
  });

  it('settles at once when nothing was submitted', async () => {
    await expect(new TaskLimiter(1).settled()).resolves.toBeUndefined();
  });
});
