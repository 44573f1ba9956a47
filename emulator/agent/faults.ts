/**
 * Fault injection on the agent -> client direction of one session's data channel.
 *
 * A fault plan comes from the fleet file (`instances[].faults`) or from `POST /_emulator/faults`. Every random
 * choice comes from a PRNG seeded by `seed`, so a plan replays the same way for the same message sequence.
 *
 * Faults disturb stream data frames (`output_stream_data`, first sends and resends); acks and control messages
 * pass untouched except for `delayMs`, which delays everything in order (latency, not reordering).
 */
import { z } from 'zod';
import { SeededRandom } from './random';
import type { FrameConnection, FrameInfo } from './channel';

const probability = z.number().min(0).max(1);

export const FaultPlanSchema = z
  .object({
    /** PRNG seed (default 1). */
    seed: z.number().int().optional(),
    /** Drop the websocket right after the N-th stream frame sent on a connection. */
    dropAfterMessages: z.number().int().min(1).optional(),
    /** How many connections `dropAfterMessages` applies to (default 1; later connections run clean). */
    dropTimes: z.number().int().min(1).optional(),
    /** Per stream frame, the chance that the websocket is dropped right after it. */
    dropProbability: probability.optional(),
    /** `terminate` (default): the TCP connection just dies; `close`: a close frame 1000 "Bye" as MGS sends. */
    dropMode: z.enum(['terminate', 'close']).optional(),
    /** Per stream frame, the chance that it is silently lost (the agent resends it after its RTO). */
    loseProbability: probability.optional(),
    /** Delay every outgoing frame by this many ms (order kept), or by a random amount in [min, max]. */
    delayMs: z.union([z.number().min(0), z.object({ min: z.number().min(0), max: z.number().min(0) })]).optional(),
    /** Per stream frame, the chance that it is held back and sent after the next stream frame. */
    reorderProbability: probability.optional(),
    /** Per stream frame, the chance that it is sent twice. */
    duplicateProbability: probability.optional(),
    /** Per stream frame, the chance that one byte of its SHA-256 digest is flipped (the client must drop it). */
    corruptDigestProbability: probability.optional(),
    /**
     * After N stream frames on a connection, expire every token of the session and drop the websocket.
     * `resume`: `succeed` (ResumeSession returns a fresh token), `no-token` (it returns no TokenValue: the
     * session timed out), `error` (DoesNotExistException).
     */
    expireToken: z
      .object({
        afterMessages: z.number().int().min(1),
        resume: z.enum(['succeed', 'no-token', 'error']).default('succeed'),
      })
      .optional(),
    /**
     * After N stream frames, MGS pauses the agent's publication for `durationMs`: the client sees
     * `pause_publication`, the agent stops transmitting (buffering), then `start_publication`.
     */
    pausePublication: z
      .object({ afterMessages: z.number().int().min(1), durationMs: z.number().int().min(1).max(600_000) })
      .optional(),
  })
  .strict();

export type FaultPlan = z.infer<typeof FaultPlanSchema>;
export type FaultPlanInput = z.input<typeof FaultPlanSchema>;

/** What the session does when a fault asks for something beyond one frame. */
export interface FaultActions {
  /** Drop this websocket (abruptly or with a close frame). */
  drop(mode: 'terminate' | 'close'): void;
  expireToken(resume: 'succeed' | 'no-token' | 'error'): void;
  pausePublication(durationMs: number): void;
}

export interface FaultCounters {
  dropped: number;
  lost: number;
  delayed: number;
  reordered: number;
  duplicated: number;
  corrupted: number;
  tokensExpired: number;
  paused: number;
}

/** Per-session fault state that spans connections (seeded PRNG, how many drops already happened). */
export class FaultInjector {
  readonly plan: FaultPlan;
  readonly random: SeededRandom;
  dropsDone = 0;
  expiredDone = false;
  pauseDone = false;
  readonly counters: FaultCounters = {
    dropped: 0,
    lost: 0,
    delayed: 0,
    reordered: 0,
    duplicated: 0,
    corrupted: 0,
    tokensExpired: 0,
    paused: 0,
  };

  constructor(plan: FaultPlan) {
    this.plan = plan;
    this.random = new SeededRandom(plan.seed ?? 1);
  }

