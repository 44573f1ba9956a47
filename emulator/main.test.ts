/** The `npm run emulator` program: readiness line, argument errors, clean shutdown. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const children: ChildProcess[] = [];

function start(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', () => {
      const line = stdout.split('\n').find((l) => l.startsWith('listening on '));
      if (line) resolve(line);
    });
    void exited.then((code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
  ready.catch(() => undefined); // awaited only by tests that expect readiness
  return { child, ready, exited, output: () => ({ stdout, stderr }) };
}

afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

describe('emulator main', () => {
  it('prints the readiness line, answers on 127.0.0.1 and exits 0 on SIGTERM', async () => {
    const run = start(['--port', '0', '--generate', '40']);
    const line = await run.ready;
    expect(line).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    const url = line.slice('listening on '.length);
    // Unsigned requests are refused the way SSM refuses them.
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonSSM.DescribeInstanceInformation',
      },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('accepts only the credentials given with --access-key/--secret-key', async () => {
    const run = start([
      '--port',
      '0',
      '--generate',
      '10',
      '--access-key',
      'AKIAPORTHOLETEST0001',
      '--secret-key',
      's3cr3t',
    ]);
    const url = (await run.ready).slice('listening on '.length);
    const client = (accessKeyId: string, secretAccessKey: string) =>
      new STSClient({
        endpoint: url,
        region: 'eu-west-1',
        credentials: { accessKeyId, secretAccessKey },
        maxAttempts: 1,
      });
    const good = client('AKIAPORTHOLETEST0001', 's3cr3t');
    const old = client('test', 'test');
    try {
      expect((await good.send(new GetCallerIdentityCommand({}))).Account).toBe('123456789012');
      await expect(old.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
    } finally {
      good.destroy();
      old.destroy();
    }
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.output().stdout).not.toContain('s3cr3t');
    expect(run.output().stderr).not.toContain('s3cr3t');
  });

  it('exits 2 with a usage message on bad arguments or an unreadable fleet', async () => {
    const noPort = start([]);
    expect(await noPort.exited).toBe(2);
    expect(noPort.output().stderr).toContain('--port is required');
    expect(noPort.output().stderr).toContain('usage: npm run emulator');

    const badFleet = start(['--port', '0', '--fleet', '/nonexistent/fleet.json']);
    expect(await badFleet.exited).toBe(2);
    expect(badFleet.output().stderr).toContain('cannot read fleet file /nonexistent/fleet.json');
  });
});
