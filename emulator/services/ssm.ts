/**
 * SSM (AWS JSON 1.1, `X-Amz-Target: AmazonSSM.<Operation>`): DescribeInstanceInformation and ListTagsForResource,
 * with the validation, filter semantics and pagination limits of the real service.
 */
import { AwsError } from '../aws/errors';
import {
  Violations,
  asObject,
  optionalArray,
  optionalString,
  stringList,
  type JsonOperation,
  type OperationContext,
} from '../aws/operation';
import { PageTokens, fingerprint } from '../aws/pagination';
import type { FleetInstance } from '../fleet/fleet';
import { INSTANCE_ID_PATTERN, MANAGED_INSTANCE_ID_PATTERN } from '../fleet/schema';

const LEGACY_FILTER_KEYS = [
  'InstanceIds',
  'AgentVersion',
  'PingStatus',
  'PlatformTypes',
  'ActivationIds',
  'IamRole',
  'ResourceType',
  'AssociationStatus',
] as const;

const STRING_FILTER_KEYS = new Set<string>([...LEGACY_FILTER_KEYS, 'SourceIds', 'SourceTypes', 'tag-key']);

const PING_STATUSES = ['Online', 'ConnectionLost', 'Inactive'];
const PLATFORM_TYPES = ['Windows', 'Linux', 'MacOS'];
const RESOURCE_TYPES = ['EC2Instance', 'ManagedInstance'];
const SOURCE_TYPES = ['AWS::EC2::Instance', 'AWS::IoT::Thing', 'AWS::SSM::ManagedInstance'];

const TAGGABLE_RESOURCE_TYPES = [
  'Document',
  'ManagedInstance',
  'MaintenanceWindow',
  'Parameter',
  'PatchBaseline',
  'OpsItem',
  'OpsMetadata',
  'Automation',
  'Association',
];

export const SSM_DEFAULT_MAX_RESULTS = 10;
export const SSM_MIN_MAX_RESULTS = 5;
export const SSM_MAX_MAX_RESULTS = 50;

type Predicate = (instance: FleetInstance) => boolean;

function isInstanceId(id: string): boolean {
  return INSTANCE_ID_PATTERN.test(id) || MANAGED_INSTANCE_ID_PATTERN.test(id);
}

function filterValueError(message: string): AwsError {
  return new AwsError('InvalidInstanceInformationFilterValue', message);
}

function checkValues(key: string, values: string[], allowed: readonly string[]): void {
  for (const value of values) {
    if (!allowed.includes(value)) {
      throw filterValueError(`${key} filter is invalid, valid values are ${allowed.join(', ')}`);
    }
  }
}

function sourceType(instance: FleetInstance): string {
  return instance.hybrid ? 'AWS::SSM::ManagedInstance' : 'AWS::EC2::Instance';
}

