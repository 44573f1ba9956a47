/**
 * IAM (AWS Query, XML in the 2010-05-08 namespace; a global service signed for us-east-1): GetInstanceProfile,
 * GetRole, ListAttachedRolePolicies and SimulatePrincipalPolicy over the fleet's `iam` section, evaluated by the
 * emulator's policy evaluator (emulator/iam/policy.ts). Errors are IAM's: NoSuchEntity (404), ValidationError and
 * InvalidInput (400), AccessDenied (403, from the authorizer), SignatureDoesNotMatch for a non-us-east-1 scope.
 */
import { AwsError } from '../aws/errors';
import type { OperationContext, QueryOperation } from '../aws/operation';
import { PageTokens, fingerprint } from '../aws/pagination';
import { xmlEscape } from '../aws/xml';
import { IAM_CREATED, IamModel, type IamPrincipal, type IamRoleEntity } from '../iam/model';
import { evaluate, parsePolicy, PolicyParseError, type NamedPolicy, type Statement } from '../iam/policy';
import { parseList } from './ec2';

export const IAM_VERSION = '2010-05-08';
export const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';

/** IAM XML: objects are elements, arrays are `<member>` lists, undefined is omitted. */
type IamValue = string | number | boolean | undefined | IamValue[] | { [name: string]: IamValue };

function iamXml(value: IamValue, out: string[] = []): string[] {
  if (value === undefined) return out;
  if (Array.isArray(value)) {
    for (const item of value) {
      out.push('<member>');
      iamXml(item, out);
      out.push('</member>');
    }
  } else if (typeof value === 'object') {
    for (const [name, child] of Object.entries(value)) {
      if (child === undefined) continue;
      out.push(`<${name}>`);
      iamXml(child, out);
      out.push(`</${name}>`);
    }
  } else out.push(xmlEscape(String(value)));
  return out;
}

function respond(operation: string, ctx: OperationContext, result: Record<string, IamValue>): string {
  return (
    `<${operation}Response xmlns="${IAM_NS}"><${operation}Result>${iamXml(result).join('')}</${operation}Result>` +
    `<ResponseMetadata><RequestId>${ctx.requestId}</RequestId></ResponseMetadata></${operation}Response>`
  );
}

/** Member lists of the Query protocol: `Prefix.member.1`, ... */
function members(params: URLSearchParams, prefix: string): string[] {
  return parseList(params, `${prefix}\\.member`);
}

function required(params: URLSearchParams, name: string, shape: string): string {
  const value = params.get(name);
  if (value === null || value === '')
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value null at '${shape}' failed to satisfy constraint: Member must not be null`,
    );
  return value;
}

function trustPolicy(): string {
  return encodeURIComponent(
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    }),
  );
}

function roleXml(role: IamRoleEntity): Record<string, IamValue> {
  return {
    Path: '/',
    RoleName: role.name,
    RoleId: role.id,
    Arn: role.arn,
    CreateDate: IAM_CREATED.toISOString(),
    AssumeRolePolicyDocument: trustPolicy(),
  };
}

function maxItems(params: URLSearchParams): number {
  const text = params.get('MaxItems');
  if (text === null) return 100;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value '${text}' at 'maxItems' failed to satisfy constraint: Member must have value ${n < 1 ? 'greater than or equal to 1' : 'less than or equal to 1000'}`,
    );
  return n;
}

function page<T>(items: T[], params: URLSearchParams, tokens: PageTokens, fp: string): { page: T[]; marker?: string } {
  const max = maxItems(params);
  let start = 0;
  const marker = params.get('Marker');
  if (marker !== null && marker !== '') {
    const position = tokens.decode(marker, fp);
    if (position === undefined || position > items.length) throw new AwsError('InvalidInput', 'Invalid Marker.');
    start = position;
  }
  const end = start + max;
  return { page: items.slice(start, end), ...(end < items.length ? { marker: tokens.encode(end, fp) } : {}) };
}

/** Condition keys a statement refers to that the request context lacks (for MissingContextValues). */
function missingKeys(statements: Statement[], keys: Record<string, string[]>): string[] {
  const present = new Set(Object.keys(keys).map((k) => k.toLowerCase()));
  const missing = new Set<string>();
  for (const s of statements) {
    for (const block of Object.values(s.condition)) {
      for (const key of Object.keys(block)) if (!present.has(key.toLowerCase())) missing.add(key);
    }
  }
  return [...missing];
}

function contextEntries(params: URLSearchParams): Record<string, string[]> {
  const byIndex = new Map<number, { name?: string; values: Array<[number, string]> }>();
  for (const [key, value] of params) {
    const m = /^ContextEntries\.member\.(\d+)\.(ContextKeyName|ContextKeyType|ContextKeyValues\.member\.(\d+))$/.exec(
      key,
    );
    if (!m) continue;
    const i = Number(m[1]);
    let entry = byIndex.get(i);
    if (!entry) byIndex.set(i, (entry = { values: [] }));
    if (m[2] === 'ContextKeyName') entry.name = value;
    else if (m[3] !== undefined) entry.values.push([Number(m[3]), value]);
  }
  const out: Record<string, string[]> = {};
  for (const entry of byIndex.values()) {
    if (!entry.name) throw new AwsError('InvalidInput', 'ContextKeyName is required for every context entry.');
    out[entry.name] = entry.values.sort(([a], [b]) => a - b).map(([, v]) => v);
  }
  return out;
}

