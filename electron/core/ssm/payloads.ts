/**
 * JSON and binary payloads carried inside ClientMessages (fact sheet §4, §6.3, §7.7): the client's view.
 * Incoming JSON is validated with zod; nothing here throws on bad input (parse* return undefined).
 */
import { z } from 'zod';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function jsonBytes(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(bytes)) as unknown;
  } catch {
    return undefined;
  }
}

// ---- acknowledge (§4.2) ----

export interface AcknowledgeContent {
  AcknowledgedMessageType: string;
  AcknowledgedMessageId: string;
  AcknowledgedMessageSequenceNumber: number;
  IsSequentialMessage: boolean;
}

/** Compact JSON in the key order Go emits (§3.5). */
export function ackPayload(type: string, messageId: string, sequenceNumber: number): Uint8Array {
  const content: AcknowledgeContent = {
    AcknowledgedMessageType: type,
    AcknowledgedMessageId: messageId,
    AcknowledgedMessageSequenceNumber: sequenceNumber,
    IsSequentialMessage: true,
  };
  return jsonBytes(content);
}

const ackSchema = z.object({ AcknowledgedMessageSequenceNumber: z.number().int() }).passthrough();

/** The acknowledged sequence number (receivers match only on it, §4.2), or undefined if malformed. */
export function parseAckSequence(payload: Uint8Array): number | undefined {
  const r = ackSchema.safeParse(parseJson(payload));
  return r.success ? r.data.AcknowledgedMessageSequenceNumber : undefined;
}

// ---- channel_closed (§4.3) ----

const channelClosedSchema = z
  .object({ SessionId: z.string().optional(), Output: z.string().optional(), MessageId: z.string().optional() })
  .passthrough();

export interface ChannelClosedInfo {
  sessionId?: string;
  /** Human-readable reason; empty for a normal end. */
  output: string;
}

/** Parse errors still end the session (§9.1): an unparsable payload gives an empty reason. */
export function parseChannelClosed(payload: Uint8Array): ChannelClosedInfo {
  const r = channelClosedSchema.safeParse(parseJson(payload));
  if (!r.success) return { output: '' };
  return { ...(r.data.SessionId ? { sessionId: r.data.SessionId } : {}), output: r.data.Output ?? '' };
}

// ---- handshake (§6.3) ----

export const ActionType = { SessionType: 'SessionType', KMSEncryption: 'KMSEncryption' } as const;
export const ActionStatus = { Success: 1, Failed: 2, Unsupported: 3 } as const;

const requestedActionSchema = z.object({
  ActionType: z.string(),
  ActionParameters: z.unknown().optional(),
});

const handshakeRequestSchema = z.object({
  AgentVersion: z.string().optional().default(''),
  RequestedClientActions: z.array(requestedActionSchema).nullable().optional(),
});

export const sessionTypeParamsSchema = z.object({
  SessionType: z.string(),
  Properties: z.unknown().optional(),
});

export const kmsParamsSchema = z.object({
  KMSKeyId: z.string().min(1),
  Challenge: z.string().optional(),
});

export interface HandshakeRequest {
  agentVersion: string;
  actions: { type: string; parameters: unknown }[];
}

export function parseHandshakeRequest(payload: Uint8Array): HandshakeRequest | undefined {
  const r = handshakeRequestSchema.safeParse(parseJson(payload));
  if (!r.success) return undefined;
  return {
    agentVersion: r.data.AgentVersion,
    actions: (r.data.RequestedClientActions ?? []).map((a) => ({ type: a.ActionType, parameters: a.ActionParameters })),
  };
}

export interface ProcessedClientAction {
  ActionType: string;
  ActionStatus: number;
  ActionResult: unknown;
  Error: string;
}

export function handshakeResponsePayload(
  clientVersion: string,
  actions: ProcessedClientAction[],
  errors: string[],
): Uint8Array {
  return jsonBytes({
    ClientVersion: clientVersion,
    ProcessedClientActions: actions,
    Errors: errors.length > 0 ? errors : null,
  });
}

const handshakeCompleteSchema = z
  .object({ HandshakeTimeToComplete: z.number().optional(), CustomerMessage: z.string().optional() })
  .passthrough();

export function parseHandshakeComplete(payload: Uint8Array): { customerMessage: string } | undefined {
  const r = handshakeCompleteSchema.safeParse(parseJson(payload));
  return r.success ? { customerMessage: r.data.CustomerMessage ?? '' } : undefined;
}

const challengeSchema = z.object({ Challenge: z.string() });

export function parseChallenge(payload: Uint8Array): Uint8Array | undefined {
  const r = challengeSchema.safeParse(parseJson(payload));
  if (!r.success) return undefined;
  return new Uint8Array(Buffer.from(r.data.Challenge, 'base64'));
}

export function challengePayload(challenge: Uint8Array): Uint8Array {
  return jsonBytes({ Challenge: Buffer.from(challenge).toString('base64') });
}

// ---- size (§7.2), flags (§7.7), exit code (§3.3) ----

export function sizePayload(cols: number, rows: number): Uint8Array {
  return jsonBytes({ cols, rows });
}

export const FlagValue = { DisconnectToPort: 1, TerminateSession: 2, ConnectToPortError: 3 } as const;

export function flagPayload(flag: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, flag);
  return out;
}

export function parseFlag(payload: Uint8Array): number | undefined {
  if (payload.length !== 4) return undefined;
  return new DataView(payload.buffer, payload.byteOffset, 4).getUint32(0);
}

/** `EXIT_CODE: <n>` (PT 12); tolerant of surrounding whitespace. */
export function parseExitCode(payload: Uint8Array): number | undefined {
  const m = /^\s*EXIT_CODE:\s*(-?\d+)\s*$/.exec(decoder.decode(payload));
  return m ? Number(m[1]) : undefined;
}
