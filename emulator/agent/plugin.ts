import type { ClientMessage } from '../../electron/core/ssm/message';
import type { HandlerResult } from './channel';

/** How a session plugin ended. `reason` becomes the channel_closed Output the client prints. */
export type PluginOutcome = { ok: true } | { ok: false; reason: string };

/** What a plugin may do with its session. */
export interface PluginContext {
  /** Queue output (paced, chunked, UTF-8 safe); payload encryption is applied by the session. */
  output(payloadType: number, data: Uint8Array): void;
  /** The plugin's source ended; the session drains the output, then closes the channel. */
  finish(outcome: PluginOutcome): void;
}

/** One session type's behaviour on the agent (shell, command, port...). */
export interface SessionPlugin {
  /** Whether the session type itself asks for a handshake (§6.1). */
  readonly requiresHandshake: boolean;
  /** `Properties` sent in the SessionType handshake action (null for shells and commands). */
  readonly handshakeProperties: unknown;
  start(context: PluginContext): void;
  /** An in-order input_stream_data message, payload already decrypted. */
  handleInput(message: ClientMessage, payload: Uint8Array): HandlerResult;
  /** Back-pressure from the output pump: stop / resume reading the source. */
  pauseSource(paused: boolean): void;
  /** Kills whatever runs; idempotent. */
  dispose(): void;
}
