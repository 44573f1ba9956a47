/**
 * Policy helper: generated policies are valid and the emulator's IAM evaluator allows exactly what each is meant
 * to allow (and denies the rest); explanations; the linter's cases.
 */
import { describe, expect, it } from 'vitest';
import { AWS_MANAGED_POLICIES } from '../../../emulator/iam/managed';
import { evaluate, parsePolicy, type NamedPolicy } from '../../../emulator/iam/policy';
import { parsePolicyDocument, type PolicyDocument } from './document';
import { explainPolicy } from './explain';
import { adminPolicy, endUserPolicy, instanceRolePolicies } from './generate';
import { lintPolicy } from './lint';

const ACCOUNT = '123456789012';
const REGION = 'ap-northeast-1';
const instance = (id: string) => `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/${id}`;
const doc = (name: string) =>
  name.startsWith('AWS-')
    ? `arn:aws:ssm:${REGION}::document/${name}`
    : `arn:aws:ssm:${REGION}:${ACCOUNT}:document/${name}`;
const session = (id: string) => `arn:aws:ssm:${REGION}:${ACCOUNT}:session/${id}`;

function decider(...docs: PolicyDocument[]) {
  const policies: NamedPolicy[] = docs.map((d, i) => {
    expect(parsePolicyDocument(JSON.stringify(d)).ok).toBe(true);
    return { id: `p${i}`, type: 'IAM Policy', policy: parsePolicy(JSON.stringify(d)) };
  });
  return (action: string, resource: string, keys: Record<string, string[]> = {}) =>
    evaluate(policies, { action, resource, keys: { 'aws:username': ['alice'], ...keys } }).decision;
}

describe('generated end-user policy', () => {
  it('by tags: allows tagged instances (Japanese values too) with the chosen documents and the access check, nothing else', () => {
    const policy = endUserPolicy({
      targets: { kind: 'tags', tags: { Team: ['決済チーム', 'web*'] } },
      documents: ['shell', 'port'],
      region: REGION,
      accountId: ACCOUNT,
      kmsKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    });
    const decide = decider(policy);
    const payments = { 'ssm:resourceTag/Team': ['決済チーム'], 'ssm:SessionDocumentAccessCheck': ['true'] };
    expect(decide('ssm:StartSession', instance('i-0b1c2d3e4f5a60001'), payments)).toBe('allowed');
    expect(decide('ssm:StartSession', instance('i-0b1c2d3e4f5a60001'), { 'ssm:resourceTag/Team': ['webshop'] })).toBe(
      'allowed',
    );
    expect(decide('ssm:StartSession', instance('i-0b1c2d3e4f5a60009'), { 'ssm:resourceTag/Team': ['data'] })).toBe(
      'implicitDeny',
    );
    expect(decide('ssm:StartSession', instance('i-0b1c2d3e4f5a60009'))).toBe('implicitDeny');
    const check = { 'ssm:SessionDocumentAccessCheck': ['true'] };
    expect(decide('ssm:StartSession', doc('SSM-SessionManagerRunShell'), check)).toBe('allowed');
    expect(decide('ssm:StartSession', doc('AWS-StartPortForwardingSession'), check)).toBe('allowed');
    expect(decide('ssm:StartSession', doc('AWS-StartInteractiveCommand'), check)).toBe('implicitDeny');
    expect(decide('ssm:StartSession', doc('AWS-StartPortForwardingSessionToRemoteHost'), check)).toBe('implicitDeny');
    // A forged "false" for the access check does not get around it.
    expect(
      decide('ssm:StartSession', doc('SSM-SessionManagerRunShell'), { 'ssm:SessionDocumentAccessCheck': ['false'] }),
    ).toBe('implicitDeny');
    expect(decide('ssm:TerminateSession', session('alice-0123456789abcdef0'))).toBe('allowed');
    expect(decide('ssm:ResumeSession', session('alice-0123456789abcdef0'))).toBe('allowed');
    expect(decide('ssm:TerminateSession', session('bob-0123456789abcdef0'))).toBe('implicitDeny');
    expect(
      decide('kms:GenerateDataKey', `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`),
    ).toBe('allowed');
    expect(decide('kms:GenerateDataKey', `arn:aws:kms:${REGION}:${ACCOUNT}:key/other`)).toBe('implicitDeny');
    expect(decide('ssm:DescribeInstanceInformation', '*')).toBe('allowed');
    expect(decide('ssm:SendCommand', instance('i-0b1c2d3e4f5a60001'), payments)).toBe('implicitDeny');
    expect(lintPolicy(policy).findings).toEqual([]);
  });

  it('by instance ids: only those instances; SSH document only', () => {
    const policy = endUserPolicy({
      targets: { kind: 'instances', instanceIds: ['i-0a1b2c3d4e5f60001', 'mi-0a1b2c3d4e5f6000b'] },
      documents: ['ssh'],
      region: REGION,
      accountId: ACCOUNT,
    });
    const decide = decider(policy);
    expect(decide('ssm:StartSession', instance('i-0a1b2c3d4e5f60001'))).toBe('allowed');
    expect(decide('ssm:StartSession', `arn:aws:ssm:${REGION}:${ACCOUNT}:managed-instance/mi-0a1b2c3d4e5f6000b`)).toBe(
      'allowed',
    );
    expect(decide('ssm:StartSession', instance('i-0a1b2c3d4e5f60002'))).toBe('implicitDeny');
    expect(decide('ssm:StartSession', doc('AWS-StartSSHSession'))).toBe('allowed');
    expect(decide('ssm:StartSession', doc('SSM-SessionManagerRunShell'))).toBe('implicitDeny');
    expect(() => endUserPolicy({ targets: { kind: 'instances', instanceIds: [] }, documents: ['shell'] })).toThrow(
      /instance/,
    );
  });
});

