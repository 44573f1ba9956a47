/**
 * The connect doctor: for one EC2 instance or managed node, every check of what Session Manager needs, each
 * pass / fail (with the cause in one sentence and the fix: console path, exact AWS CLI command, documentation) /
 * unknown (could not check, naming the permission that was missing) / skipped (another failed check explains it).
 *
 * It reads only: EC2 (DescribeInstances, DescribeRouteTables, DescribeVpcs, DescribeVpcAttribute,
 * DescribeVpcEndpoints, DescribeSecurityGroups), SSM (DescribeInstanceInformation, GetDocument), STS
 * (GetCallerIdentity) and IAM (GetInstanceProfile, ListAttachedRolePolicies, SimulatePrincipalPolicy).
 */
import {
  DescribeInstancesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  type Instance as Ec2Instance,
  type RouteTable,
  type SecurityGroup,
  type VpcEndpoint,
} from '@aws-sdk/client-ec2';
import {
  GetInstanceProfileCommand,
  ListAttachedRolePoliciesCommand,
  SimulatePrincipalPolicyCommand,
  type ContextEntry,
} from '@aws-sdk/client-iam';
import { DescribeInstanceInformationCommand, GetDocumentCommand, type InstanceInformation } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { t, type Locale, type MessageKey } from '../../../shared/i18n/catalog';
import type { AwsClientFactory } from '../aws/clients';
import { redactSecrets } from '../aws/errors';
import { silentLogger, type Logger } from '../base/logger';
import {
  admitsHttpsFrom,
  allowsHttpsToEndpoints,
  allowsHttpsToInternet,
  defaultRoute,
  endpointFor,
  SSM_ENDPOINT_SERVICES,
  type DefaultRoute,
} from './network';
import { CHECK_IDS, type Check, type CheckFix, type CheckId, type Diagnosis, type DiagnoseRequest } from './types';
import { compareVersions, documentNeeds, MUX_AFTER_AGENT } from './versions';

export const DEFAULT_DOCUMENT = 'SSM-SessionManagerRunShell';
export const SSM_CORE_POLICY_ARN = 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore';
/** What the instance role must allow for Session Manager (issue 7). */
export const SESSION_MANAGER_ROLE_ACTIONS = [
  'ssm:UpdateInstanceInformation',
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
  'ec2messages:GetMessages',
] as const;

const DOCS = {
  state: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Stop_Start.html',
  profile: 'https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html',
  agent: 'https://docs.aws.amazon.com/systems-manager/latest/userguide/troubleshooting-managed-nodes.html',
  agentUpdate: 'https://docs.aws.amazon.com/systems-manager/latest/userguide/agent-install-automatic-updates.html',
  endpoints: 'https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html',
  dns: 'https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html',
  userPolicy:
    'https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-restrict-access-quickstart.html',
  kms: 'https://docs.aws.amazon.com/systems-manager/latest/userguide/session-preferences-enable-encryption.html',
  preferences:
    'https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-getting-started-configure-preferences.html',
  simulate: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_testing-policies.html',
} as const;

export interface DoctorDeps {
  clients: AwsClientFactory;
  logger?: Logger;
  locale?: Locale;
}

/** A call's outcome: its value, or the permission that was denied, or another error's (scrubbed) message. */
type Attempt<T> = { ok: true; value: T } | { ok: false; denied: string } | { ok: false; error: string };

const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedAccess']);

interface SessionPreferences {
  s3BucketName: string;
  s3KeyPrefix: string;
  s3EncryptionEnabled: boolean;
  cloudWatchLogGroupName: string;
  kmsKeyId: string;
  runAsEnabled: boolean;
  runAsDefaultUser: string;
  idleSessionTimeout: string;
  maxSessionDuration: string;
}

interface Principal {
  /** ARN to simulate (user or role). */
  arn: string;
  kind: 'user' | 'role';
  name: string;
  /** The name session ids start with (user name, or the role session name). */
  sessionPrefix: string;
  accountId: string;
}

export class Doctor {
  private readonly clients: AwsClientFactory;
  private readonly logger: Logger;
  private readonly locale: Locale;

  constructor(deps: DoctorDeps) {
    this.clients = deps.clients;
    this.logger = deps.logger ?? silentLogger;
    this.locale = deps.locale ?? 'en';
  }

  async diagnose(request: DiagnoseRequest): Promise<Diagnosis> {
    const run = new DiagnosisRun(this.clients, this.logger, this.locale, request);
    return run.execute();
  }
}

class DiagnosisRun {
  private readonly checks = new Map<CheckId, Check>();
  private readonly q: { profile: string; region: string };
  private readonly document: string;
  private readonly target: string;
  private readonly region: string;

  constructor(
    private readonly clients: AwsClientFactory,
    private readonly logger: Logger,
    private readonly locale: Locale,
    request: DiagnoseRequest,
  ) {
    this.q = { profile: request.profile, region: request.region };
    this.document = request.document?.trim() || DEFAULT_DOCUMENT;
    this.explicitDocument = request.document !== undefined && request.document.trim() !== '';
    this.target = request.target;
    this.region = request.region;
  }

  private readonly explicitDocument: boolean;

  private m(key: MessageKey, params?: Record<string, string | number>): string {
    return t(key, params, this.locale);
  }

