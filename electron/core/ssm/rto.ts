/**
 * Round-trip estimator of the data channel (fact sheet §5.1, §5.3): Jacobson's RTT/RTTV smoothing.
 *   RTTV = (1 - 1/4)·RTTV + 1/4·|RTT - sample|   (old RTT)
 *   RTT  = (1 - 1/8)·RTT  + 1/8·sample
 *   RTO  = RTT + max(10 ms, 4·RTTV), capped at 1 s
 * Times are milliseconds.
 */
export const RTO_DEFAULTS = {
  rttMs: 100,
  rttVarMs: 0,
  rtoMs: 200,
  alpha: 1 / 8,
  beta: 1 / 4,
  clockGranularityMs: 10,
  maxRtoMs: 1000,
} as const;

export class RoundTripEstimator {
  private rtt: number = RTO_DEFAULTS.rttMs;
  private rttVar: number = RTO_DEFAULTS.rttVarMs;
  private rto: number = RTO_DEFAULTS.rtoMs;

  get rttMs(): number {
    return this.rtt;
  }

  get rttVarMs(): number {
    return this.rttVar;
  }

  get rtoMs(): number {
    return this.rto;
  }

  /**
   * Karn's backoff after a retransmission timeout: the RTO doubles (up to the maximum) and stays so until the next
   * sample, which only a message sent once can give.
   */
  backOff(): void {
    this.rto = Math.min(this.rto * 2, RTO_DEFAULTS.maxRtoMs);
  }

  /** Feeds one round-trip sample (ms). Negative or non-finite samples are ignored. */
  addSample(sampleMs: number): void {
    if (!Number.isFinite(sampleMs) || sampleMs < 0) return;
    this.rttVar = (1 - RTO_DEFAULTS.beta) * this.rttVar + RTO_DEFAULTS.beta * Math.abs(this.rtt - sampleMs);
    this.rtt = (1 - RTO_DEFAULTS.alpha) * this.rtt + RTO_DEFAULTS.alpha * sampleMs;
    this.rto = Math.min(this.rtt + Math.max(RTO_DEFAULTS.clockGranularityMs, 4 * this.rttVar), RTO_DEFAULTS.maxRtoMs);
  }
}
