import { z } from 'zod';
import { ERROR_CODES } from '../errors';

/**
 * The web host's websocket frames (JSON text). Contract channels and payloads travel inside them and
 * are validated by the dispatcher; these schemas only check the envelope.
 */
const RequestId = z.union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string().min(1).max(64)]);
const ChannelName = z.string().min(1).max(128);

export const ClientFrameSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('invoke'), id: RequestId, channel: ChannelName, payload: z.unknown() }).strict(),
  z.object({ t: z.literal('send'), channel: ChannelName, payload: z.unknown() }).strict(),
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;

const ErrorResult = z.object({
  ok: z.literal(false),
  code: z.enum(ERROR_CODES),
  message: z.string(),
  params: z.record(z.string(), z.string()).optional(),
});
const ResultSchema = z.union([z.object({ ok: z.literal(true), value: z.unknown() }), ErrorResult]);

export const ServerFrameSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('result'), id: RequestId, result: ResultSchema }),
  z.object({ t: z.literal('event'), channel: ChannelName, payload: z.unknown() }),
  /** A frame the host could not use (not JSON, wrong envelope, too large); `id` when it could be read. */
  z.object({ t: z.literal('error'), id: RequestId.optional(), error: ErrorResult }),
]);
export type ServerFrame = z.infer<typeof ServerFrameSchema>;

/** Largest websocket message either side accepts. */
export const MAX_FRAME_BYTES = 1024 * 1024;

/** The websocket path and the query parameter carrying the per-launch token. */
export const WIRE_PATH = '/ipc';
export const WIRE_TOKEN_PARAM = 'token';

/** Reads the request id of a frame whose envelope is invalid, so its invoke can still be answered. */
export function salvageId(value: unknown): z.infer<typeof RequestId> | undefined {
  if (typeof value !== 'object' || value === null || !('id' in value)) return undefined;
  const parsed = RequestId.safeParse((value as { id: unknown }).id);
  return parsed.success ? parsed.data : undefined;
}
