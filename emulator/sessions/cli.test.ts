/**
 * The official AWS CLI v2 (/usr/bin/aws) against the emulator's session APIs. The session-manager-plugin binary
 * cannot be had here, so: without it, the CLI calls StartSession, then TerminateSession itself (asserted);
 * with a stand-in that records its arguments, we see exactly what the CLI hands to the plugin.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type RequestLogEntry } from '../server';
import { sessionsPlugin } from './install';
import type { SessionService } from './service';

const AWS_CLI = '/usr/bin/aws';
const TARGET = 'i-0a1b2c3d4e5f60001';

let emulator: Emulator;
let service: SessionService;
let home: string;
const requests: RequestLogEntry[] = [];

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function aws(args: string[], path = '/usr/bin:/bin'): Promise<CliResult> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k, v]) => v !== undefined && !k.startsWith('AWS_')),
  ) as Record<string, string>;
  return new Promise((resolve) => {
    execFile(
      AWS_CLI,
      ['--endpoint-url', emulator.url, '--output', 'json', ...args],
      {
        env: {
          ...base,
          PATH: path,
          HOME: home,
          LANG: 'C.UTF-8',
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_DEFAULT_REGION: 'us-east-1',
          AWS_CONFIG_FILE: join(home, 'config'),
          AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
          AWS_PAGER: '',
          AWS_EC2_METADATA_DISABLED: 'true',
        },
        timeout: 60_000,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'porthole-cli-sessions-'));
  await writeFile(join(home, 'config'), '');
  await writeFile(join(home, 'credentials'), '');
  emulator = await createEmulator({
    plugins: [sessionsPlugin({ pacing: false }, (s) => (service = s))],
    onRequest: (e) => requests.push(e),
  });
});

afterAll(async () => {
  await emulator.close();
  await rm(home, { recursive: true, force: true });
});

describe('AWS CLI v2 start-session', () => {
  it('reaches StartSession and, with no plugin installed, terminates the session itself', async () => {
    requests.length = 0;
    const result = await aws(['ssm', 'start-session', '--target', TARGET]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('SessionManagerPlugin is not found');
    expect(requests.map((r) => [r.operation, r.status])).toEqual([
      ['StartSession', 200],
      ['TerminateSession', 200],
    ]);
    const sessions = service.snapshot();
    const session = sessions[sessions.length - 1]!;
    expect(session.terminateRequested).toBe(true);
    expect(session.status).toBe('Terminated');

    const history = await aws(['ssm', 'describe-sessions', '--state', 'History']);
    expect(history.code).toBe(0);
    const parsed = JSON.parse(history.stdout) as { Sessions: { SessionId: string; Status: string; Target: string }[] };
    expect(parsed.Sessions.find((s) => s.SessionId === session.sessionId)).toMatchObject({
      Status: 'Terminated',
      Target: TARGET,
    });
  });

  it('hands the plugin the StartSession response, region, operation, parameters and endpoint', async () => {
    const bin = await mkdtemp(join(tmpdir(), 'porthole-fake-plugin-'));
    const record = join(bin, 'argv.txt');
    try {
      // A stand-in that only records its arguments, one per line (the JSON arguments are single-line).
      await writeFile(join(bin, 'session-manager-plugin'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}'\n`);
      await chmod(join(bin, 'session-manager-plugin'), 0o755);
      const result = await aws(
        [
          'ssm',
          'start-session',
          '--target',
          TARGET,
          '--document-name',
          'AWS-StartInteractiveCommand',
          '--parameters',
          '{"command":["echo 日本"]}',
        ],
        `${bin}:/usr/bin:/bin`,
      );
      expect(result.code).toBe(0);
      const argv = (await readFile(record, 'utf8')).split('\n');
      const response = JSON.parse(argv[0]!) as Record<string, unknown>;
      expect(response.SessionId).toMatch(/^porthole-demo-[0-9a-f]{17}$/);
      expect(typeof response.TokenValue).toBe('string');
      expect(response.StreamUrl).toBe(
        `ws://127.0.0.1:${emulator.port}/v1/data-channel/${String(response.SessionId)}?role=publish_subscribe`,
      );
      expect(argv[1]).toBe('us-east-1');
      expect(argv[2]).toBe('StartSession');
      expect(argv[3]).toBe('');
      expect(JSON.parse(argv[4]!)).toEqual({
        Target: TARGET,
        DocumentName: 'AWS-StartInteractiveCommand',
        Parameters: { command: ['echo 日本'] },
      });
      expect(argv[5]).toBe(emulator.url);
      // The session is live and waiting for the plugin's websocket.
      const active = await aws(['ssm', 'describe-sessions', '--state', 'Active']);
      const sessions = (
        JSON.parse(active.stdout) as { Sessions: { SessionId: string; Status: string; Owner: string }[] }
      ).Sessions;
      expect(sessions.find((s) => s.SessionId === response.SessionId)).toMatchObject({
        Status: 'Connecting',
        Owner: 'arn:aws:iam::123456789012:user/porthole-demo',
      });
      const terminated = await aws(['ssm', 'terminate-session', '--session-id', String(response.SessionId)]);
      expect(JSON.parse(terminated.stdout)).toEqual({ SessionId: response.SessionId });
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  });

  it('returns TargetNotConnected to the CLI for an offline instance', async () => {
    const result = await aws(['ssm', 'start-session', '--target', 'i-0a1b2c3d4e5f60008']);
    expect(result.code).toBe(254);
    expect(result.stderr).toContain(
      'An error occurred (TargetNotConnected) when calling the StartSession operation: i-0a1b2c3d4e5f60008 is not connected.',
    );
  });
});
