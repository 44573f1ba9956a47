#!/usr/bin/env node
// Makes sure the Debian packages the test suite needs are present. With --install, installs missing ones with
// apt-get (needs root); without it, only reports. Used by `npm test` (pretest) and .ci/run.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const required = [
  { pkg: 'chromium', file: process.env.PORTHOLE_CHROMIUM ?? '/usr/bin/chromium', why: 'browser (e2e) tests' },
  { pkg: 'awscli', file: '/usr/bin/aws', why: 'AWS CLI v2 compatibility tests' },
  {
    pkg: 'fonts-noto-cjk',
    file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
    why: 'Japanese text in browser screenshots',
  },
  {
    pkg: 'openssh-client',
    file: '/usr/bin/ssh',
    why: 'real-peer tunnel tests (ssh and scp through porthole ssh-proxy)',
  },
  { pkg: 'openssh-server', file: '/usr/sbin/sshd', why: 'real-peer tunnel tests (a private sshd on loopback)' },
  { pkg: 'xrdp', file: '/usr/sbin/xrdp', why: 'real-peer tunnel tests (an RDP server on loopback)' },
  {
    pkg: 'freerdp2-x11',
    file: '/usr/bin/xfreerdp',
    why: 'real-peer tunnel tests (xfreerdp /auth-only through a tunnel)',
  },
  { pkg: 'xvfb', file: '/usr/bin/xvfb-run', why: 'real-peer tunnel tests (xfreerdp under a virtual X display)' },
];

const missing = required.filter((r) => !existsSync(r.file));
if (missing.length === 0) process.exit(0);

const install = process.argv.includes('--install');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!install || !isRoot) {
  for (const m of missing) console.error(`missing ${m.file} (Debian package "${m.pkg}", needed for the ${m.why})`);
  console.error(`install with: sudo apt-get install -y ${missing.map((m) => m.pkg).join(' ')}`);
  process.exit(1);
}
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0;
if (!run(['update', '-qq']) || !run(['install', '-y', '-qq', ...missing.map((m) => m.pkg)])) {
  console.error('apt-get failed to install: ' + missing.map((m) => m.pkg).join(' '));
  process.exit(1);
}
