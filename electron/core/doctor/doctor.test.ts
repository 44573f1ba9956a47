/** Doctor edge cases with a fake client factory: denied reads become could-not-check; hybrid nodes skip EC2 checks. */
import { describe, expect, it } from 'vitest';
import { fakeClientFactory, type FakeHandler } from '../inventory/fake-clients';
import { Doctor } from './doctor';

const denied = (name: string) => () => {
  throw Object.assign(new Error('You are not authorized to perform this operation.'), { name });
};

const base: Record<string, FakeHandler> = {
  GetCallerIdentity: () => ({ Arn: 'arn:aws:iam::123456789012:user/alice', Account: '123456789012' }),
  GetDocument: () => {
    throw Object.assign(new Error('Document with name SSM-SessionManagerRunShell does not exist.'), {
      name: 'InvalidDocument',
    });
  },
  SimulatePrincipalPolicy: (input) => ({
    EvaluationResults: (input['ActionNames'] as string[]).map((a) => ({ EvalActionName: a, EvalDecision: 'allowed' })),
  }),
};

describe('Doctor (fake AWS)', () => {
  it('turns a denied DescribeInstances into could-not-check naming ec2:DescribeInstances', async () => {
    const clients = fakeClientFactory({
      ...base,
      DescribeInstances: denied('UnauthorizedOperation'),
      DescribeInstanceInformation: () => ({ InstanceInformationList: [] }),
    });
    const d = await new Doctor({ clients }).diagnose({
      profile: 'p',
      region: 'us-east-1',
      target: 'i-0123456789abcdef0',
    });
    const state = d.checks.find((c) => c.id === 'instance-state')!;
    expect(state).toMatchObject({ status: 'unknown', missingPermission: 'ec2:DescribeInstances' });
    expect(d.checks.find((c) => c.id === 'network-route')!.status).toBe('unknown');
    // SSM does not list the node and nothing explains it: that is a failure of its own.
    expect(d.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['ssm-agent']);
    expect(d.checks.find((c) => c.id === 'session-preferences')!.summary).toContain('No session preferences are saved');
  });

  it('skips the EC2 checks for a hybrid node and checks the rest', async () => {
    const clients = fakeClientFactory({
      ...base,
      DescribeInstanceInformation: () => ({
        InstanceInformationList: [
          {
            InstanceId: 'mi-0a1b2c3d4e5f6000b',
            PingStatus: 'Online',
            AgentVersion: '3.0.100.0',
            LastPingDateTime: new Date('2026-01-01T00:00:00Z'),
          },
        ],
      }),
    });
    const d = await new Doctor({ clients }).diagnose({
      profile: 'p',
      region: 'us-east-1',
      target: 'mi-0a1b2c3d4e5f6000b',
      document: 'AWS-StartPortForwardingSession',
    });
    const status = Object.fromEntries(d.checks.map((c) => [c.id, c.status]));
    expect(status).toMatchObject({
      'instance-state': 'skipped',
      'network-route': 'skipped',
      'ssm-agent': 'pass',
      'agent-version': 'pass',
      'user-start-session': 'pass',
    });
    // 3.0.100.0 forwards ports but without multiplexing.
    expect(d.checks.find((c) => c.id === 'agent-version')!.summary).toContain('not multiplexing');
    expect(clients.calls.some((c) => c.command === 'DescribeInstances')).toBe(false);
  });

  it('fails the agent version when it is too old for the chosen document', async () => {
    const clients = fakeClientFactory({
      ...base,
      DescribeInstanceInformation: () => ({
        InstanceInformationList: [
          { InstanceId: 'mi-0a1b2c3d4e5f6000b', PingStatus: 'Online', AgentVersion: '2.3.500.0' },
        ],
      }),
    });
    const d = await new Doctor({ clients }).diagnose({
      profile: 'p',
      region: 'us-east-1',
      target: 'mi-0a1b2c3d4e5f6000b',
      document: 'AWS-StartPortForwardingSessionToRemoteHost',
    });
    const version = d.checks.find((c) => c.id === 'agent-version')!;
    expect(version.status).toBe('fail');
    expect(version.summary).toContain('needs 3.1.1374.0 or later');
    expect(version.fix?.cli).toContain('AWS-UpdateSSMAgent');
  });
});