describe('generated administrator and instance role policies', () => {
  it('administrator: any instance, any document, anyone’s sessions, the preferences document', () => {
    const decide = decider(adminPolicy({ region: REGION, accountId: ACCOUNT }));
    expect(decide('ssm:StartSession', instance('i-0aaaaaaaaaaaaaaaa'))).toBe('allowed');
    expect(decide('ssm:StartSession', doc('AWS-StartInteractiveCommand'))).toBe('allowed');
    expect(decide('ssm:TerminateSession', session('bob-0123456789abcdef0'))).toBe('allowed');
    expect(decide('ssm:UpdateDocument', doc('SSM-SessionManagerRunShell'))).toBe('allowed');
    expect(decide('ssm:UpdateDocument', doc('SomeoneElsesDocument'))).toBe('implicitDeny');
    expect(decide('iam:CreateUser', '*')).toBe('implicitDeny');
  });

  it('instance role: the managed core policy covers the six agent actions; the inline policy adds logging and KMS only', () => {
    const role = instanceRolePolicies({
      s3BucketName: 'porthole-session-logs',
      s3KeyPrefix: 'logs/',
      cloudWatchLogGroupName: '/porthole/sessions',
      kmsKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/k1`,
    });
    expect(role.managedPolicyArns).toEqual(['arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore']);
    const core = AWS_MANAGED_POLICIES.find((p) => p.name === 'AmazonSSMManagedInstanceCore')!
      .document as unknown as PolicyDocument;
    const decide = decider(core, role.inline!);
    for (const action of [
      'ssm:UpdateInstanceInformation',
      'ssmmessages:CreateControlChannel',
      'ssmmessages:CreateDataChannel',
      'ssmmessages:OpenControlChannel',
      'ssmmessages:OpenDataChannel',
      'ec2messages:GetMessages',
    ])
      expect(decide(action, '*')).toBe('allowed');
    expect(decide('s3:PutObject', 'arn:aws:s3:::porthole-session-logs/logs/i-1.log')).toBe('allowed');
    expect(decide('s3:PutObject', 'arn:aws:s3:::porthole-session-logs/other/i-1.log')).toBe('implicitDeny');
    expect(decide('s3:GetEncryptionConfiguration', 'arn:aws:s3:::porthole-session-logs')).toBe('allowed');
    expect(decide('logs:PutLogEvents', '*')).toBe('allowed');
    expect(decide('kms:Decrypt', `arn:aws:kms:${REGION}:${ACCOUNT}:key/k1`)).toBe('allowed');
    expect(decide('s3:DeleteObject', 'arn:aws:s3:::porthole-session-logs/logs/i-1.log')).toBe('implicitDeny');
    expect(instanceRolePolicies().inline).toBeUndefined();
  });
});

describe('explainPolicy', () => {
  it('explains generated statements by purpose, in English and Japanese', () => {
    const policy = endUserPolicy({
      targets: { kind: 'tags', tags: { Environment: ['dev'] } },
      documents: ['shell', 'port'],
    });
    const en = explainPolicy(policy);
    expect(en.map((e) => e.sid)).toEqual([
      'StartSessionOnTaggedInstances',
      'StartSessionWithDocuments',
      'EndAndResumeOwnSessions',
      'ListForPorthole',
    ]);
    expect(en[0]!.sentence).toBe('Start sessions on Environment=dev.');
    expect(en[1]!.sentence).toContain('SSM-SessionManagerRunShell, AWS-StartPortForwardingSession');
    expect(en[0]!.conditions).toContain('only when ssm:resourceTag/Environment StringLike dev');
    const ja = explainPolicy(policy, 'ja');
    expect(ja[2]!.sentence).toBe('自分のセッションだけを終了・再開する（セッション ID は自分のユーザー名で始まる）。');
    const other = explainPolicy({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }],
    });
    expect(other[0]!.sentence).toBe('Denies s3:* on *');
  });
});

describe('lintPolicy', () => {
  const codes = (p: unknown) => lintPolicy(p).findings.map((f) => f.code);
  const stmt = (s: Record<string, unknown>) => ({ Version: '2012-10-17', Statement: [s] });

  it('flags a misspelled boolean in a condition (it would never match)', () => {
    const r = lintPolicy(
      stmt({
        Effect: 'Allow',
        Action: 'ssm:StartSession',
        Resource: ['arn:aws:ec2:*:*:instance/*', 'arn:aws:ssm:*::document/AWS-StartPortForwardingSession'],
        Condition: { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'ture' } },
      }),
    );
    expect(r.findings.map((f) => f.code)).toEqual(['boolTypo']);
    expect(r.findings[0]!.message).toContain('"ture" is not a boolean for ssm:SessionDocumentAccessCheck');
    expect(r.findings[0]!.statement).toBe(1);
  });

  it('flags a missing port forwarding document', () => {
    expect(
      codes(
        stmt({
          Effect: 'Allow',
          Action: 'ssm:StartSession',
          Resource: ['arn:aws:ec2:*:*:instance/*', 'arn:aws:ssm:*:*:document/SSM-SessionManagerRunShell'],
        }),
      ),
    ).toEqual(['portDocumentMissing']);
  });

  it('flags terminate rights on everyone’s sessions but not on your own', () => {
    expect(
      codes(stmt({ Effect: 'Allow', Action: ['ssm:TerminateSession'], Resource: 'arn:aws:ssm:*:*:session/*' })),
    ).toEqual(['terminateEveryone']);
    expect(
      codes(
        stmt({
          Effect: 'Allow',
          Action: ['ssm:TerminateSession'],
          Resource: 'arn:aws:ssm:*:*:session/${aws:username}-*',
        }),
      ),
    ).toEqual([]);
  });

  it('flags StartSession on everything, an access check without documents, unknown operators, typos, versions', () => {
    expect(codes(stmt({ Effect: 'Allow', Action: 'ssm:StartSession', Resource: '*' }))).toContain(
      'startSessionEverything',
    );
    expect(
      codes(
        stmt({
          Effect: 'Allow',
          Action: 'ssm:StartSession',
          Resource: 'arn:aws:ec2:*:*:instance/*',
          Condition: { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } },
        }),
      ),
    ).toEqual(['documentCheckWithoutDocuments']);
    expect(
      codes(
        stmt({
          Effect: 'Allow',
          Action: 'ssm:StartSession',
          Resource: 'arn:aws:ec2:*:*:instance/*',
          Condition: { StringEqual: { 'ssm:resourceTag/Team': 'web' } },
        }),
      ),
    ).toEqual(['unknownOperator']);
    const typo = lintPolicy(
      stmt({ Effect: 'Allow', Action: 'ssm:StartSesion', Resource: 'arn:aws:ec2:*:*:instance/*' }),
    );
    expect(typo.findings[0]!.message).toContain('did you mean ssm:StartSession?');
    expect(
      codes({
        Statement: [
          { Effect: 'Allow', Action: 'ssm:TerminateSession', Resource: 'arn:aws:ssm:*:*:session/${aws:username}-*' },
        ],
      }),
    ).toEqual(['noVersion', 'variablesNeedVersion']);
  });

  it('reports what is malformed, with Japanese messages too', () => {
    expect(lintPolicy('{"Version": "2012-10-17", "Statement": [').valid).toBe(false);
    const principal = lintPolicy(stmt({ Effect: 'Allow', Principal: '*', Action: 'ssm:StartSession', Resource: '*' }));
    expect(principal.findings[0]!.message).toContain('cannot name a Principal');
    const ja = lintPolicy(stmt({ Effect: 'Allow', Action: ['ssm:TerminateSession'], Resource: '*' }), 'ja');
    expect(ja.findings[0]!.message).toContain('他人のセッションも終了できます');
  });
});

describe('a generated end-user policy attached to a user in the emulator', () => {
  it('lets StartSession through for tagged instances and the chosen document only, and TerminateSession on own sessions', async () => {
    const { createEmulator } = await import('../../../emulator/server');
    const { sessionsPlugin } = await import('../../../emulator/sessions/install');
    const { SSMClient, StartSessionCommand, TerminateSessionCommand } = await import('@aws-sdk/client-ssm');
    const policy = endUserPolicy({ targets: { kind: 'tags', tags: { Team: ['決済チーム'] } }, documents: ['shell'] });
    const emulator = await createEmulator({
      plugins: [sessionsPlugin({ pacing: false })],
      fleet: {
        accountId: ACCOUNT,
        iam: {
          users: [
            {
              name: 'alice',
              accessKeys: [{ accessKeyId: 'alice', secretAccessKey: 'alice-secret' }],
              inlinePolicies: { Generated: policy as unknown as Record<string, unknown> },
            },
          ],
        },
        instances: [
          {
            id: 'i-0aaaaaaaaaaaaaaa1',
            region: REGION,
            platform: 'ubuntu',
            privateIp: '10.0.0.1',
            tags: { Team: '決済チーム' },
          },
          {
            id: 'i-0aaaaaaaaaaaaaaa2',
            region: REGION,
            platform: 'ubuntu',
            privateIp: '10.0.0.2',
            tags: { Team: 'data' },
          },
        ],
      },
    });
    const ssm = new SSMClient({
      region: REGION,
      endpoint: emulator.url,
      credentials: { accessKeyId: 'alice', secretAccessKey: 'alice-secret' },
      maxAttempts: 1,
    });
    const failure = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        return (e as Error).name;
      }
      return 'succeeded';
    };
    try {
      const started = await ssm.send(new StartSessionCommand({ Target: 'i-0aaaaaaaaaaaaaaa1' }));
      expect(started.SessionId).toMatch(/^alice-/);
      expect(await failure(ssm.send(new StartSessionCommand({ Target: 'i-0aaaaaaaaaaaaaaa2' })))).toBe(
        'AccessDeniedException',
      );
      expect(
        await failure(
          ssm.send(
            new StartSessionCommand({ Target: 'i-0aaaaaaaaaaaaaaa1', DocumentName: 'AWS-StartPortForwardingSession' }),
          ),
        ),
      ).toBe('AccessDeniedException');
      expect(await failure(ssm.send(new TerminateSessionCommand({ SessionId: started.SessionId! })))).toBe('succeeded');
      expect(await failure(ssm.send(new TerminateSessionCommand({ SessionId: 'bob-0123456789abcdef0' })))).toBe(
        'AccessDeniedException',
      );
    } finally {
      ssm.destroy();
      await emulator.close();
    }
  });
});