  private async attempt<T>(permission: string, call: () => Promise<T>): Promise<Attempt<T>> {
    try {
      return { ok: true, value: await call() };
    } catch (e) {
      const err = e as { name?: string; message?: string };
      if (err.name && DENIED.has(err.name)) return { ok: false, denied: permission };
      this.logger.debug('doctor: call failed', { permission, name: err.name });
      return { ok: false, error: redactSecrets(err.message ?? String(e)) };
    }
  }

  private set(check: Omit<Check, 'title'>): void {
    this.checks.set(check.id, { ...check, title: this.m(`doctor.check.${check.id}`) });
  }

  private pass(id: CheckId, summary: string, details?: string[]): void {
    this.set({ id, status: 'pass', summary, ...(details && details.length > 0 ? { details } : {}) });
  }

  private fail(id: CheckId, summary: string, fix: CheckFix, details?: string[]): void {
    this.set({ id, status: 'fail', summary, fix, ...(details && details.length > 0 ? { details } : {}) });
  }

  private unknown(id: CheckId, outcome: { denied: string } | { error: string }, principal = 'you'): void {
    if ('denied' in outcome) {
      this.set({
        id,
        status: 'unknown',
        summary: this.m('doctor.unknown.permission', { permission: outcome.denied }),
        missingPermission: outcome.denied,
        fix: {
          console: this.m('doctor.unknown.fix', { permission: outcome.denied, principal }),
          cli: `aws iam simulate-principal-policy --policy-source-arn ${principal} --action-names ${outcome.denied}`,
          docs: DOCS.simulate,
        },
      });
    } else {
      this.set({ id, status: 'unknown', summary: this.m('doctor.unknown.error', { message: outcome.error }) });
    }
  }

  private skip(id: CheckId, blockedBy: CheckId): void {
    this.set({
      id,
      status: 'skipped',
      summary: this.m('doctor.skipped.after', { check: this.m(`doctor.check.${blockedBy}`) }),
      blockedBy,
    });
  }

  private skipHybrid(id: CheckId): void {
    this.set({ id, status: 'skipped', summary: this.m('doctor.skipped.hybrid', { target: this.target }) });
  }

  private failed(id: CheckId): boolean {
    return this.checks.get(id)?.status === 'fail';
  }

  async execute(): Promise<Diagnosis> {
    const hybrid = this.target.startsWith('mi-');
    const [instanceAttempt, nodeAttempt, callerAttempt, prefsAttempt] = await Promise.all([
      hybrid ? Promise.resolve(undefined) : this.describeInstance(),
      this.describeNode(),
      this.attempt('sts:GetCallerIdentity', () => this.clients.sts(this.q).send(new GetCallerIdentityCommand({}))),
      this.readPreferences(),
    ]);
    const caller = callerAttempt.ok ? callerAttempt.value.Arn : undefined;

    if (instanceAttempt && instanceAttempt.ok && instanceAttempt.value === undefined) {
      // No such instance: nothing else can be said.
      this.set({
        id: 'instance-state',
        status: 'fail',
        summary: this.m('doctor.notFound', { target: this.target, region: this.region }),
        fix: {
          console: this.m('doctor.instance-state.console', { target: this.target }),
          cli: `aws ec2 describe-instances --instance-ids ${this.target} --region ${this.region}`,
          docs: DOCS.state,
        },
      });
      return this.result(caller, ['instance-state']);
    }

    const instance = instanceAttempt?.ok ? instanceAttempt.value : undefined;
    const prefs = prefsAttempt.ok ? prefsAttempt.value : undefined;

    // EC2 side
    if (hybrid) {
      for (const id of [
        'instance-state',
        'instance-profile',
        'role-permissions',
        'network-route',
        'vpc-dns',
        'security-groups',
      ] as const)
        this.skipHybrid(id);
    } else if (!instance) {
      const outcome = instanceAttempt && !instanceAttempt.ok ? instanceAttempt : { error: 'no answer' };
      for (const id of [
        'instance-state',
        'instance-profile',
        'role-permissions',
        'network-route',
        'vpc-dns',
        'security-groups',
      ] as const)
        this.unknown(id, outcome);
    } else {
      this.checkState(instance);
      await this.checkProfileAndRole(instance, prefsAttempt.ok ? prefs : undefined);
      await this.checkNetwork(instance);
    }

    // SSM side
    this.checkAgent(nodeAttempt, instance);

    // The user
    await this.checkUser(callerAttempt, instance, prefsAttempt);

    // Preferences
    this.checkPreferences(prefsAttempt);

    return this.result(caller);
  }

  private result(caller: string | undefined, only?: CheckId[]): Diagnosis {
    const checks = (only ?? CHECK_IDS).map((id) => this.checks.get(id)).filter((c): c is Check => c !== undefined);
    return {
      target: this.target,
      region: this.region,
      document: this.document,
      ...(caller ? { caller } : {}),
      checks,
      ok: checks.every((c) => c.status !== 'fail'),
    };
  }

  // ---- data ----

