/**
 * The connect doctor against the emulator's demo fleet: each broken instance is diagnosed with its cause and no
 * other failure; healthy instances pass every check; a caller without iam:SimulatePrincipalPolicy gets
 * "could not check" (naming that permission) instead of failures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../../emulator/server';
import { createAwsClientFactory, type AwsClientFactory } from '../aws/clients';
import { Doctor } from './doctor';
import type { CheckId, Diagnosis } from './types';

let emulator: Emulator;
const factories: AwsClientFactory[] = [];

beforeAll(async () => {
  emulator = await createEmulator();
});
afterAll(async () => {
  for (const f of factories) f.dispose();
  await emulator.close();
});

function doctor(key = 'test', locale: 'en' | 'ja' = 'en'): Doctor {
  const clients = createAwsClientFactory({
    endpointUrl: emulator.url,
    credentialsFor: () => async () => ({ accessKeyId: key, secretAccessKey: key }),
    maxAttempts: 1,
  });
  factories.push(clients);
  return new Doctor({ clients, locale });
}

const statusOf = (d: Diagnosis) => Object.fromEntries(d.checks.map((c) => [c.id, c.status]));
const failing = (d: Diagnosis) => d.checks.filter((c) => c.status === 'fail').map((c) => c.id);
const check = (d: Diagnosis, id: CheckId) => d.checks.find((c) => c.id === id)!;

describe('Doctor against the demo fleet', () => {
  it('passes every check for healthy instances (internet path, interface endpoints path, logging + KMS preferences)', async () => {
    for (const [region, target] of [
      ['us-east-1', 'i-0a1b2c3d4e5f60001'],
      ['eu-north-1', 'i-0e1a2b3c4d5e60001'],
      ['eu-north-1', 'i-0e1a2b3c4d5e60002'],
      ['ap-northeast-1', 'i-0b1c2d3e4f5a60001'],
    ] as const) {
      const d = await doctor().diagnose({ profile: 'demo', region, target });
      expect(d.checks.filter((c) => c.status !== 'pass').map((c) => `${target} ${c.id}: ${c.summary}`)).toEqual([]);
      expect(d.ok).toBe(true);
      expect(d.checks).toHaveLength(12);
    }
    const endpoints = await doctor().diagnose({ profile: 'demo', region: 'eu-north-1', target: 'i-0e1a2b3c4d5e60002' });
    expect(check(endpoints, 'network-route').summary).toContain('interface endpoints');
    const prefs = check(endpoints, 'session-preferences');
    expect(prefs.summary).toContain('porthole-session-logs-123456789012');
    expect(prefs.summary).toContain('alias/porthole-session');
    expect(prefs.summary).toContain('idle timeout 20 min, maximum 120 min');
    expect(check(endpoints, 'user-kms').summary).toContain('alias/porthole-session');
  });

  const broken: Array<{ name: string; region: string; target: string; cause: CheckId; words: string; fix: string }> = [
    {
      name: 'no instance profile',
      region: 'eu-north-1',
      target: 'i-0e1a2b3c4d5e60003',
      cause: 'instance-profile',
      words: 'has no instance profile',
      fix: 'aws ec2 associate-iam-instance-profile --instance-id i-0e1a2b3c4d5e60003',
    },
    {
      name: 'role without the core policy',
      region: 'eu-north-1',
      target: 'i-0e1a2b3c4d5e60004',
      cause: 'role-permissions',
      words: 'does not allow ssm:UpdateInstanceInformation',
      fix: 'aws iam attach-role-policy --role-name AppRoleWithoutSsm --policy-arn arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
    },
    {
      name: 'private subnet without endpoints',
      region: 'eu-north-1',
      target: 'i-0e1a2b3c4d5e60005',
      cause: 'network-route',
      words: 'no interface endpoint for ssm, ssmmessages, ec2messages',
      fix: '--service-name com.amazonaws.eu-north-1.ssmmessages',
    },
    {
      name: 'endpoints without private DNS',
      region: 'eu-north-1',
      target: 'i-0e1a2b3c4d5e60006',
      cause: 'vpc-dns',
      words: 'private DNS off',
      fix: 'aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-0e1a2b3c4d5e60041 --private-dns-enabled',
    },
    {
      name: 'security group without 443',
      region: 'eu-north-1',
      target: 'i-0e1a2b3c4d5e60007',
      cause: 'security-groups',
      words: 'do not allow outbound HTTPS (443)',
      fix: 'aws ec2 authorize-security-group-egress --group-id sg-0e1a2b3c4d5e60005',
    },
    {
      name: 'agent stopped',
      region: 'eu-north-1',
      target: 'i-0e1a2b3c4d5e60008',
      cause: 'ssm-agent',
      words: 'lost contact with the SSM Agent',
      fix: 'aws ec2 reboot-instances --instance-ids i-0e1a2b3c4d5e60008',
    },
    {
      name: 'instance stopped',
      region: 'eu-north-1',
      target: 'i-0e1a2b3c4d5e60009',
      cause: 'instance-state',
      words: 'The instance is stopped',
      fix: 'aws ec2 start-instances --instance-ids i-0e1a2b3c4d5e60009 --region eu-north-1',
    },
    {
      name: 'user not allowed the document',
      region: 'eu-central-1',
      target: 'i-0f1a2b3c4d5e60001',
      cause: 'user-start-session',
      words: 'not allowed ssm:StartSession with the document SSM-SessionManagerRunShell',
      fix: 'aws iam put-user-policy --user-name porthole-demo',
    },
  ];

  it.each(broken)('names the cause and no other: $name', async ({ region, target, cause, words, fix }) => {
    const d = await doctor().diagnose({ profile: 'demo', region, target });
    expect(failing(d)).toEqual([cause]);
    expect(d.ok).toBe(false);
    const c = check(d, cause);
    expect(c.summary).toContain(words);
    expect(c.fix?.cli).toContain(fix);
    expect(c.fix?.docs).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    expect(c.fix?.console).toMatch(/console/);
    // Nothing is left unexplained: no unknowns with the demo caller.
    expect(d.checks.filter((x) => x.status === 'unknown')).toEqual([]);
  });

  it('skips the agent checks when an earlier cause explains them', async () => {
    const d = await doctor().diagnose({ profile: 'demo', region: 'eu-north-1', target: 'i-0e1a2b3c4d5e60003' });
    expect(statusOf(d)).toMatchObject({
      'role-permissions': 'skipped',
      'ssm-agent': 'skipped',
      'agent-version': 'skipped',
    });
    expect(check(d, 'ssm-agent').blockedBy).toBe('instance-profile');
  });

  it('checks the agent version against the chosen document (port forwarding needs 2.3.672.0; mux after 3.0.196.0)', async () => {
    const d = await doctor().diagnose({
      profile: 'demo',
      region: 'us-east-1',
      target: 'i-0a1b2c3d4e5f6000a',
      document: 'AWS-StartPortForwardingSession',
    });
    expect(check(d, 'agent-version')).toMatchObject({ status: 'pass' });
    expect(check(d, 'agent-version').summary).toContain('3.2.2303.0 supports AWS-StartPortForwardingSession');
  });

  it('says could-not-check (naming iam:SimulatePrincipalPolicy) instead of failing for a caller without it', async () => {
    const healthy = await doctor('limited').diagnose({
      profile: 'demo',
      region: 'us-east-1',
      target: 'i-0a1b2c3d4e5f60001',
    });
    expect(failing(healthy)).toEqual([]);
    expect(healthy.ok).toBe(true);
    for (const id of ['user-start-session', 'user-terminate-session'] as const) {
      expect(check(healthy, id)).toMatchObject({ status: 'unknown', missingPermission: 'iam:SimulatePrincipalPolicy' });
      expect(check(healthy, id).summary).toContain('iam:SimulatePrincipalPolicy');
    }
    // The attached managed policy answers the role question without the simulator.
    expect(check(healthy, 'role-permissions').status).toBe('pass');

    // The node really is not registered (a fact), but the role's permissions could not be checked.
    const noCore = await doctor('limited').diagnose({
      profile: 'demo',
      region: 'eu-north-1',
      target: 'i-0e1a2b3c4d5e60004',
    });
    expect(failing(noCore)).toEqual(['ssm-agent']);
    expect(check(noCore, 'role-permissions')).toMatchObject({
      status: 'unknown',
      missingPermission: 'iam:SimulatePrincipalPolicy',
    });

    const denied = await doctor('limited').diagnose({
      profile: 'demo',
      region: 'eu-central-1',
      target: 'i-0f1a2b3c4d5e60001',
    });
    expect(check(denied, 'user-start-session').status).toBe('unknown');
  });

  it('reports an unknown instance id as such', async () => {
    const d = await doctor().diagnose({ profile: 'demo', region: 'us-east-1', target: 'i-0123456789abcdef0' });
    expect(d.ok).toBe(false);
    expect(d.checks).toHaveLength(1);
    expect(d.checks[0]!.summary).toContain('There is no instance i-0123456789abcdef0 in us-east-1');
  });

  it('speaks Japanese', async () => {
    const d = await doctor('test', 'ja').diagnose({
      profile: 'demo',
      region: 'eu-north-1',
      target: 'i-0e1a2b3c4d5e60009',
    });
    expect(check(d, 'instance-state').title).toBe('インスタンスが実行中');
    expect(check(d, 'instance-state').summary).toContain('まず起動してください');
  });
});