  /** Wraps one websocket's raw send in the fault pipeline. */
  connection(rawSend: (frame: Uint8Array) => void, actions: FaultActions): FaultyConnection {
    return new FaultyConnection(this, rawSend, actions);
  }
}

/** A connection whose outgoing frames pass through the fault plan. */
export class FaultyConnection implements FrameConnection {
  private streamFrames = 0;
  private held: Uint8Array | undefined;
  private heldTimer: ReturnType<typeof setTimeout> | undefined;
  private dropped = false;
  /** When the last delayed frame is due, so delays never reorder frames. */
  private lastDueMs = 0;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(
    private readonly injector: FaultInjector,
    private readonly rawSend: (frame: Uint8Array) => void,
    private readonly actions: FaultActions,
  ) {}

  send(frame: Uint8Array, info: FrameInfo): void {
    if (this.dropped) return;
    const plan = this.injector.plan;
    const rnd = this.injector.random;
    const counters = this.injector.counters;
    if (info.kind !== 'stream') {
      this.emit(frame);
      return;
    }
    this.streamFrames++;
    if (plan.loseProbability !== undefined && rnd.chance(plan.loseProbability)) {
      counters.lost++;
    } else {
      let out = frame;
      if (plan.corruptDigestProbability !== undefined && rnd.chance(plan.corruptDigestProbability)) {
        counters.corrupted++;
        out = frame.slice();
        out[80] = out[80]! ^ 0xff;
      }
      const duplicate = plan.duplicateProbability !== undefined && rnd.chance(plan.duplicateProbability);
      if (plan.reorderProbability !== undefined && this.held === undefined && rnd.chance(plan.reorderProbability)) {
        counters.reordered++;
        this.held = out;
        // Released after the next stream frame, or after 50 ms if nothing follows.
        this.heldTimer = setTimeout(() => this.releaseHeld(), 50);
      } else {
        this.emit(out);
        this.releaseHeld();
      }
      if (duplicate) {
        counters.duplicated++;
        this.emit(out);
      }
    }

    if (plan.expireToken && !this.injector.expiredDone && this.streamFrames >= plan.expireToken.afterMessages) {
      this.injector.expiredDone = true;
      counters.tokensExpired++;
      this.actions.expireToken(plan.expireToken.resume);
      this.dropNow(plan.dropMode ?? 'terminate');
      return;
    }
    if (plan.pausePublication && !this.injector.pauseDone && this.streamFrames >= plan.pausePublication.afterMessages) {
      this.injector.pauseDone = true;
      counters.paused++;
      this.actions.pausePublication(plan.pausePublication.durationMs);
    }
    const dropByCount =
      plan.dropAfterMessages !== undefined &&
      this.injector.dropsDone < (plan.dropTimes ?? 1) &&
      this.streamFrames >= plan.dropAfterMessages;
    const dropByChance = plan.dropProbability !== undefined && rnd.chance(plan.dropProbability);
    if (dropByCount || dropByChance) {
      if (dropByCount) this.injector.dropsDone++;
      this.dropNow(plan.dropMode ?? 'terminate');
    }
  }

  dispose(): void {
    this.dropped = true;
    if (this.heldTimer) clearTimeout(this.heldTimer);
    this.heldTimer = undefined;
    this.held = undefined;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private dropNow(mode: 'terminate' | 'close'): void {
    // Let frames already scheduled (delays) go first only if they are due now; a drop loses the rest.
    this.injector.counters.dropped++;
    this.dispose();
    this.actions.drop(mode);
  }

  private releaseHeld(): void {
    if (this.heldTimer) clearTimeout(this.heldTimer);
    this.heldTimer = undefined;
    const held = this.held;
    this.held = undefined;
    if (held) this.emit(held);
  }

  private emit(frame: Uint8Array): void {
    if (frame.length === 0 || this.dropped) return;
    const delay = this.injector.plan.delayMs;
    if (delay === undefined) {
      this.rawSend(frame);
      return;
    }
    const ms = typeof delay === 'number' ? delay : this.injector.random.int(delay.min, Math.max(delay.min, delay.max));
    const now = performance.now();
    const due = Math.max(now + ms, this.lastDueMs);
    this.lastDueMs = due;
    this.injector.counters.delayed++;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.dropped) this.rawSend(frame);
    }, due - now);
    this.timers.add(timer);
  }
}
