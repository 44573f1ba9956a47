import { z } from 'zod';
import { InstanceSchema, ProfileSchema } from '../model/instance';

/**
 * The one IPC contract. Every channel name and payload shape is written here and nowhere else.
 * - invoke: request/response (renderer -> main), answered with a Result value.
 * - send: fire-and-forget hot path (renderer -> main).
 * - events: main -> renderer.
 */
export const contract = {
  invoke: {
    'app.info': {
      request: z.object({}).strict(),
      response: z.object({
        version: z.string(),
        host: z.enum(['electron', 'web']),
        /** The AWS endpoint override in use (the emulator in the demo), if any. */
        endpointUrl: z.string().optional(),
      }),
    },
    'profiles.list': {
      request: z.object({}).strict(),
      response: z.object({
        profiles: z.array(ProfileSchema),
        defaultProfile: z.string().optional(),
        defaultRegion: z.string().optional(),
      }),
    },
    'regions.list': {
      request: z.object({ profile: z.string().min(1).max(256) }).strict(),
      response: z.object({ regions: z.array(z.string()) }),
    },
    'inventory.list': {
      request: z
        .object({
          profile: z.string().min(1).max(256),
          region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/),
        })
        .strict(),
      response: z.object({ instances: z.array(InstanceSchema), fetchedAt: z.string() }),
    },
  },
  send: {},
  events: {},
} as const;

export type Contract = typeof contract;
export type InvokeChannel = keyof Contract['invoke'];
export type SendChannel = keyof Contract['send'];
export type EventChannel = keyof Contract['events'];

export type InvokeRequest<C extends InvokeChannel> = z.input<Contract['invoke'][C]['request']>;
export type InvokeResponse<C extends InvokeChannel> = z.output<Contract['invoke'][C]['response']>;
