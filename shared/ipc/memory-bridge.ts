import type { Result } from '../errors';
import type { PortholeBridge } from './bridge';
import type { Contract } from './contract';
import type { Dispatcher, SenderInfo } from './dispatch';

/** What crosses a real boundary is data: JSON round-trip like the websocket does. */
function acrossBoundary<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

export interface MemoryBridge extends PortholeBridge {
  /** Unsubscribes every listener this bridge registered. */
  dispose(): void;
}

let nextClient = 0;

/**
 * A `PortholeBridge` that runs the real dispatcher in-process: the same channel check, sender check,
 * payload and response validation as Electron and the web host. For renderer and handler tests.
 */
export function createMemoryBridge(
  dispatcher: Dispatcher<Contract>,
  sender: SenderInfo = { url: 'memory://porthole', clientId: `memory-${++nextClient}` },
): MemoryBridge {
  const unsubscribers = new Set<() => void>();
  const bridge: MemoryBridge = {
    async invoke(channel, request) {
      const result = await dispatcher.dispatch(channel, acrossBoundary(request), sender);
      return acrossBoundary(result) as Result<never>;
    },
    send(channel, payload) {
      void dispatcher.dispatchSend(channel, acrossBoundary(payload), sender);
    },
    on(channel, listener) {
      const unsubscribe = dispatcher.events.subscribe(
        (name, payload) => {
          if (name === channel) listener(acrossBoundary(payload) as Parameters<typeof listener>[0]);
        },
        sender.clientId === undefined ? undefined : { clientId: sender.clientId },
      );
      unsubscribers.add(unsubscribe);
      return () => {
        unsubscribers.delete(unsubscribe);
        unsubscribe();
      };
    },
    dispose() {
      for (const unsubscribe of [...unsubscribers]) unsubscribe();
      unsubscribers.clear();
    },
  };
  return bridge;
}
