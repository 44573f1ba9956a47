import type { z } from 'zod';
import { contract, type Contract, type EventChannel, type InvokeChannel, type SendChannel } from './contract';

/** The shape every contract has: three maps of channel name -> zod schema(s). */
export interface ContractShape {
  readonly invoke: Readonly<Record<string, { readonly request: z.ZodType; readonly response: z.ZodType }>>;
  readonly send: Readonly<Record<string, z.ZodType>>;
  readonly events: Readonly<Record<string, z.ZodType>>;
}

export interface ChannelList<C extends ContractShape> {
  readonly invoke: readonly (keyof C['invoke'] & string)[];
  readonly send: readonly (keyof C['send'] & string)[];
  readonly events: readonly (keyof C['events'] & string)[];
}

/** The channel names of a contract, derived from its keys (never written by hand). */
export function channelsOf<C extends ContractShape>(c: C): ChannelList<C> {
  return Object.freeze({
    invoke: Object.freeze(Object.keys(c.invoke)) as (keyof C['invoke'] & string)[],
    send: Object.freeze(Object.keys(c.send)) as (keyof C['send'] & string)[],
    events: Object.freeze(Object.keys(c.events)) as (keyof C['events'] & string)[],
  });
}

/** The channels of the Porthole contract: what the preload forwards and the hosts dispatch. */
export const CHANNELS: ChannelList<Contract> = channelsOf(contract);

function has(list: readonly string[], value: unknown): boolean {
  return typeof value === 'string' && list.includes(value);
}

export const isInvokeChannel = (value: unknown): value is InvokeChannel => has(CHANNELS.invoke, value);
export const isSendChannel = (value: unknown): value is SendChannel => has(CHANNELS.send, value);
export const isEventChannel = (value: unknown): value is EventChannel => has(CHANNELS.events, value);

/**
 * The three Electron IPC transport channels. Contract channel names travel inside the message, so
 * main sees (and refuses) a non-contract name instead of it silently having no listener.
 */
export const ELECTRON_IPC = {
  invoke: 'porthole:invoke',
  send: 'porthole:send',
  event: 'porthole:event',
} as const;
