import type { Result } from '../errors';
import type { Contract, EventChannel, InvokeChannel, InvokeRequest, InvokeResponse, SendChannel } from './contract';
import type { z } from 'zod';

export type SendPayload<C extends SendChannel> = z.input<Contract['send'][C]>;
export type EventPayload<C extends EventChannel> = z.output<Contract['events'][C]>;

/**
 * What the renderer sees as `window.porthole`, derived from the contract. The Electron preload,
 * the web host's websocket client and the in-memory test bridge all implement it.
 */
export interface PortholeBridge {
  invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<Result<InvokeResponse<C>>>;
  send<C extends SendChannel>(channel: C, payload: SendPayload<C>): void;
  on<C extends EventChannel>(channel: C, listener: (payload: EventPayload<C>) => void): () => void;
}
