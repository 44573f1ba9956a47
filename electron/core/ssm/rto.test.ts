import { describe, expect, it } from 'vitest';
import { RoundTripEstimator, RTO_DEFAULTS } from './rto';

describe('RoundTripEstimator', () => {
  it('starts at the fact sheet defaults (RTT 100 ms, RTO 200 ms)', () => {
    const e = new RoundTripEstimator();
    expect([e.rttMs, e.rttVarMs, e.rtoMs]).toEqual([100, 0, 200]);
  });

  it('follows §5.3: RTTV from the old RTT, RTT with gain 1/8, RTO = RTT + max(10 ms, 4·RTTV)', () => {
    const e = new RoundTripEstimator();
    e.addSample(20);
    expect(e.rttVarMs).toBeCloseTo(20); // 3/4·0 + 1/4·|100 − 20|
    expect(e.rttMs).toBeCloseTo(90); // 7/8·100 + 1/8·20
    expect(e.rtoMs).toBeCloseTo(170); // 90 + 4·20
    for (let i = 0; i < 200; i++) e.addSample(1.5);
    expect(e.rtoMs).toBeCloseTo(1.5 + RTO_DEFAULTS.clockGranularityMs, 1);
  });

  it('backs off (doubling, capped at 1 s) after a timeout until a fresh sample', () => {
    const e = new RoundTripEstimator();
    for (let i = 0; i < 100; i++) e.addSample(2);
    const learned = e.rtoMs;
    e.backOff();
    expect(e.rtoMs).toBeCloseTo(learned * 2);
    for (let i = 0; i < 10; i++) e.backOff();
    expect(e.rtoMs).toBe(RTO_DEFAULTS.maxRtoMs);
    e.addSample(2);
    expect(e.rtoMs).toBeCloseTo(learned, 0);
  });

  it('ignores negative and non-finite samples', () => {
    const e = new RoundTripEstimator();
    e.addSample(-1);
    e.addSample(Number.NaN);
    e.addSample(Number.POSITIVE_INFINITY);
    expect(e.rtoMs).toBe(200);
  });
});
