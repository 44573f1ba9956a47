import type { z } from 'zod';
import { t } from '../i18n/catalog';
import { ERROR_CODES, PortholeError, err, ok, type ErrorCode, type Result } from '../errors';
import { channelsOf, type ChannelList, type ContractShape } from './channels';
import { contract, type Contract } from './contract';
import { createEventHub, type EventHub } from './events';
import { describeChannel, describeIssues, scrubSecrets, type IpcLogger } from './validation';

/** Who sent a request: the URL of the sending frame or the origin of the websocket, and a client id. */
export interface SenderInfo {
  readonly url: string;
  /** Identifies one renderer (window or websocket connection); events can be targeted at it. */
  readonly clientId?: string;
}

export interface HandlerContext {
  readonly sender: SenderInfo;
}

type MaybePromise<T> = T | Promise<T>;

export type InvokeHandlersOf<C extends ContractShape> = {
  readonly [K in keyof C['invoke']]: (
    request: z.output<C['invoke'][K]['request']>,
    context: HandlerContext,
  ) => MaybePromise<z.input<C['invoke'][K]['response']>>;
};

export type SendHandlersOf<C extends ContractShape> = {
  readonly [K in keyof C['send']]: (payload: z.output<C['send'][K]>, context: HandlerContext) => MaybePromise<void>;
};

/** One handler per contract channel: leaving one out is a compile error. */
export interface HandlersOf<C extends ContractShape> {
  readonly invoke: InvokeHandlersOf<C>;
  readonly send: SendHandlersOf<C>;
}

export type Handlers = HandlersOf<Contract>;

/** A refused or failed `send`, reported because there is no reply to carry it. */
export interface SendRejection {
  readonly channel: string;
  readonly code: ErrorCode;
  readonly message: string;
  readonly sender: SenderInfo;
}

export interface DispatcherOptions<C extends ContractShape> {
  /** Decides whether a request may reach a handler at all (our window, our origin). */
  isTrustedSender(sender: SenderInfo): boolean;
  logger?: IpcLogger;
  /** The event fan-out; one is created when not given. */
  events?: EventHub<C>;
  onDidRejectSend?: (rejection: SendRejection) => void;
}

export interface Dispatcher<C extends ContractShape> {
  readonly channels: ChannelList<C>;
  readonly events: EventHub<C>;
  /** Runs an invoke request from an untrusted renderer. Never throws; the result is a value. */
  dispatch(channel: unknown, payload: unknown, sender: SenderInfo): Promise<Result<unknown>>;
  /** Runs a fire-and-forget message. Never throws; refusals go to the logger and `onDidRejectSend`. */
  dispatchSend(channel: unknown, payload: unknown, sender: SenderInfo): Promise<Result<void>>;
  /** Sends a typed, validated event to the renderers (all, or the client `target`). */
  emit: EventHub<C>['emit'];
}

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

function isPortholeError(e: unknown): e is PortholeError {
  return e instanceof PortholeError && KNOWN_CODES.has(e.code);
}

function own(map: object, key: unknown): key is string {
  return typeof key === 'string' && Object.prototype.hasOwnProperty.call(map, key);
}

/** The Porthole dispatcher: the contract from shared/ipc/contract.ts with its handler map. */
export function createDispatcher(handlers: Handlers, options: DispatcherOptions<Contract>): Dispatcher<Contract> {
  return createContractDispatcher(contract, handlers, options);
}

