/**
 * IAM entities of the fleet (`iam` section): customer managed policies, roles, instance profiles and users, with
 * the ARNs and unique ids IAM would give them. Built once per Fleet and validated (unknown policy ARNs, role names
 * or malformed policy documents are fleet-file errors).
 */
import { createHash } from 'node:crypto';
import type { Fleet } from '../fleet/fleet';
import type { IamFile } from '../fleet/schema';
import { AWS_MANAGED_POLICIES, AWS_MANAGED_POLICY_PREFIX } from './managed';
import { parsePolicy, PolicyParseError, type NamedPolicy, type ParsedPolicy } from './policy';

export const IAM_CREATED = new Date(Date.UTC(2024, 0, 15, 9, 30, 0));

export interface IamPolicyEntity {
  name: string;
  arn: string;
  id: string;
  description: string;
  document: unknown;
  parsed: ParsedPolicy;
  awsManaged: boolean;
}

export interface InlinePolicy {
  name: string;
  document: unknown;
  parsed: ParsedPolicy;
}

export interface IamRoleEntity {
  kind: 'role';
  name: string;
  arn: string;
  id: string;
  attached: IamPolicyEntity[];
  inline: InlinePolicy[];
}

export interface IamUserEntity {
  kind: 'user';
  name: string;
  arn: string;
  id: string;
  attached: IamPolicyEntity[];
  inline: InlinePolicy[];
  accessKeys: Array<{ accessKeyId: string; secretAccessKey: string }>;
}

export interface IamInstanceProfileEntity {
  name: string;
  arn: string;
  id: string;
  roles: IamRoleEntity[];
}

export type IamPrincipal = IamRoleEntity | IamUserEntity;

/** A principal as a request sees it: the entity plus the session name for assumed roles. */
export interface ResolvedPrincipal {
  entity: IamPrincipal;
  /** `arn:aws:sts::<acct>:assumed-role/<role>/<session>` callers: the session name. */
  sessionName?: string;
}

export function uniqueId(prefix: string, seed: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = createHash('sha256').update(seed).digest();
  return prefix + Array.from(bytes.subarray(0, 17), (b) => alphabet[b & 31]).join('');
}

function parseOrThrow(document: unknown, where: string): ParsedPolicy {
  try {
    return parsePolicy(document);
  } catch (e) {
    if (e instanceof PolicyParseError) throw new Error(`invalid fleet file: ${where}: ${e.message}`, { cause: e });
    throw e;
  }
}

const models = new WeakMap<Fleet, IamModel>();

export class IamModel {
  readonly accountId: string;
  private readonly policies = new Map<string, IamPolicyEntity>();
  private readonly roles = new Map<string, IamRoleEntity>();
  private readonly profiles = new Map<string, IamInstanceProfileEntity>();
  private readonly users = new Map<string, IamUserEntity>();

  static of(fleet: Fleet): IamModel {
    let model = models.get(fleet);
    if (!model) {
      model = new IamModel(fleet.accountId, fleet.source.iam);
      models.set(fleet, model);
    }
    return model;
  }

