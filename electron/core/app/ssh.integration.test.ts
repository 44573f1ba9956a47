/**
 * The real OpenSSH client reads what we write: `ssh -G` (print the resolved configuration, connect nowhere) on the
 * config block and on the inline -o form the terminal runs. ssh is one of the suite's real peers (see the
 * ssh-proxy real-peer test).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sshConfigBlock, terminalPlan } from './ssh';

const ID = 'i-0123456789abcdef0';
const cli = ['node', "/home/o'brien/my porthole/bin/porthole.mjs"];

function resolved(args: string[]): Map<string, string> {
  const out = execFileSync('ssh', ['-G', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const map = new Map<string, string>();
  for (const line of out.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) map.set(line.slice(0, space), line.slice(space + 1));
  }
  return map;
}

describe('ssh reads the block and the inline command', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('the ~/.ssh/config block: both aliases resolve to the instance id, user and ProxyCommand as written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssh-config-'));
    dirs.push(dir);
    const block = sshConfigBlock(
      { profile: '本番', region: 'ap-northeast-1', target: ID, name: 'Web サーバー 1', user: 'ubuntu' },
      { cli, endpointUrl: 'http://127.0.0.1:4566' },
    );
    const file = join(dir, 'config');
    writeFileSync(file, block.text);
    for (const alias of block.aliases) {
      const config = resolved(['-F', file, alias]);
      expect(config.get('hostname')).toBe(ID);
      expect(config.get('user')).toBe('ubuntu');
      expect(config.get('proxycommand')).toBe(block.proxyCommand);
    }
    expect(block.aliases).toEqual(['web-1', ID]);
  });

  it('the inline form the terminal runs gives ssh the same ProxyCommand', () => {
    const plan = terminalPlan(
      { profile: 'demo', region: 'us-east-1', target: ID },
      { cli, platform: 'linux', has: () => true },
    );
    const config = resolved(['-F', '/dev/null', ...plan.ssh.slice(1)]);
    expect(config.get('hostname')).toBe(ID);
    expect(config.get('user')).toBe('ec2-user');
    expect(config.get('proxycommand')).toBe(
      `node '/home/o'\\''brien/my porthole/bin/porthole.mjs' ssh-proxy %h %p --profile demo --region us-east-1`,
    );
  });
});