/** The dispatch logic for any contract (tests use small contracts of their own). */
export function createContractDispatcher<C extends ContractShape>(
  c: C,
  handlers: HandlersOf<C>,
  options: DispatcherOptions<C>,
): Dispatcher<C> {
  const logger = options.logger;
  const events = options.events ?? createEventHub(c, logger);
  const channels = channelsOf(c);

  /** Turns whatever a handler threw into a value that is safe to show the renderer. */
  function failure(channel: string, e: unknown): Result<never> {
    if (isPortholeError(e)) return e.params ? err(e.code, e.message, { ...e.params }) : err(e.code, e.message);
    const error = e instanceof Error ? e : undefined;
    logger?.error('ipc handler failed', {
      channel,
      error: error?.name ?? typeof e,
      message: scrubSecrets(error?.message ?? String(e)),
      // Stack frames only: code locations, never the message's data.
      stack: error?.stack?.split('\n').slice(1).join('\n'),
    });
    return internal(channel);
  }

  function internal(channel: string): Result<never> {
    const detail = `the "${channel}" request failed unexpectedly (details are in the log)`;
    return err('INTERNAL', t('error.INTERNAL', { detail }), { detail });
  }

  function refuseSender(channel: string, sender: SenderInfo): Result<never> {
    logger?.warn('ipc request from an untrusted sender refused', { channel, sender: describeChannel(sender.url) });
    return err('FORBIDDEN_SENDER', t('error.FORBIDDEN_SENDER'));
  }

  function unknownChannel(kind: 'invoke' | 'send', channel: unknown): Result<never> {
    const name = describeChannel(channel);
    return err('UNKNOWN_CHANNEL', t('error.UNKNOWN_CHANNEL', { channel: name }), { channel: name, kind });
  }

  function badPayload(channel: string, issues: z.core.$ZodIssue[]): Result<never> {
    const detail = describeIssues(issues);
    return err('BAD_PAYLOAD', t('error.BAD_PAYLOAD', { channel, detail }), { channel, detail });
  }

  function safeTrust(sender: SenderInfo): boolean {
    try {
      return typeof sender?.url === 'string' && options.isTrustedSender(sender);
    } catch {
      return false;
    }
  }

  async function dispatch(channel: unknown, payload: unknown, sender: SenderInfo): Promise<Result<unknown>> {
    if (!own(c.invoke, channel)) return unknownChannel('invoke', channel);
    if (!safeTrust(sender)) return refuseSender(channel, sender);
    const schemas = c.invoke[channel]!;
    const request = schemas.request.safeParse(payload);
    if (!request.success) return badPayload(channel, request.error.issues);
    const handler = (handlers.invoke as Record<string, (req: unknown, ctx: HandlerContext) => unknown>)[channel];
    if (typeof handler !== 'function') return internal(channel);
    let value: unknown;
    try {
      value = await handler(request.data, { sender });
    } catch (e) {
      return failure(channel, e);
    }
    const response = schemas.response.safeParse(value);
    if (!response.success) {
      logger?.error('ipc response does not match the contract', {
        channel,
        detail: describeIssues(response.error.issues),
      });
      return internal(channel);
    }
    return ok(response.data);
  }

  async function dispatchSend(channel: unknown, payload: unknown, sender: SenderInfo): Promise<Result<void>> {
    const result = await runSend(channel, payload, sender);
    if (!result.ok) {
      const name = describeChannel(channel);
      logger?.warn('ipc send dropped', { channel: name, code: result.code, message: result.message });
      try {
        options.onDidRejectSend?.({ channel: name, code: result.code, message: result.message, sender });
      } catch {
        // A failing reporter must not break the dispatcher.
      }
    }
    return result;
  }

  async function runSend(channel: unknown, payload: unknown, sender: SenderInfo): Promise<Result<void>> {
    if (!own(c.send, channel)) return unknownChannel('send', channel);
    if (!safeTrust(sender)) return refuseSender(channel, sender);
    const parsed = c.send[channel]!.safeParse(payload);
    if (!parsed.success) return badPayload(channel, parsed.error.issues);
    const handler = (handlers.send as Record<string, (p: unknown, ctx: HandlerContext) => unknown>)[channel];
    if (typeof handler !== 'function') return internal(channel);
    try {
      await handler(parsed.data, { sender });
    } catch (e) {
      return failure(channel, e);
    }
    return ok(undefined);
  }

  return { channels, events, dispatch, dispatchSend, emit: events.emit };
}
