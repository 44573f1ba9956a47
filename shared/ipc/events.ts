import type { z } from 'zod';
import type { ContractShape } from './channels';
import { describeIssues, type IpcLogger } from './validation';

/** Receives validated events; `channel` is always a contract event channel. */
export type EventSink = (channel: string, payload: unknown) => void;

export interface EventHub<C extends ContractShape> {
  /**
   * Validates `payload` against the channel's schema and delivers it to the subscribers: to all of
   * them, or only to the client `target` when given. Returns false (and logs) when it was dropped.
   */
  emit<E extends keyof C['events'] & string>(channel: E, payload: z.input<C['events'][E]>, target?: string): boolean;
  /** Subscribes a sink; a sink with a `clientId` also receives events targeted at that client. */
  subscribe(sink: EventSink, options?: { readonly clientId?: string }): () => void;
}

/** The main -> renderer event fan-out shared by every transport (Electron window, web host sockets, memory bridge). */
export function createEventHub<C extends ContractShape>(contract: C, logger?: IpcLogger): EventHub<C> {
  const sinks = new Map<EventSink, string | undefined>();
  return {
    emit(channel, payload, target) {
      if (!Object.prototype.hasOwnProperty.call(contract.events, channel)) {
        logger?.error('ipc event dropped: not a contract event channel', { channel: String(channel) });
        return false;
      }
      const schema = contract.events[channel] as z.ZodType;
      const parsed = schema.safeParse(payload);
      if (!parsed.success) {
        logger?.error('ipc event dropped: payload does not match the contract', {
          channel,
          detail: describeIssues(parsed.error.issues),
        });
        return false;
      }
      for (const [sink, clientId] of [...sinks]) {
        if (target !== undefined && clientId !== target) continue;
        try {
          sink(channel, parsed.data);
        } catch (e) {
          logger?.error('ipc event sink failed', { channel, error: e instanceof Error ? e.name : typeof e });
        }
      }
      return true;
    },
    subscribe(sink, options) {
      sinks.set(sink, options?.clientId);
      return () => {
        sinks.delete(sink);
      };
    },
  };
}