  constructor(accountId: string, file: IamFile | undefined) {
    this.accountId = accountId;
    for (const p of AWS_MANAGED_POLICIES) {
      const arn = AWS_MANAGED_POLICY_PREFIX + p.name;
      this.policies.set(arn, {
        name: p.name,
        arn,
        id: uniqueId('ANPA', arn),
        description: p.description,
        document: p.document,
        parsed: parseOrThrow(p.document, arn),
        awsManaged: true,
      });
    }
    if (!file) return;
    for (const p of file.managedPolicies) {
      const arn = `arn:aws:iam::${accountId}:policy/${p.name}`;
      this.policies.set(arn, {
        name: p.name,
        arn,
        id: uniqueId('ANPA', arn),
        description: p.description ?? '',
        document: p.document,
        parsed: parseOrThrow(p.document, `iam.managedPolicies.${p.name}`),
        awsManaged: false,
      });
    }
    const attached = (arns: string[], where: string) =>
      arns.map((arn) => {
        const policy = this.policies.get(arn);
        if (!policy) throw new Error(`invalid fleet file: ${where}: no managed policy ${arn}`);
        return policy;
      });
    const inline = (docs: Record<string, unknown>, where: string): InlinePolicy[] =>
      Object.entries(docs).map(([name, document]) => ({
        name,
        document,
        parsed: parseOrThrow(document, `${where}.inlinePolicies.${name}`),
      }));
    for (const r of file.roles) {
      const arn = `arn:aws:iam::${accountId}:role/${r.name}`;
      this.roles.set(r.name, {
        kind: 'role',
        name: r.name,
        arn,
        id: uniqueId('AROA', arn),
        attached: attached(r.attachedPolicies, `iam.roles.${r.name}`),
        inline: inline(r.inlinePolicies, `iam.roles.${r.name}`),
      });
    }
    for (const p of file.instanceProfiles) {
      const arn = `arn:aws:iam::${accountId}:instance-profile/${p.name}`;
      this.profiles.set(p.name, {
        name: p.name,
        arn,
        id: uniqueId('AIPA', arn),
        roles: p.roles.map((name) => {
          const role = this.roles.get(name);
          if (!role) throw new Error(`invalid fleet file: iam.instanceProfiles.${p.name}: no role ${name}`);
          return role;
        }),
      });
    }
    for (const u of file.users) {
      const arn = `arn:aws:iam::${accountId}:user/${u.name}`;
      this.users.set(u.name, {
        kind: 'user',
        name: u.name,
        arn,
        id: uniqueId('AIDA', arn),
        attached: attached(u.attachedPolicies, `iam.users.${u.name}`),
        inline: inline(u.inlinePolicies, `iam.users.${u.name}`),
        accessKeys: u.accessKeys,
      });
    }
  }

  policy(arn: string): IamPolicyEntity | undefined {
    return this.policies.get(arn);
  }

  role(name: string): IamRoleEntity | undefined {
    return this.roles.get(name);
  }

  instanceProfile(name: string): IamInstanceProfileEntity | undefined {
    return this.profiles.get(name);
  }

  user(name: string): IamUserEntity | undefined {
    return this.users.get(name);
  }

  allUsers(): IamUserEntity[] {
    return [...this.users.values()];
  }

  /** A user ARN, a role ARN or an assumed-role session ARN of this account -> the principal. */
  principal(arn: string): ResolvedPrincipal | undefined {
    const user = /^arn:aws:iam::(\d{12}):user\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/.exec(arn);
    if (user && user[1] === this.accountId) {
      const entity = this.users.get(user[2]!);
      return entity ? { entity } : undefined;
    }
    const role = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/.exec(arn);
    if (role && role[1] === this.accountId) {
      const entity = this.roles.get(role[2]!);
      return entity ? { entity } : undefined;
    }
    const assumed = /^arn:aws:sts::(\d{12}):assumed-role\/([\w+=,.@-]+)\/([\w+=,.@-]+)$/.exec(arn);
    if (assumed && assumed[1] === this.accountId) {
      const entity = this.roles.get(assumed[2]!);
      return entity ? { entity, sessionName: assumed[3]! } : undefined;
    }
    return undefined;
  }

  /** Every identity policy of a principal (attached managed first, then inline), for the evaluator. */
  policiesOf(entity: IamPrincipal): NamedPolicy[] {
    return [
      ...entity.attached.map((p) => ({ id: p.name, type: 'IAM Policy', policy: p.parsed })),
      ...entity.inline.map((p) => ({ id: p.name, type: entity.kind, policy: p.parsed })),
    ];
  }

  /** The global condition keys IAM fills in for a principal (`aws:username` only for users). */
  principalKeys(principal: ResolvedPrincipal): Record<string, string[]> {
    const { entity, sessionName } = principal;
    if (entity.kind === 'user') {
      return {
        'aws:username': [entity.name],
        'aws:userid': [entity.id],
        'aws:PrincipalArn': [entity.arn],
        'aws:PrincipalAccount': [this.accountId],
        'aws:PrincipalType': ['User'],
      };
    }
    return {
      'aws:userid': [sessionName ? `${entity.id}:${sessionName}` : entity.id],
      'aws:PrincipalArn': [entity.arn],
      'aws:PrincipalAccount': [this.accountId],
      'aws:PrincipalType': [sessionName ? 'AssumedRole' : 'Role'],
    };
  }
}