/** The predicate for one filter key (shared by `Filters` and the legacy `InstanceInformationFilterList`). */
function predicateFor(key: string, values: string[], ctx: OperationContext, legacy: boolean): Predicate {
  const set = new Set(values);
  switch (key) {
    case 'InstanceIds':
    case 'SourceIds': {
      const malformed = values.filter((v) => !isInstanceId(v));
      if (malformed.length > 0)
        throw new AwsError('InvalidInstanceId', `Invalid instance id(s): ${malformed.join(', ')}`);
      if (legacy) {
        const unknown = values.filter((v) => {
          const node = ctx.fleet.get(v);
          return !node || !node.managed || node.accountId !== ctx.caller.accountId || node.region !== ctx.region;
        });
        if (unknown.length > 0) {
          throw new AwsError(
            'InvalidInstanceId',
            `Instances [${unknown.join(', ')}] not in a valid state for account ${ctx.caller.accountId}`,
          );
        }
      }
      return (i) => set.has(i.id);
    }
    case 'AgentVersion':
      return (i) => set.has(i.agentVersion);
    case 'PingStatus':
      checkValues(key, values, PING_STATUSES);
      return (i) => set.has(i.pingStatus);
    case 'PlatformTypes':
      checkValues(key, values, PLATFORM_TYPES);
      return (i) => set.has(i.platformType);
    case 'ResourceType':
      if (values.length > 1) throw filterValueError('ResourceType filter may contain only one value.');
      checkValues(key, values, RESOURCE_TYPES);
      return (i) => set.has(i.hybrid ? 'ManagedInstance' : 'EC2Instance');
    case 'ActivationIds':
      return (i) => i.activationId !== undefined && set.has(i.activationId);
    case 'IamRole':
      return (i) => i.iamRole !== undefined && set.has(i.iamRole);
    case 'AssociationStatus':
      return (i) => i.associationStatus !== undefined && set.has(i.associationStatus);
    case 'SourceTypes':
      checkValues(key, values, SOURCE_TYPES);
      return (i) => set.has(sourceType(i));
    case 'tag-key':
      return (i) => i.tags.some((t) => set.has(t.key));
    default: {
      if (!legacy && key.startsWith('tag:') && key.length > 4) {
        const tagKey = key.slice(4);
        return (i) => i.tags.some((t) => t.key === tagKey && set.has(t.value));
      }
      throw new AwsError('InvalidFilterKey', `The filter key ${key} is not valid.`);
    }
  }
}

function toInstanceInformation(instance: FleetInstance, ctx: OperationContext): Record<string, unknown> {
  const info: Record<string, unknown> = {
    InstanceId: instance.id,
    PingStatus: instance.pingStatus,
    LastPingDateTime: instance.lastPingAt.getTime() / 1000,
    AgentVersion: instance.agentVersion,
    IsLatestVersion: ctx.fleet.isLatestAgent(instance),
    PlatformType: instance.platformType,
    PlatformName: instance.platformName,
    PlatformVersion: instance.platformVersion,
    ResourceType: instance.hybrid ? 'ManagedInstance' : 'EC2Instance',
    IPAddress: instance.privateIp,
    ComputerName: instance.computerName,
    SourceId: instance.id,
    SourceType: sourceType(instance),
  };
  if (instance.hybrid) {
    if (instance.name !== undefined) info.Name = instance.name;
    if (instance.iamRole !== undefined) info.IamRole = instance.iamRole;
    if (instance.activationId !== undefined) info.ActivationId = instance.activationId;
    if (instance.registrationDate) info.RegistrationDate = instance.registrationDate.getTime() / 1000;
  }
  if (instance.associationStatus !== undefined) {
    const at = instance.lastPingAt.getTime() / 1000;
    info.AssociationStatus = instance.associationStatus;
    info.LastAssociationExecutionDate = at;
    if (instance.associationStatus === 'Success') info.LastSuccessfulAssociationExecutionDate = at;
    info.AssociationOverview = {
      DetailedStatus: instance.associationStatus,
      InstanceAssociationStatusAggregatedCount: { [instance.associationStatus]: 1 },
    };
  }
  return info;
}