  private async describeInstance(): Promise<Attempt<Ec2Instance | undefined>> {
    try {
      const out = await this.clients.ec2(this.q).send(new DescribeInstancesCommand({ InstanceIds: [this.target] }));
      return { ok: true, value: out.Reservations?.flatMap((r) => r.Instances ?? [])[0] };
    } catch (e) {
      const err = e as { name?: string; message?: string };
      if (err.name === 'InvalidInstanceID.NotFound' || err.name === 'InvalidInstanceID.Malformed')
        return { ok: true, value: undefined };
      if (err.name && DENIED.has(err.name)) return { ok: false, denied: 'ec2:DescribeInstances' };
      return { ok: false, error: redactSecrets(err.message ?? String(e)) };
    }
  }

  private describeNode(): Promise<Attempt<InstanceInformation | undefined>> {
    return this.attempt('ssm:DescribeInstanceInformation', async () => {
      const out = await this.clients
        .ssm(this.q)
        .send(new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [this.target] }] }));
      return out.InstanceInformationList?.find((i) => i.InstanceId === this.target);
    });
  }

  /** The region's preferences document; undefined when none was ever saved. */
  private async readPreferences(): Promise<Attempt<SessionPreferences | undefined>> {
    try {
      const out = await this.clients.ssm(this.q).send(new GetDocumentCommand({ Name: DEFAULT_DOCUMENT }));
      const content = JSON.parse(out.Content ?? '{}') as { inputs?: Record<string, unknown> };
      const i = content.inputs ?? {};
      const s = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
      const b = (v: unknown, d: boolean) =>
        typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : d;
      return {
        ok: true,
        value: {
          s3BucketName: s(i['s3BucketName']),
          s3KeyPrefix: s(i['s3KeyPrefix']),
          s3EncryptionEnabled: b(i['s3EncryptionEnabled'], true),
          cloudWatchLogGroupName: s(i['cloudWatchLogGroupName']),
          kmsKeyId: s(i['kmsKeyId']),
          runAsEnabled: b(i['runAsEnabled'], false),
          runAsDefaultUser: s(i['runAsDefaultUser']),
          idleSessionTimeout: s(i['idleSessionTimeout']) || '20',
          maxSessionDuration: s(i['maxSessionDuration']),
        },
      };
    } catch (e) {
      const err = e as { name?: string; message?: string };
      if (err.name === 'InvalidDocument') return { ok: true, value: undefined };
      if (err.name && DENIED.has(err.name)) return { ok: false, denied: 'ssm:GetDocument' };
      return { ok: false, error: redactSecrets(err.message ?? String(e)) };
    }
  }

  private async simulate(
    principalArn: string,
    actions: readonly string[],
    resource: string | undefined,
    context: ContextEntry[] = [],
  ): Promise<Attempt<Map<string, string>>> {
    return this.attempt('iam:SimulatePrincipalPolicy', async () => {
      const decisions = new Map<string, string>();
      let marker: string | undefined;
      do {
        const out = await this.clients.iam(this.q).send(
          new SimulatePrincipalPolicyCommand({
            PolicySourceArn: principalArn,
            ActionNames: [...actions],
            ...(resource ? { ResourceArns: [resource] } : {}),
            ...(context.length > 0 ? { ContextEntries: context } : {}),
            ...(marker ? { Marker: marker } : {}),
          }),
        );
        for (const r of out.EvaluationResults ?? []) {
          const specific = (r.ResourceSpecificResults ?? []).map((s) => s.EvalResourceDecision);
          const worst = [r.EvalDecision, ...specific].find((d) => d !== 'allowed') ?? 'allowed';
          const prior = decisions.get(r.EvalActionName ?? '');
          decisions.set(r.EvalActionName ?? '', prior && prior !== 'allowed' ? prior : (worst ?? 'implicitDeny'));
        }
        marker = out.IsTruncated ? out.Marker : undefined;
      } while (marker);
      return decisions;
    });
  }

  // ---- checks ----

  private checkState(instance: Ec2Instance): void {
    const state = instance.State?.Name ?? 'unknown';
    if (state === 'running') return this.pass('instance-state', this.m('doctor.instance-state.pass'));
    this.fail('instance-state', this.m('doctor.instance-state.fail', { state }), {
      console: this.m('doctor.instance-state.console', { target: this.target }),
      cli: `aws ec2 start-instances --instance-ids ${this.target} --region ${this.region}`,
      docs: DOCS.state,
    });
  }

  private async checkProfileAndRole(instance: Ec2Instance, prefs: SessionPreferences | undefined): Promise<void> {
    const profileArn = instance.IamInstanceProfile?.Arn;
    const profileFix = (): CheckFix => ({
      console: this.m('doctor.instance-profile.console', { target: this.target }),
      cli: `aws ec2 associate-iam-instance-profile --instance-id ${this.target} --iam-instance-profile Name=<profile-with-AmazonSSMManagedInstanceCore> --region ${this.region}`,
      docs: DOCS.profile,
    });
    if (!profileArn) {
      this.fail('instance-profile', this.m('doctor.instance-profile.none'), profileFix());
      this.skip('role-permissions', 'instance-profile');
      return;
    }
    const profileName = profileArn.slice(profileArn.lastIndexOf('/') + 1);
    const iam = this.clients.iam(this.q);
    let profile: Attempt<{ roles: Array<{ name: string; arn: string }> } | undefined>;
    try {
      const out = await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: profileName }));
      profile = {
        ok: true,
        value: {
          roles: (out.InstanceProfile?.Roles ?? []).map((r) => ({ name: r.RoleName ?? '', arn: r.Arn ?? '' })),
        },
      };
    } catch (e) {
      const err = e as { name?: string; message?: string };
      if (err.name === 'NoSuchEntityException' || err.name === 'NoSuchEntity') profile = { ok: true, value: undefined };
      else if (err.name && DENIED.has(err.name)) profile = { ok: false, denied: 'iam:GetInstanceProfile' };
      else profile = { ok: false, error: redactSecrets(err.message ?? String(e)) };
    }
    if (!profile.ok) {
      this.unknown('instance-profile', profile);
      this.unknown('role-permissions', profile);
      return;
    }
    if (!profile.value) {
      this.fail('instance-profile', this.m('doctor.instance-profile.missing', { profile: profileName }), profileFix());
      this.skip('role-permissions', 'instance-profile');
      return;
    }
    const role = profile.value.roles[0];
    if (!role) {
      this.fail('instance-profile', this.m('doctor.instance-profile.noRole', { profile: profileName }), {
        console: `IAM console › Roles › Create role › EC2 › AmazonSSMManagedInstanceCore`,
        cli: `aws iam add-role-to-instance-profile --instance-profile-name ${profileName} --role-name <role-with-AmazonSSMManagedInstanceCore>`,
        docs: DOCS.profile,
      });
      this.skip('role-permissions', 'instance-profile');
      return;
    }
    this.pass('instance-profile', this.m('doctor.instance-profile.pass', { profile: profileName, role: role.name }));

    const attached = await this.attempt('iam:ListAttachedRolePolicies', async () => {
      const arns: string[] = [];
      let marker: string | undefined;
      do {
        const out = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role.name, Marker: marker }));
        arns.push(...(out.AttachedPolicies ?? []).map((p) => p.PolicyArn ?? ''));
        marker = out.IsTruncated ? out.Marker : undefined;
      } while (marker);
      return arns;
    });
    const hasCore = attached.ok && attached.value.includes(SSM_CORE_POLICY_ARN);
    const extras = roleExtras(prefs);
    const roleFix: CheckFix = {
      console: this.m('doctor.role-permissions.console', { role: role.name }),
      cli: `aws iam attach-role-policy --role-name ${role.name} --policy-arn ${SSM_CORE_POLICY_ARN}`,
      docs: DOCS.profile,
    };
    // Core actions: the managed policy answers it, or the simulator does.
    const missingCore: string[] = [];
    if (!hasCore) {
      const sim = await this.simulate(role.arn, SESSION_MANAGER_ROLE_ACTIONS, undefined);
      if (!sim.ok) return this.unknown('role-permissions', sim, role.arn);
      for (const action of SESSION_MANAGER_ROLE_ACTIONS)
        if (sim.value.get(action) !== 'allowed') missingCore.push(action);
    }
    if (missingCore.length > 0)
      return this.fail(
        'role-permissions',
        this.m('doctor.role-permissions.fail', { role: role.name, actions: missingCore.join(', ') }),
        roleFix,
      );
    const missingExtra: string[] = [];
    for (const extra of extras) {
      const sim = await this.simulate(role.arn, extra.actions, extra.resource);
      if (!sim.ok) return this.unknown('role-permissions', sim, role.arn);
      for (const action of extra.actions) if (sim.value.get(action) !== 'allowed') missingExtra.push(action);
    }
    if (missingExtra.length > 0) {
      this.set({
        id: 'role-permissions',
        status: 'fail',
        summary: this.m('doctor.role-permissions.failExtra', { role: role.name, actions: missingExtra.join(', ') }),
        fix: {
          console: `IAM console › Roles › ${role.name} › Add permissions › Create inline policy`,
          cli: `aws iam put-role-policy --role-name ${role.name} --policy-name SessionManagerLogging --policy-document file://instance-role-policy.json`,
          docs: DOCS.preferences,
        },
      });
      // Not a registration problem: remember it so the agent check is not blamed on it.
      this.extraOnly = true;
      return;
    }
    this.pass(
      'role-permissions',
      this.m(hasCore ? 'doctor.role-permissions.passManaged' : 'doctor.role-permissions.passSimulated', {
        role: role.name,
      }),
    );
  }

  /** The role check failed only for logging/encryption permissions (the agent still registers). */
  private extraOnly = false;

  private async checkNetwork(instance: Ec2Instance): Promise<void> {
    const ec2 = this.clients.ec2(this.q);
    const vpcId = instance.VpcId;
    const subnetId = instance.SubnetId;
    if (!vpcId || !subnetId) {
      const outcome = { error: 'the instance is not in a VPC' };
      for (const id of ['network-route', 'vpc-dns', 'security-groups'] as const) this.unknown(id, outcome);
      return;
    }
    const [tablesAttempt, endpointsAttempt, vpcAttempt, dnsSupport, dnsHostnames] = await Promise.all([
      this.attempt('ec2:DescribeRouteTables', async () => {
        const explicit = await ec2.send(
          new DescribeRouteTablesCommand({ Filters: [{ Name: 'association.subnet-id', Values: [subnetId] }] }),
        );
        if ((explicit.RouteTables ?? []).length > 0) return explicit.RouteTables![0];
        const main = await ec2.send(
          new DescribeRouteTablesCommand({
            Filters: [
              { Name: 'vpc-id', Values: [vpcId] },
              { Name: 'association.main', Values: ['true'] },
            ],
          }),
        );
        return main.RouteTables?.[0] as RouteTable | undefined;
      }),
      this.attempt('ec2:DescribeVpcEndpoints', async () => {
        const out: VpcEndpoint[] = [];
        let token: string | undefined;
        do {
          const page = await ec2.send(
            new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }], NextToken: token }),
          );
          out.push(...(page.VpcEndpoints ?? []));
          token = page.NextToken;
        } while (token);
        return out;
      }),
      this.attempt(
        'ec2:DescribeVpcs',
        async () => (await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs?.[0],
      ),
      this.attempt(
        'ec2:DescribeVpcAttribute',
        async () =>
          (await ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsSupport' })))
            .EnableDnsSupport?.Value,
      ),
      this.attempt(
        'ec2:DescribeVpcAttribute',
        async () =>
          (await ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsHostnames' })))
            .EnableDnsHostnames?.Value,
      ),
    ]);

    // Route
    const endpoints = endpointsAttempt.ok ? endpointsAttempt.value : [];
    const ssmEndpoints = SSM_ENDPOINT_SERVICES.map((s) => ({
      service: s,
      endpoint: endpointFor(endpoints, this.region, s),
    }));
    const missing = ssmEndpoints.filter((e) => !e.endpoint).map((e) => e.service);
    const allEndpoints = missing.length === 0;
    const privateDnsOn = allEndpoints && ssmEndpoints.every((e) => e.endpoint?.PrivateDnsEnabled === true);
    const route: DefaultRoute = tablesAttempt.ok ? defaultRoute(tablesAttempt.value) : undefined;
    const running = instance.State?.Name === 'running';
    const internet =
      route !== undefined && (route.kind !== 'igw' || !running || instance.PublicIpAddress !== undefined);
    let path: 'internet' | 'endpoints' | undefined;
    if (allEndpoints && (privateDnsOn || !internet)) path = 'endpoints';
    else if (internet) path = 'internet';

    if (!tablesAttempt.ok && !allEndpoints) {
      this.unknown('network-route', tablesAttempt);
    } else if (!endpointsAttempt.ok && !internet) {
      this.unknown('network-route', endpointsAttempt);
    } else if (path === 'endpoints') {
      this.pass('network-route', this.m('doctor.network-route.endpoints', { vpc: vpcId }));
    } else if (path === 'internet' && route) {
      this.pass(
        'network-route',
        this.m(route.kind === 'igw' ? 'doctor.network-route.igw' : 'doctor.network-route.nat', {
          subnet: subnetId,
          gateway: route.gateway,
        }),
      );
    } else {
      const service = missing[0] ?? 'ssm';
      const summary =
        route?.kind === 'igw'
          ? this.m('doctor.network-route.igwNoPublicIp', { subnet: subnetId })
          : this.m('doctor.network-route.none', { subnet: subnetId, vpc: vpcId, missing: missing.join(', ') });
      this.fail('network-route', summary, {
        console: this.m('doctor.network-route.console', { region: this.region, service }),
        cli: missing
          .map(
            (s) =>
              `aws ec2 create-vpc-endpoint --vpc-id ${vpcId} --vpc-endpoint-type Interface --service-name com.amazonaws.${this.region}.${s} --subnet-ids ${subnetId} --security-group-ids <sg-allowing-443-from-the-vpc> --private-dns-enabled --region ${this.region}`,
          )
          .join('\n'),
        docs: DOCS.endpoints,
      });
    }

    // DNS
    if (!dnsSupport.ok) this.unknown('vpc-dns', dnsSupport);
    else if (dnsSupport.value === false)
      this.fail('vpc-dns', this.m('doctor.vpc-dns.noSupport', { vpc: vpcId }), {
        console: this.m('doctor.vpc-dns.console', { vpc: vpcId }),
        cli: `aws ec2 modify-vpc-attribute --vpc-id ${vpcId} --enable-dns-support '{"Value":true}' --region ${this.region}`,
        docs: DOCS.dns,
      });
    else if (path === 'endpoints' && !dnsHostnames.ok) this.unknown('vpc-dns', dnsHostnames);
    else if (path === 'endpoints' && dnsHostnames.ok && dnsHostnames.value === false)
      this.fail('vpc-dns', this.m('doctor.vpc-dns.noHostnames', { vpc: vpcId }), {
        console: this.m('doctor.vpc-dns.console', { vpc: vpcId }),
        cli: `aws ec2 modify-vpc-attribute --vpc-id ${vpcId} --enable-dns-hostnames '{"Value":true}' --region ${this.region}`,
        docs: DOCS.dns,
      });
    else if (path === 'endpoints' && !privateDnsOn) {
      const off = ssmEndpoints
        .filter((e) => e.endpoint?.PrivateDnsEnabled !== true)
        .map((e) => e.endpoint!.VpcEndpointId!);
      this.fail('vpc-dns', this.m('doctor.vpc-dns.noPrivateDns', { endpoints: off.join(', ') }), {
        console: `VPC console › Endpoints › ${off[0]} › Actions › Modify private DNS name › Enable for this endpoint`,
        cli: off
          .map(
            (id) => `aws ec2 modify-vpc-endpoint --vpc-endpoint-id ${id} --private-dns-enabled --region ${this.region}`,
          )
          .join('\n'),
        docs: DOCS.endpoints,
      });
    } else this.pass('vpc-dns', this.m('doctor.vpc-dns.pass', { vpc: vpcId }));

    // Security groups
    const instanceGroupIds = (instance.SecurityGroups ?? []).map((g) => g.GroupId!).filter(Boolean);
    const endpointGroupIds =
      path === 'endpoints'
        ? [...new Set(ssmEndpoints.flatMap((e) => (e.endpoint?.Groups ?? []).map((g) => g.GroupId!)))]
        : [];
    const groupsAttempt = await this.attempt('ec2:DescribeSecurityGroups', async () => {
      const ids = [...new Set([...instanceGroupIds, ...endpointGroupIds])];
      if (ids.length === 0) return [] as SecurityGroup[];
      return (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ids }))).SecurityGroups ?? [];
    });
    if (!groupsAttempt.ok) return this.unknown('security-groups', groupsAttempt);
    const byId = new Map(groupsAttempt.value.map((g) => [g.GroupId, g]));
    const instanceGroups = instanceGroupIds
      .map((id) => byId.get(id))
      .filter((g): g is SecurityGroup => g !== undefined);
    const vpcCidr = vpcAttempt.ok ? vpcAttempt.value?.CidrBlock : undefined;
    const egressOk =
      path === 'endpoints'
        ? allowsHttpsToEndpoints(instanceGroups, vpcCidr, endpointGroupIds)
        : allowsHttpsToInternet(instanceGroups);
    if (!egressOk) {
      const group = instanceGroupIds[0] ?? '';
      return this.fail(
        'security-groups',
        this.m('doctor.security-groups.noEgress', { groups: instanceGroupIds.join(', ') }),
        {
          console: this.m('doctor.security-groups.console', { group }),
          cli: `aws ec2 authorize-security-group-egress --group-id ${group} --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=${path === 'endpoints' && vpcCidr ? vpcCidr : '0.0.0.0/0'}}]' --region ${this.region}`,
          docs: DOCS.endpoints,
        },
      );
    }
    if (path === 'endpoints') {
      const closed = ssmEndpoints
        .map((e) => (e.endpoint?.Groups ?? []).map((g) => byId.get(g.GroupId!)).filter((g): g is SecurityGroup => !!g))
        .filter((groups) => !admitsHttpsFrom(groups, instance.PrivateIpAddress, instanceGroupIds))
        .flatMap((groups) => groups.map((g) => g.GroupId!));
      const unique = [...new Set(closed)];
      if (unique.length > 0) {
        return this.fail(
          'security-groups',
          this.m('doctor.security-groups.endpointIngress', { groups: unique.join(', ') }),
          {
            console: `EC2 console › Security Groups › ${unique[0]} › Edit inbound rules › HTTPS from ${vpcCidr ?? instance.PrivateIpAddress}`,
            cli: unique
              .map(
                (g) =>
                  `aws ec2 authorize-security-group-ingress --group-id ${g} --protocol tcp --port 443 --cidr ${vpcCidr ?? `${instance.PrivateIpAddress}/32`} --region ${this.region}`,
              )
              .join('\n'),
            docs: DOCS.endpoints,
          },
        );
      }
    }
    this.pass('security-groups', this.m('doctor.security-groups.pass'));
  }

  private checkAgent(node: Attempt<InstanceInformation | undefined>, instance: Ec2Instance | undefined): void {
    const upstream = (
      ['instance-state', 'instance-profile', 'role-permissions', 'network-route', 'vpc-dns', 'security-groups'] as const
    ).find((id) => this.failed(id) && !(id === 'role-permissions' && this.extraOnly));
    if (!node.ok) {
      this.unknown('ssm-agent', node);
      this.unknown('agent-version', node);
      return;
    }
    const info = node.value;
    const lastPing = info?.LastPingDateTime ? info.LastPingDateTime.toISOString() : '-';
    const fixFor = (): CheckFix => {
      const windows = info?.PlatformType === 'Windows' || instance?.Platform === 'Windows';
      return {
        console: this.m('doctor.ssm-agent.console', { target: this.target }),
        cli: windows
          ? `aws ssm send-command --document-name AWS-RunPowerShellScript --instance-ids ${this.target} --parameters 'commands=["Restart-Service AmazonSSMAgent"]' --region ${this.region}  # or: aws ec2 reboot-instances --instance-ids ${this.target} --region ${this.region}`
          : `aws ec2 reboot-instances --instance-ids ${this.target} --region ${this.region}  # on the instance: sudo systemctl restart amazon-ssm-agent`,
        docs: DOCS.agent,
      };
    };
    if (info?.PingStatus === 'Online') {
      this.pass('ssm-agent', this.m('doctor.ssm-agent.pass', { lastPing }));
    } else if (upstream) {
      this.skip('ssm-agent', upstream);
    } else if (!info) {
      this.fail('ssm-agent', this.m('doctor.ssm-agent.notRegistered'), {
        ...fixFor(),
        cli: `aws ssm describe-instance-information --filters Key=InstanceIds,Values=${this.target} --region ${this.region}`,
      });
    } else {
      this.fail(
        'ssm-agent',
        this.m(info.PingStatus === 'Inactive' ? 'doctor.ssm-agent.inactive' : 'doctor.ssm-agent.lost', { lastPing }),
        fixFor(),
      );
    }
    // Version: only known for a node SSM has seen.
    const version = info?.AgentVersion;
    if (!version) {
      this.skip('agent-version', upstream ?? 'ssm-agent');
      return;
    }
    const needs = documentNeeds(this.document);
    if (needs.minimum && compareVersions(version, needs.minimum) < 0) {
      this.fail(
        'agent-version',
        this.m('doctor.agent-version.tooOld', { version, document: this.document, minimum: needs.minimum }),
        {
          console: this.m('doctor.agent-version.console', { target: this.target }),
          cli: `aws ssm send-command --document-name AWS-UpdateSSMAgent --instance-ids ${this.target} --region ${this.region}`,
          docs: DOCS.agentUpdate,
        },
      );
      return;
    }
    const mux = compareVersions(version, MUX_AFTER_AGENT) > 0;
    this.pass(
      'agent-version',
      this.m(needs.port && !mux ? 'doctor.agent-version.noMux' : 'doctor.agent-version.pass', {
        version,
        document: this.document,
      }),
    );
  }

  private principalOf(callerArn: string): Principal | undefined {
    const user = /^arn:(aws[\w-]*):iam::(\d{12}):user\/(?:.*\/)?([^/]+)$/.exec(callerArn);
    if (user) return { arn: callerArn, kind: 'user', name: user[3]!, sessionPrefix: user[3]!, accountId: user[2]! };
    const assumed = /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/.exec(callerArn);
    if (assumed)
      return {
        arn: `arn:${assumed[1]}:iam::${assumed[2]}:role/${assumed[3]}`,
        kind: 'role',
        name: assumed[3]!,
        sessionPrefix: assumed[4]!,
        accountId: assumed[2]!,
      };
    return undefined;
  }

  private async checkUser(
    callerAttempt: Attempt<{ Arn?: string; Account?: string }>,
    instance: Ec2Instance | undefined,
    prefsAttempt: Attempt<SessionPreferences | undefined>,
  ): Promise<void> {
    const ids = ['user-start-session', 'user-terminate-session', 'user-kms'] as const;
    if (!callerAttempt.ok) {
      for (const id of ids) this.unknown(id, callerAttempt);
      return;
    }
    const callerArn = callerAttempt.value.Arn ?? '';
    const principal = this.principalOf(callerArn);
    if (!principal) {
      for (const id of ids)
        this.set({ id, status: 'unknown', summary: this.m('doctor.user.noPrincipal', { caller: callerArn }) });
      return;
    }
    const account = principal.accountId;
    const partition = callerArn.split(':')[1] ?? 'aws';
    const userKeys: ContextEntry[] =
      principal.kind === 'user'
        ? [{ ContextKeyName: 'aws:username', ContextKeyValues: [principal.name], ContextKeyType: 'string' }]
        : [];
    const tagKeys: ContextEntry[] = (instance?.Tags ?? []).flatMap((tag) => [
      {
        ContextKeyName: `ssm:resourceTag/${tag.Key}`,
        ContextKeyValues: [tag.Value ?? ''],
        ContextKeyType: 'string' as const,
      },
      {
        ContextKeyName: `aws:ResourceTag/${tag.Key}`,
        ContextKeyValues: [tag.Value ?? ''],
        ContextKeyType: 'string' as const,
      },
    ]);
    const accessCheck: ContextEntry[] = this.explicitDocument
      ? [{ ContextKeyName: 'ssm:SessionDocumentAccessCheck', ContextKeyValues: ['true'], ContextKeyType: 'boolean' }]
      : [];
    const instanceArn = this.target.startsWith('mi-')
      ? `arn:${partition}:ssm:${this.region}:${account}:managed-instance/${this.target}`
      : `arn:${partition}:ec2:${this.region}:${account}:instance/${this.target}`;
    const documentArn = this.document.startsWith('AWS-')
      ? `arn:${partition}:ssm:${this.region}::document/${this.document}`
      : `arn:${partition}:ssm:${this.region}:${account}:document/${this.document}`;
    const principalKind = principal.kind === 'user' ? 'Users' : 'Roles';
    const userFix: CheckFix = {
      console: this.m('doctor.user-start-session.console', { principalKind, principalName: principal.name }),
      cli:
        principal.kind === 'user'
          ? `aws iam put-user-policy --user-name ${principal.name} --policy-name PortholeSessionAccess --policy-document file://porthole-session-policy.json`
          : `aws iam put-role-policy --role-name ${principal.name} --policy-name PortholeSessionAccess --policy-document file://porthole-session-policy.json`,
      docs: DOCS.userPolicy,
    };

    // StartSession: the instance and the document are authorized separately.
    const onInstance = await this.simulate(principal.arn, ['ssm:StartSession'], instanceArn, [
      ...userKeys,
      ...tagKeys,
      ...accessCheck,
    ]);
    if (!onInstance.ok) this.unknown('user-start-session', onInstance, principal.arn);
    else {
      const onDocument = await this.simulate(principal.arn, ['ssm:StartSession'], documentArn, [
        ...userKeys,
        ...accessCheck,
      ]);
      if (!onDocument.ok) this.unknown('user-start-session', onDocument, principal.arn);
      else if (onInstance.value.get('ssm:StartSession') !== 'allowed')
        this.fail(
          'user-start-session',
          this.m('doctor.user-start-session.instance', { principal: callerArn, target: this.target }),
          userFix,
        );
      else if (onDocument.value.get('ssm:StartSession') !== 'allowed')
        this.fail(
          'user-start-session',
          this.m('doctor.user-start-session.document', {
            principal: callerArn,
            document: this.document,
            region: this.region,
          }),
          userFix,
        );
      else
        this.pass(
          'user-start-session',
          this.m('doctor.user-start-session.pass', {
            principal: callerArn,
            target: this.target,
            document: this.document,
          }),
        );
    }

    // Own sessions: ids start with the caller's name.
    const sessionArn = `arn:${partition}:ssm:${this.region}:${account}:session/${principal.sessionPrefix}-0123456789abcdef0`;
    const own = await this.simulate(principal.arn, ['ssm:TerminateSession', 'ssm:ResumeSession'], sessionArn, userKeys);
    if (!own.ok) this.unknown('user-terminate-session', own, principal.arn);
    else {
      const missing = ['ssm:TerminateSession', 'ssm:ResumeSession'].filter((a) => own.value.get(a) !== 'allowed');
      if (missing.length > 0)
        this.fail(
          'user-terminate-session',
          this.m('doctor.user-terminate-session.fail', { principal: callerArn, actions: missing.join(', ') }),
          userFix,
        );
      else this.pass('user-terminate-session', this.m('doctor.user-terminate-session.pass', { principal: callerArn }));
    }

    // KMS, when the preferences encrypt sessions.
    if (!prefsAttempt.ok) return this.unknown('user-kms', prefsAttempt);
    const key = prefsAttempt.value?.kmsKeyId ?? '';
    if (key === '') return this.pass('user-kms', this.m('doctor.user-kms.notNeeded'));
    const keyArn = key.startsWith('arn:') ? key : undefined;
    const kms = await this.simulate(principal.arn, ['kms:GenerateDataKey'], keyArn, userKeys);
    if (!kms.ok) return this.unknown('user-kms', kms, principal.arn);
    if (kms.value.get('kms:GenerateDataKey') === 'allowed')
      return this.pass('user-kms', this.m('doctor.user-kms.pass', { principal: callerArn, key }));
    this.fail('user-kms', this.m('doctor.user-kms.fail', { principal: callerArn, key }), {
      ...userFix,
      docs: DOCS.kms,
    });
  }

  private checkPreferences(prefsAttempt: Attempt<SessionPreferences | undefined>): void {
    if (!prefsAttempt.ok) return this.unknown('session-preferences', prefsAttempt);
    const p = prefsAttempt.value;
    if (!p) return this.pass('session-preferences', this.m('doctor.session-preferences.none', { region: this.region }));
    const items: string[] = [];
    const logs: string[] = [];
    if (p.s3BucketName) logs.push(this.m('doctor.session-preferences.logS3', { bucket: p.s3BucketName }));
    if (p.cloudWatchLogGroupName)
      logs.push(this.m('doctor.session-preferences.logCloudWatch', { group: p.cloudWatchLogGroupName }));
    items.push(...(logs.length > 0 ? logs : [this.m('doctor.session-preferences.logNone')]));
    items.push(
      p.kmsKeyId
        ? this.m('doctor.session-preferences.kms', { key: p.kmsKeyId })
        : this.m('doctor.session-preferences.noKms'),
    );
    items.push(
      this.m('doctor.session-preferences.timeouts', {
        idle: p.idleSessionTimeout,
        max: p.maxSessionDuration ? `${p.maxSessionDuration} min` : this.m('doctor.session-preferences.noMax'),
      }),
    );
    items.push(
      p.runAsEnabled
        ? this.m('doctor.session-preferences.runAs', { user: p.runAsDefaultUser || 'ssm-user' })
        : this.m('doctor.session-preferences.noRunAs'),
    );
    this.pass(
      'session-preferences',
      this.m('doctor.session-preferences.summary', {
        region: this.region,
        items: items.join(this.locale === 'ja' ? '、' : ', '),
      }),
      items,
    );
  }
}

/** What the instance role needs beyond the core actions because of the preferences (logging, encryption). */
function roleExtras(prefs: SessionPreferences | undefined): Array<{ actions: string[]; resource?: string }> {
  if (!prefs) return [];
  const out: Array<{ actions: string[]; resource?: string }> = [];
  if (prefs.s3BucketName) {
    out.push({
      actions: ['s3:PutObject'],
      resource: `arn:aws:s3:::${prefs.s3BucketName}/${prefs.s3KeyPrefix}session.log`,
    });
    if (prefs.s3EncryptionEnabled)
      out.push({ actions: ['s3:GetEncryptionConfiguration'], resource: `arn:aws:s3:::${prefs.s3BucketName}` });
  }
  if (prefs.cloudWatchLogGroupName)
    out.push({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams'],
    });
  if (prefs.kmsKeyId)
    out.push({ actions: ['kms:Decrypt'], ...(prefs.kmsKeyId.startsWith('arn:') ? { resource: prefs.kmsKeyId } : {}) });
  return out;
}
