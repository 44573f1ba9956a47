import type { EmulatorPlugin } from './server';
import { sessionsPlugin } from './sessions/install';

export interface EmulatorPluginOptions {
  /** Agent output pacing (1 s before the first read, 1 ms per 1024-byte message); default on. */
  pacing?: boolean;
}

/**
 * Extensions the `npm run emulator` program installs (tests and benches pass their own to createEmulator).
 * The sessions side (emulator/sessions): StartSession/ResumeSession/TerminateSession/DescribeSessions, KMS
 * GenerateDataKey, the `/v1/data-channel/` upgrade handler and the `/_emulator/` admin endpoints.
 */
export function emulatorPlugins(options: EmulatorPluginOptions = {}): EmulatorPlugin[] {
  return [sessionsPlugin({ pacing: options.pacing ?? true })];
}
