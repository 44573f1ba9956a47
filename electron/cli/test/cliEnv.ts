import { join } from 'node:path';

/**
 * The environment a `porthole` child process gets in the CLI tests: the emulator's test/test keys, no AWS config
 * files of the user (both point at a missing file in `home`), no instance metadata look-ups.
 */
export function emulatorCliEnv(home: string, region: string, endpointUrl?: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: region,
    ...(endpointUrl ? { AWS_ENDPOINT_URL: endpointUrl } : {}),
    AWS_CONFIG_FILE: join(home, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