export function createIamOperations(tokens: PageTokens): Record<string, QueryOperation> {
  const model = (ctx: OperationContext) => {
    if (ctx.region !== 'us-east-1')
      throw new AwsError('SignatureDoesNotMatch', 'Credential should be scoped to a valid region. ', 403);
    return IamModel.of(ctx.fleet);
  };

  const getInstanceProfile: QueryOperation = (params, ctx) => {
    const iam = model(ctx);
    const name = required(params, 'InstanceProfileName', 'instanceProfileName');
    const profile = iam.instanceProfile(name);
    if (!profile) throw new AwsError('NoSuchEntity', `Instance Profile ${name} cannot be found.`, 404);
    return respond('GetInstanceProfile', ctx, {
      InstanceProfile: {
        InstanceProfileId: profile.id,
        Roles: profile.roles.map(roleXml),
        InstanceProfileName: profile.name,
        Path: '/',
        Arn: profile.arn,
        CreateDate: IAM_CREATED.toISOString(),
      },
    });
  };

  const getRole: QueryOperation = (params, ctx) => {
    const iam = model(ctx);
    const name = required(params, 'RoleName', 'roleName');
    const role = iam.role(name);
    if (!role) throw new AwsError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);
    return respond('GetRole', ctx, { Role: { ...roleXml(role), MaxSessionDuration: 3600 } });
  };

  const listAttachedRolePolicies: QueryOperation = (params, ctx) => {
    const iam = model(ctx);
    const name = required(params, 'RoleName', 'roleName');
    const role = iam.role(name);
    if (!role) throw new AwsError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);
    const prefix = params.get('PathPrefix') ?? '/';
    const all = prefix === '/' ? role.attached : [];
    const fp = fingerprint('iam:larp', ctx.caller.accountId, name, prefix);
    const { page: items, marker } = page(all, params, tokens, fp);
    return respond('ListAttachedRolePolicies', ctx, {
      IsTruncated: marker !== undefined,
      AttachedPolicies: items.map((p) => ({ PolicyName: p.name, PolicyArn: p.arn })),
      Marker: marker,
    });
  };

  const simulatePrincipalPolicy: QueryOperation = (params, ctx) => {
    const iam = model(ctx);
    const source = required(params, 'PolicySourceArn', 'policySourceArn');
    const actions = members(params, 'ActionNames');
    if (actions.length === 0)
      throw new AwsError(
        'ValidationError',
        "1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null",
      );
    if (/^arn:aws:sts::/.test(source))
      throw new AwsError('InvalidInput', `Invalid ARN ${source}: the policy source must be a user, group or role.`);
    const principal = iam.principal(source);
    if (!principal) {
      const kind = /:user\//.test(source) ? 'user' : /:role\//.test(source) ? 'role' : undefined;
      if (!kind) throw new AwsError('InvalidInput', `ARN ${source} is not valid.`);
      throw new AwsError('NoSuchEntity', `The ${kind} with name ${source.split('/').pop()} cannot be found.`, 404);
    }
    const extra: NamedPolicy[] = members(params, 'PolicyInputList').map((text, i) => {
      try {
        return { id: `PolicyInputList.${i + 1}`, type: 'IAM Policy', policy: parsePolicy(text) };
      } catch (e) {
        if (e instanceof PolicyParseError) throw new AwsError('MalformedPolicyDocument', e.message);
        throw e;
      }
    });
    const entity: IamPrincipal = principal.entity;
    const policies = [...iam.policiesOf(entity), ...extra];
    const resources = members(params, 'ResourceArns');
    const keys = { ...iam.principalKeys(principal), ...contextEntries(params) };
    const pairs = actions.flatMap((action) =>
      (resources.length > 0 ? resources : ['*']).map((r) => [action, r] as const),
    );
    const results = pairs.map(([action, resource]) => {
      const result = evaluate(policies, { action, resource, keys });
      const relevant = policies.flatMap((p) => p.policy.statements);
      return {
        EvalActionName: action,
        EvalResourceName: resource,
        EvalDecision: result.decision,
        MatchedStatements: result.matched.map((m) => ({
          SourcePolicyId: m.policyId,
          SourcePolicyType: m.policyType === 'IAM Policy' ? 'IAM Policy' : m.policyType,
        })),
        MissingContextValues: result.decision === 'allowed' ? [] : missingKeys(relevant, keys),
      };
    });
    const fp = fingerprint('iam:spp', ctx.caller.accountId, source, actions, resources, keys);
    const { page: items, marker } = page(results, params, tokens, fp);
    return respond('SimulatePrincipalPolicy', ctx, {
      IsTruncated: marker !== undefined,
      EvaluationResults: items,
      Marker: marker,
    });
  };

  return {
    GetInstanceProfile: getInstanceProfile,
    GetRole: getRole,
    ListAttachedRolePolicies: listAttachedRolePolicies,
    SimulatePrincipalPolicy: simulatePrincipalPolicy,
  };
}

/** IAM's answer to an Action it does not have. */
export function unknownIamAction(action: string): AwsError {
  return new AwsError('InvalidAction', `Could not find operation ${action} for version ${IAM_VERSION}`);
}