export function createSsmOperations(tokens: PageTokens): Record<string, JsonOperation> {
  const describeInstanceInformation: JsonOperation = (input, ctx) => {
    const v = new Violations();
    v.range(input.MaxResults, 'maxResults', SSM_MIN_MAX_RESULTS, SSM_MAX_MAX_RESULTS);
    const legacy = optionalArray(input.InstanceInformationFilterList) ?? [];
    const filters = optionalArray(input.Filters) ?? [];
    const parsedLegacy = legacy.map((raw, index) => {
      const f = asObject(raw);
      const path = `instanceInformationFilterList.${index + 1}.member`;
      const key = optionalString(f.key);
      if (v.required(key, `${path}.key`)) v.enumValue(key!, `${path}.key`, LEGACY_FILTER_KEYS);
      const values = stringList(f.valueSet);
      if (v.required(f.valueSet, `${path}.valueSet`))
        v.length(values, `[${values.join(', ')}]`, `${path}.valueSet`, 1, 100);
      return { key: key ?? '', values };
    });
    const parsedFilters = filters.map((raw, index) => {
      const f = asObject(raw);
      const path = `filters.${index + 1}.member`;
      const key = optionalString(f.Key);
      if (v.required(key, `${path}.key`)) v.length(key!, key!, `${path}.key`, 1, 128);
      const values = stringList(f.Values);
      if (v.required(f.Values, `${path}.values`)) v.length(values, `[${values.join(', ')}]`, `${path}.values`, 1, 100);
      return { key: key ?? '', values };
    });
    v.length(legacy, '[...]', 'instanceInformationFilterList', 0, 100);
    v.throwIfAny();
    if (parsedLegacy.length > 0 && parsedFilters.length > 0) {
      throw filterValueError('InstanceInformationFilterList and Filters cannot be used together.');
    }
    const predicates: Predicate[] = [];
    for (const f of parsedLegacy) predicates.push(predicateFor(f.key, f.values, ctx, true));
    for (const f of parsedFilters) {
      if (!STRING_FILTER_KEYS.has(f.key) && !f.key.startsWith('tag:')) {
        throw new AwsError('InvalidFilterKey', `The filter key ${f.key} is not valid.`);
      }
      predicates.push(predicateFor(f.key, f.values, ctx, false));
    }

    const max = (input.MaxResults as number | undefined) ?? SSM_DEFAULT_MAX_RESULTS;
    const nodes = ctx.fleet.ssmNodes(ctx.caller.accountId, ctx.region);
    const fp = fingerprint('ssm:dii', ctx.caller.accountId, ctx.region, parsedLegacy, parsedFilters);
    let start = 0;
    const token = optionalString(input.NextToken);
    if (token !== undefined) {
      const position = tokens.decode(token, fp);
      if (position === undefined || position > nodes.length) {
        throw new AwsError('InvalidNextToken', 'The specified token is not valid.');
      }
      start = position;
    }
    const matches = (i: FleetInstance) => predicates.every((p) => p(i));
    const page: Record<string, unknown>[] = [];
    let next: number | undefined;
    for (let index = start; index < nodes.length; index++) {
      const node = nodes[index]!;
      if (!matches(node)) continue;
      if (page.length === max) {
        next = index;
        break;
      }
      page.push(toInstanceInformation(node, ctx));
    }
    const out: Record<string, unknown> = { InstanceInformationList: page };
    if (next !== undefined) out.NextToken = tokens.encode(next, fp);
    return out;
  };

  const listTagsForResource: JsonOperation = (input, ctx) => {
    const v = new Violations();
    const resourceType = optionalString(input.ResourceType);
    const resourceId = optionalString(input.ResourceId);
    if (v.required(resourceType, 'resourceType')) v.enumValue(resourceType!, 'resourceType', TAGGABLE_RESOURCE_TYPES);
    v.required(resourceId, 'resourceId');
    v.throwIfAny();
    // Only on-premises (mi-) nodes are ManagedInstance resources; EC2 instance tags live in EC2.
    const node = ctx.fleet.get(resourceId!);
    if (
      resourceType !== 'ManagedInstance' ||
      !node ||
      !node.hybrid ||
      node.accountId !== ctx.caller.accountId ||
      node.region !== ctx.region
    ) {
      throw new AwsError(
        'InvalidResourceId',
        'The resource ID is not valid. Verify that you entered the correct ID and try again.',
      );
    }
    return { TagList: node.tags.map((t) => ({ Key: t.key, Value: t.value })) };
  };

  return {
    'AmazonSSM.DescribeInstanceInformation': describeInstanceInformation,
    'AmazonSSM.ListTagsForResource': listTagsForResource,
  };
}
