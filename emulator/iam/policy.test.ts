import { describe, expect, it } from 'vitest';
import { evaluate, parsePolicy, PolicyParseError, type RequestContext } from './policy';

const ctx = (action: string, resource: string, keys: Record<string, string[]> = {}): RequestContext => ({
  action,
  resource,
  keys,
});

function decide(policy: unknown, request: RequestContext) {
  return evaluate([{ id: 'p', type: 'IAM Policy', policy: parsePolicy(policy) }], request).decision;
}

describe('policy evaluator', () => {
  it('matches actions case-insensitively with wildcards; NotAction excludes', () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'SSM:Start*', Resource: '*' },
        { Effect: 'Allow', NotAction: ['iam:*', 'ssm:*'], Resource: '*' },
      ],
    };
    expect(decide(policy, ctx('ssm:StartSession', '*'))).toBe('allowed');
    expect(decide(policy, ctx('ssm:TerminateSession', '*'))).toBe('implicitDeny');
    expect(decide(policy, ctx('ec2:DescribeInstances', '*'))).toBe('allowed');
    expect(decide(policy, ctx('iam:SimulatePrincipalPolicy', '*'))).toBe('implicitDeny');
  });

  it('matches resources per ARN segment: a wildcard does not cross into the region or account', () => {
    const policy = {
      Version: '2012-10-17',
      Statement: { Effect: 'Allow', Action: 'ssm:StartSession', Resource: 'arn:aws:ec2:us-east-1:*:instance/i-0a*' },
    };
    expect(decide(policy, ctx('ssm:StartSession', 'arn:aws:ec2:us-east-1:123456789012:instance/i-0a1b'))).toBe(
      'allowed',
    );
    expect(decide(policy, ctx('ssm:StartSession', 'arn:aws:ec2:eu-west-1:123456789012:instance/i-0a1b'))).toBe(
      'implicitDeny',
    );
  });

  it('lets an explicit deny win over any allow', () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { Effect: 'Deny', Action: 'ssm:StartSession', Resource: 'arn:aws:ssm:*:*:document/SSM-SessionManagerRunShell' },
      ],
    };
    expect(
      decide(policy, ctx('ssm:StartSession', 'arn:aws:ssm:eu-central-1:1:document/SSM-SessionManagerRunShell')),
    ).toBe('explicitDeny');
    expect(decide(policy, ctx('ssm:StartSession', 'arn:aws:ssm:eu-central-1::document/AWS-StartSSHSession'))).toBe(
      'allowed',
    );
  });

  it('evaluates StringEquals/StringLike on resource tags (Japanese values too), IfExists and negation', () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'ssm:StartSession',
          Resource: 'arn:aws:ec2:*:*:instance/*',
          Condition: { StringLike: { 'ssm:resourceTag/Team': ['決済*', 'web'] } },
        },
        {
          Effect: 'Deny',
          Action: 'ssm:StartSession',
          Resource: '*',
          Condition: { StringNotEqualsIfExists: { 'aws:ResourceTag/Environment': ['prod', 'dev'] } },
        },
      ],
    };
    const arn = 'arn:aws:ec2:ap-northeast-1:1:instance/i-1';
    const prod = { 'aws:ResourceTag/Environment': ['prod'] };
    expect(decide(policy, ctx('ssm:StartSession', arn, { 'ssm:resourceTag/Team': ['決済チーム'], ...prod }))).toBe(
      'allowed',
    );
    // IfExists: an untagged instance satisfies the negated condition, so the deny applies.
    expect(decide(policy, ctx('ssm:StartSession', arn, { 'ssm:resourceTag/Team': ['決済チーム'] }))).toBe(
      'explicitDeny',
    );
    expect(decide(policy, ctx('ssm:StartSession', arn, { 'SSM:ResourceTag/Team': ['data'], ...prod }))).toBe(
      'implicitDeny',
    );
    expect(
      decide(
        policy,
        ctx('ssm:StartSession', arn, { 'ssm:resourceTag/Team': ['web'], 'aws:ResourceTag/Environment': ['qa'] }),
      ),
    ).toBe('explicitDeny');
  });

  it('treats Bool literally: a misspelled "ture" never matches, BoolIfExists passes when the key is absent', () => {
    const good = {
      Version: '2012-10-17',
      Statement: {
        Effect: 'Allow',
        Action: 'ssm:StartSession',
        Resource: '*',
        Condition: { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } },
      },
    };
    const typo = JSON.parse(JSON.stringify(good).replace('"true"', '"ture"')) as unknown;
    const checked = { 'ssm:SessionDocumentAccessCheck': ['true'] };
    expect(decide(good, ctx('ssm:StartSession', '*', checked))).toBe('allowed');
    expect(decide(good, ctx('ssm:StartSession', '*'))).toBe('allowed');
    expect(decide(typo, ctx('ssm:StartSession', '*', checked))).toBe('implicitDeny');
  });

  it('substitutes ${aws:username} in resources (2012-10-17 only) and ArnLike conditions', () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'ssm:TerminateSession', Resource: 'arn:aws:ssm:*:*:session/${aws:username}-*' },
        {
          Effect: 'Allow',
          Action: 'kms:GenerateDataKey',
          Resource: '*',
          Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/ops-*' } },
        },
      ],
    };
    const keys = { 'aws:username': ['alice'], 'aws:PrincipalArn': ['arn:aws:iam::1:user/ops-alice'] };
    expect(decide(policy, ctx('ssm:TerminateSession', 'arn:aws:ssm:us-east-1:1:session/alice-0abc', keys))).toBe(
      'allowed',
    );
    expect(decide(policy, ctx('ssm:TerminateSession', 'arn:aws:ssm:us-east-1:1:session/bob-0abc', keys))).toBe(
      'implicitDeny',
    );
    // Without the key the variable matches nothing.
    expect(decide(policy, ctx('ssm:TerminateSession', 'arn:aws:ssm:us-east-1:1:session/-0abc'))).toBe('implicitDeny');
    expect(decide(policy, ctx('kms:GenerateDataKey', '*', keys))).toBe('allowed');
    const old = { ...policy, Version: '2008-10-17' };
    expect(decide(old, ctx('ssm:TerminateSession', 'arn:aws:ssm:us-east-1:1:session/alice-0abc', keys))).toBe(
      'implicitDeny',
    );
  });

  it('refuses malformed documents with a reason', () => {
    expect(() => parsePolicy('{')).toThrow(PolicyParseError);
    expect(() => parsePolicy({ Version: '2012-10-17', Statement: { Effect: 'Allow', Resource: '*' } })).toThrow(
      /Action and NotAction/,
    );
    expect(() =>
      parsePolicy({ Version: '2012-10-17', Statement: { Effect: 'Permit', Action: '*', Resource: '*' } }),
    ).toThrow(/Effect/);
  });
});
