/**
 * Authorization of every API request by the caller's identity policies, when the fleet lists the caller (an IAM
 * user, a role or a session of it in the `iam` section). Callers the fleet does not list are unrestricted, as
 * the emulator always was. The action is `<signing service>:<operation>`; the resources and condition keys follow
 * what AWS authorizes for the operations Session Manager and the doctor use (StartSession: the instance and the
 * document; Terminate/ResumeSession: the session; IAM: the profile, role or simulated principal); other operations
 * are authorized against `*`. Denials come back as each service words them.
 */
import { AwsError, type Protocol } from '../aws/errors';
import type { OperationContext } from '../aws/operation';
import type { FleetInstance } from '../fleet/fleet';
import { IamModel } from './model';
import { evaluate, type RequestContext } from './policy';

export const DEFAULT_SESSION_DOCUMENT_NAME = 'SSM-SessionManagerRunShell';

export interface AuthorizationRequest {
  protocol: Protocol;
  service: string;
  operation: string;
  /** JSON body (SSM, KMS). */
  input?: Record<string, unknown>;
  /** Query parameters (EC2, IAM, STS). */
  params?: URLSearchParams;
}

interface ResourceCheck {
  resource: string;
  keys: Record<string, string[]>;
}

/** ARN of an SSM document as IAM sees it (AWS-owned documents have no account). */
export function documentArn(name: string, region: string, accountId: string): string {
  if (name.startsWith('arn:')) return name;
  return name.startsWith('AWS-')
    ? `arn:aws:ssm:${region}::document/${name}`
    : `arn:aws:ssm:${region}:${accountId}:document/${name}`;
}

export function instanceArn(id: string, region: string, accountId: string): string {
  return id.startsWith('mi-')
    ? `arn:aws:ssm:${region}:${accountId}:managed-instance/${id}`
    : `arn:aws:ec2:${region}:${accountId}:instance/${id}`;
}

/** `ssm:resourceTag/<k>` and `aws:ResourceTag/<k>` for an instance's tags. */
export function instanceTagKeys(instance: FleetInstance | undefined): Record<string, string[]> {
  const keys: Record<string, string[]> = {};
  for (const tag of instance?.tags ?? []) {
    keys[`ssm:resourceTag/${tag.key}`] = [tag.value];
    keys[`aws:ResourceTag/${tag.key}`] = [tag.value];
  }
  return keys;
}

function resourcesFor(req: AuthorizationRequest, ctx: OperationContext): ResourceCheck[] {
  const { region, caller } = ctx;
  const account = caller.accountId;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  if (req.service === 'ssm') {
    const input = req.input ?? {};
    if (req.operation === 'StartSession') {
      const target = str(input['Target']);
      const document = str(input['DocumentName']);
      const named = document !== '';
      const access: Record<string, string[]> = named ? { 'ssm:SessionDocumentAccessCheck': ['true'] } : {};
      return [
        {
          resource: instanceArn(target, region, account),
          keys: { ...instanceTagKeys(ctx.fleet.get(target)), ...access },
        },
        { resource: documentArn(named ? document : DEFAULT_SESSION_DOCUMENT_NAME, region, account), keys: access },
      ];
    }
    if (req.operation === 'TerminateSession' || req.operation === 'ResumeSession') {
      return [{ resource: `arn:aws:ssm:${region}:${account}:session/${str(input['SessionId'])}`, keys: {} }];
    }
    if (req.operation === 'GetDocument' || req.operation === 'DescribeDocument') {
      return [{ resource: documentArn(str(input['Name']), region, account), keys: {} }];
    }
  }
  if (req.service === 'iam') {
    const p = req.params ?? new URLSearchParams();
    if (req.operation === 'GetInstanceProfile')
      return [{ resource: `arn:aws:iam::${account}:instance-profile/${p.get('InstanceProfileName') ?? ''}`, keys: {} }];
    if (req.operation === 'ListAttachedRolePolicies' || req.operation === 'GetRole')
      return [{ resource: `arn:aws:iam::${account}:role/${p.get('RoleName') ?? ''}`, keys: {} }];
    if (req.operation === 'SimulatePrincipalPolicy') return [{ resource: p.get('PolicySourceArn') ?? '*', keys: {} }];
  }
  if (req.service === 'kms') {
    const key = str((req.input ?? {})['KeyId']);
    if (key !== '') {
      const arn = key.startsWith('arn:')
        ? key
        : key.startsWith('alias/')
          ? `arn:aws:kms:${region}:${account}:${key}`
          : `arn:aws:kms:${region}:${account}:key/${key}`;
      return [{ resource: arn, keys: {} }];
    }
  }
  return [{ resource: '*', keys: {} }];
}

function denied(req: AuthorizationRequest, arn: string, action: string, resource: string, explicit: boolean): AwsError {
  const why = explicit
    ? `with an explicit deny in an identity-based policy`
    : `because no identity-based policy allows the ${action} action`;
  const sentence = `User: ${arn} is not authorized to perform: ${action} on resource: ${resource} ${why}`;
  switch (req.protocol) {
    case 'json':
      return new AwsError('AccessDeniedException', sentence, 400);
    case 'ec2':
      return new AwsError(
        'UnauthorizedOperation',
        `You are not authorized to perform this operation. ${sentence}`,
        403,
      );
    case 'query':
      return new AwsError('AccessDenied', sentence, 403);
  }
}

/** Undefined when allowed (or the caller is unrestricted); the AwsError to send otherwise. */
export function authorize(req: AuthorizationRequest, ctx: OperationContext): AwsError | undefined {
  if (req.service === 'sts' && req.operation === 'GetCallerIdentity') return undefined;
  const model = IamModel.of(ctx.fleet);
  const principal = model.principal(ctx.caller.arn);
  if (!principal) return undefined;
  const policies = model.policiesOf(principal.entity);
  const action = `${req.service}:${req.operation}`;
  const base = {
    ...model.principalKeys(principal),
    'aws:RequestedRegion': [ctx.region],
    'aws:CurrentTime': [ctx.now.toISOString()],
    'aws:SecureTransport': ['true'],
  };
  for (const check of resourcesFor(req, ctx)) {
    const request: RequestContext = { action, resource: check.resource, keys: { ...base, ...check.keys } };
    const result = evaluate(policies, request);
    if (result.decision !== 'allowed')
      return denied(req, ctx.caller.arn, action, check.resource, result.decision === 'explicitDeny');
  }
  return undefined;
}
