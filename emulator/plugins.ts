import type { EmulatorPlugin } from './server';

/**
 * Extensions the `npm run emulator` program installs (tests and benches pass their own to createEmulator).
 * The sessions side (emulator/sessions) adds its installer here: StartSession/KMS operations and the
 * `/v1/data-channel/` upgrade handler.
 */
export function emulatorPlugins(): EmulatorPlugin[] {
  return [];
}
