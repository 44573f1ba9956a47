/**
 * Test double: an AwsClientFactory whose clients are real SDK client objects (so SDK paginators accept
 * them) with `send` answered by handlers keyed by command name. No network.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsClientFactory, ClientQuery } from '../aws/clients';

export type FakeHandler = (input: Record<string, unknown>, q: ClientQuery) => unknown;

export interface FakeCall {
  service: string;
  command: string;
  input: Record<string, unknown>;
  profile: string;
  region: string;
}

export function fakeClientFactory(handlers: Record<string, FakeHandler>): AwsClientFactory & { calls: FakeCall[] } {
  const calls: FakeCall[] = [];
  const credentials = { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake' };
  const wire = <C extends { send: unknown }>(service: string, client: C, q: ClientQuery): C => {
    (client as { send: unknown }).send = async (command: { input: Record<string, unknown> }) => {
      const name = command.constructor.name.replace(/Command$/, '');
      calls.push({ service, command: name, input: { ...command.input }, profile: q.profile, region: q.region });
      const handler = handlers[name];
      if (!handler) throw Object.assign(new Error(`fake has no handler for ${name}`), { name: 'NotImplemented' });
      return structuredClone(await handler(command.input, q));
    };
    return client;
  };
  const opts = (q: ClientQuery) => ({ region: q.region, credentials });
  return {
    calls,
    ssm: (q) => wire('ssm', new SSMClient(opts(q)), q),
    ec2: (q) => wire('ec2', new EC2Client(opts(q)), q),
    sts: (q) => wire('sts', new STSClient(opts(q)), q),
    kms: (q) => wire('kms', new KMSClient(opts(q)), q),
    iam: (q) => wire('iam', new IAMClient(opts(q)), q),
    endpointFor: (service, region) => `https://${service}.${region}.amazonaws.com`,
    dispose() {},
  };
}

/** Serves `items` in pages of the requested size with numeric NextTokens, as AWS paging does. */
export function paged<T>(items: readonly T[], input: Record<string, unknown>, listKey: string, max: number): unknown {
  const size = Math.min(Number(input.MaxResults ?? max), max);
  const start = input.NextToken ? Number(input.NextToken) : 0;
  const page = items.slice(start, start + size);
  const next = start + size < items.length ? String(start + size) : undefined;
  return next ? { [listKey]: page, NextToken: next } : { [listKey]: page };
}
