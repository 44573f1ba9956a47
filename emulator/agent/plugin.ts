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
  /**
   * Sends one stream message at once, outside the output queue and its chunking (e.g. a Flag, which must not be
   * merged with a neighbour). Never encrypted by the session: only Output/StdErr/ExitCode are (§6.6).
   */
  sendNow(payloadType: number, data: Uint8Array): void;
  /** The handler answered "not ready" earlier and can take input again: re-run buffered input now. */
  inputReady(): void;
  /** The client's version (HandshakeResponse `ClientVersion`, else the OpenDataChannelInput's); may be empty. */
  readonly clientVersion: string;
}

/** How the session's output pump treats a plugin's output. */
export interface PluginOutputOptions {
  /** Raw bytes (TCP, smux): chunks are cut at 1024 bytes exactly, never held back for UTF-8. */
  binary?: boolean;
  /** Overrides the session's wait before the first read (the 1 s wait belongs to the shell plugins). */
  startDelayMs?: number;
}

/** One session type's behaviour on the agent (shell, command, port...). */
export interface SessionPlugin {
  /** Whether the session type itself asks for a handshake (§6.1). */
  readonly requiresHandshake: boolean;
  /** `Properties` sent in the SessionType handshake action (null for shells and commands). */
  readonly handshakeProperties: unknown;
  readonly outputOptions?: PluginOutputOptions;
  start(context: PluginContext): void;
  /** An in-order input_stream_data message, payload already decrypted. */
  handleInput(message: ClientMessage, payload: Uint8Array): HandlerResult;
  /** Back-pressure from the output pump: stop / resume reading the source. */
  pauseSource(paused: boolean): void;
  /** Kills whatever runs; idempotent. */
  dispose(): void;
}
