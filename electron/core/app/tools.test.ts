import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../shared/ipc/dispatch';
import { createMemoryBridge } from '../../../shared/ipc/memory-bridge';
import { createHandlers } from './handlers';

function bridge() {
  const handlers = createHandlers({
    inventory: { list: async () => [], listRegions: async () => [] },
    listProfiles: async () => ({ profiles: [] }),
    appInfo: { version: '1', host: 'web' },
  });
  return createMemoryBridge(createDispatcher(handlers, { isTrustedSender: () => true }));
}

describe('policy helper channels', () => {
  it('generates an end-user policy for tagged instances, explained in Japanese, with no lint findings', async () => {
    const r = await bridge().invoke('policy.generate', {
      kind: 'endUser',
      targets: { kind: 'tags', tags: { 環境: ['本番'] } },
      documents: ['shell', 'port'],
      locale: 'ja',
    });
    if (!r.ok) throw new Error(r.message);
    const policy = JSON.parse(r.value.policy ?? '{}') as {
      Statement: Array<{ Condition?: unknown; Resource?: unknown }>;
    };
    expect(JSON.stringify(policy)).toContain('ssm:resourceTag/環境');
    expect(JSON.stringify(policy)).toContain('AWS-StartPortForwardingSession');
    expect(r.value.explanation.length).toBe(policy.Statement.length);
    expect(r.value.explanation.some((e) => /[\u3040-\u30ff]/.test(e.sentence))).toBe(true);
    expect(r.value.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('refuses an end-user policy without documents with a clear message', async () => {
    const r = await bridge().invoke('policy.generate', {
      kind: 'endUser',
      targets: { kind: 'instances', instanceIds: ['i-0123456789abcdef0'] },
      documents: [],
    });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe('INVALID_POLICY_REQUEST');
      expect(r.message).toBe('The policy cannot be generated: choose at least one session document');
    }
  });

  it('gives the instance role the managed policy plus an inline policy for S3 logging', async () => {
    const r = await bridge().invoke('policy.generate', { kind: 'instanceRole', s3BucketName: 'audit-logs' });
    if (!r.ok) throw new Error(r.message);
    expect(r.value.managedPolicyArns).toContain('arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore');
    expect(r.value.policy).toContain('audit-logs');
  });

  it('lints a pasted policy with a misspelled boolean and explains it statement by statement', async () => {
    const text = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'ssm:StartSession',
          Resource: ['arn:aws:ec2:*:*:instance/*', 'arn:aws:ssm:*:*:document/SSM-SessionManagerRunShell'],
          Condition: { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'ture' } },
        },
      ],
    });
    const lint = await bridge().invoke('policy.lint', { text });
    if (!lint.ok) throw new Error(lint.message);
    expect(lint.value.findings.map((f) => f.code)).toContain('boolTypo');
    const explained = await bridge().invoke('policy.explain', { text });
    if (!explained.ok) throw new Error(explained.message);
    expect(explained.value.valid).toBe(true);
    expect(explained.value.explanation).toHaveLength(1);
    const broken = await bridge().invoke('policy.explain', { text: '{"Statement": ' });
    if (!broken.ok) throw new Error(broken.message);
    expect(broken.value.valid).toBe(false);
    expect(broken.value.error).toBeTruthy();
  });

  it('says the doctor is unavailable on a host without it', async () => {
    const r = await bridge().invoke('doctor.diagnose', {
      profile: 'p',
      region: 'eu-north-1',
      target: 'i-0123456789abcdef0',
    });
    expect(r.ok).toBe(false);
  });
});
