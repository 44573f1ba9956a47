/**
 * Policy generation for Session Manager (AWS's documented patterns, written out by us):
 * - end user: ssm:StartSession on chosen instances (ids, or any instance with chosen tags via ssm:resourceTag/<key>)
 *   and on chosen session documents, with the session document access check (BoolIfExists
 *   ssm:SessionDocumentAccessCheck true); ssm:TerminateSession/ResumeSession only on the user's own sessions
 *   (arn:aws:ssm:*:*:session/${aws:username}-*); the read calls the app needs; kms:GenerateDataKey when sessions
 *   are KMS-encrypted;
 * - administrator: sessions on every instance with every document, anyone's sessions, and the preferences document;
 * - instance role: the AWS managed AmazonSSMManagedInstanceCore plus an inline policy for S3/CloudWatch logging and KMS.
 * Every statement has a Sid that explain.ts turns into a sentence.
 */
import type { PolicyDocument, PolicyStatement } from './document';

export type SessionDocumentChoice = 'shell' | 'port' | 'remote-host' | 'ssh' | 'interactive-command';

export const SESSION_DOCUMENT_NAMES: Record<SessionDocumentChoice, string> = {
  shell: 'SSM-SessionManagerRunShell',
  port: 'AWS-StartPortForwardingSession',
  'remote-host': 'AWS-StartPortForwardingSessionToRemoteHost',
  ssh: 'AWS-StartSSHSession',
  'interactive-command': 'AWS-StartInteractiveCommand',
};

export const SSM_CORE_POLICY_ARN = 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore';

export type TargetChoice =
  | { kind: 'instances'; instanceIds: string[] }
  /** Any instance whose tag <key> has one of the values (wildcards * and ? allowed). */
  | { kind: 'tags'; tags: Record<string, string[]> };

export interface EndUserPolicyOptions {
  targets: TargetChoice;
  /** Session documents: the choices above or names of your own Session documents. */
  documents: Array<SessionDocumentChoice | { name: string }>;
  /** Default `*`. */
  region?: string;
  /** Default `*`. */
  accountId?: string;
  /** The KMS key ARN that encrypts sessions (session preferences), if any. */
  kmsKeyArn?: string;
  /** Partition, default `aws`. */
  partition?: string;
}

export interface AdminPolicyOptions {
  region?: string;
  accountId?: string;
  kmsKeyArn?: string;
  partition?: string;
}

export interface InstanceRoleOptions {
  s3BucketName?: string;
  s3KeyPrefix?: string;
  /** The bucket uses default encryption (the agent reads the setting first). Default true when a bucket is given. */
  s3EncryptionEnabled?: boolean;
  cloudWatchLogGroupName?: string;
  kmsKeyArn?: string;
  partition?: string;
}

export interface InstanceRolePolicies {
  /** Attach these managed policies to the role. */
  managedPolicyArns: string[];
  /** Put this inline policy on the role (undefined when the managed policy is enough). */
  inline?: PolicyDocument;
}

export function documentName(choice: SessionDocumentChoice | { name: string }): string {
  return typeof choice === 'string' ? SESSION_DOCUMENT_NAMES[choice] : choice.name;
}

/** A session document's ARN: AWS-owned documents have no account in their ARN. */
export function documentArn(name: string, region = '*', accountId = '*', partition = 'aws'): string {
  return name.startsWith('AWS-')
    ? `arn:${partition}:ssm:${region}::document/${name}`
    : `arn:${partition}:ssm:${region}:${accountId}:document/${name}`;
}

const DOCUMENT_CHECK = { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } };

const APP_READS = [
  'ssm:DescribeInstanceInformation',
  'ssm:DescribeSessions',
  'ssm:GetConnectionStatus',
  'ssm:ListDocuments',
  'ssm:GetDocument',
  'ec2:DescribeInstances',
];

export function endUserPolicy(options: EndUserPolicyOptions): PolicyDocument {
  const region = options.region ?? '*';
  const account = options.accountId ?? '*';
  const partition = options.partition ?? 'aws';
  if (options.documents.length === 0) throw new Error('choose at least one session document');
  const statements: PolicyStatement[] = [];
  if (options.targets.kind === 'instances') {
    if (options.targets.instanceIds.length === 0) throw new Error('choose at least one instance');
    statements.push({
      Sid: 'StartSessionOnInstances',
      Effect: 'Allow',
      Action: ['ssm:StartSession'],
      Resource: options.targets.instanceIds.map((id) =>
        id.startsWith('mi-')
          ? `arn:${partition}:ssm:${region}:${account}:managed-instance/${id}`
          : `arn:${partition}:ec2:${region}:${account}:instance/${id}`,
      ),
      Condition: DOCUMENT_CHECK,
    });
  } else {
    const entries = Object.entries(options.targets.tags);
    if (entries.length === 0) throw new Error('choose at least one tag');
    statements.push({
      Sid: 'StartSessionOnTaggedInstances',
      Effect: 'Allow',
      Action: ['ssm:StartSession'],
      Resource: [
        `arn:${partition}:ec2:${region}:${account}:instance/*`,
        `arn:${partition}:ssm:${region}:${account}:managed-instance/*`,
      ],
      Condition: {
        ...DOCUMENT_CHECK,
        StringLike: Object.fromEntries(entries.map(([key, values]) => [`ssm:resourceTag/${key}`, values])),
      },
    });
  }
  statements.push({
    Sid: 'StartSessionWithDocuments',
    Effect: 'Allow',
    Action: ['ssm:StartSession'],
    Resource: options.documents.map((d) => documentArn(documentName(d), region, account, partition)),
    Condition: DOCUMENT_CHECK,
  });
  statements.push({
    Sid: 'EndAndResumeOwnSessions',
    Effect: 'Allow',
    Action: ['ssm:TerminateSession', 'ssm:ResumeSession'],
    Resource: [`arn:${partition}:ssm:*:*:session/\${aws:username}-*`],
  });
  statements.push({ Sid: 'ListForPorthole', Effect: 'Allow', Action: APP_READS, Resource: ['*'] });
  if (options.kmsKeyArn)
    statements.push({
      Sid: 'EncryptSessions',
      Effect: 'Allow',
      Action: ['kms:GenerateDataKey'],
      Resource: [options.kmsKeyArn],
    });
  return { Version: '2012-10-17', Statement: statements };
}

export function adminPolicy(options: AdminPolicyOptions = {}): PolicyDocument {
  const region = options.region ?? '*';
  const account = options.accountId ?? '*';
  const partition = options.partition ?? 'aws';
  const statements: PolicyStatement[] = [
    {
      Sid: 'AllSessions',
      Effect: 'Allow',
      Action: ['ssm:StartSession', 'ssm:TerminateSession', 'ssm:ResumeSession'],
      Resource: [
        `arn:${partition}:ec2:${region}:${account}:instance/*`,
        `arn:${partition}:ssm:${region}:${account}:managed-instance/*`,
        `arn:${partition}:ssm:${region}:*:document/*`,
        `arn:${partition}:ssm:${region}:${account}:session/*`,
      ],
    },
    {
      Sid: 'SessionPreferences',
      Effect: 'Allow',
      Action: [
        'ssm:CreateDocument',
        'ssm:UpdateDocument',
        'ssm:GetDocument',
        'ssm:DescribeDocument',
        'ssm:UpdateDocumentDefaultVersion',
      ],
      Resource: [`arn:${partition}:ssm:${region}:${account}:document/SSM-SessionManagerRunShell`],
    },
    { Sid: 'ListForPorthole', Effect: 'Allow', Action: APP_READS, Resource: ['*'] },
  ];
  if (options.kmsKeyArn)
    statements.push({
      Sid: 'EncryptSessions',
      Effect: 'Allow',
      Action: ['kms:GenerateDataKey'],
      Resource: [options.kmsKeyArn],
    });
  return { Version: '2012-10-17', Statement: statements };
}

export function instanceRolePolicies(options: InstanceRoleOptions = {}): InstanceRolePolicies {
  const partition = options.partition ?? 'aws';
  const statements: PolicyStatement[] = [];
  if (options.s3BucketName) {
    const prefix = options.s3KeyPrefix ?? '';
    statements.push({
      Sid: 'WriteSessionLogsToS3',
      Effect: 'Allow',
      Action: ['s3:PutObject'],
      Resource: [`arn:${partition}:s3:::${options.s3BucketName}/${prefix}*`],
    });
    if (options.s3EncryptionEnabled ?? true)
      statements.push({
        Sid: 'ReadLogBucketEncryption',
        Effect: 'Allow',
        Action: ['s3:GetEncryptionConfiguration'],
        Resource: [`arn:${partition}:s3:::${options.s3BucketName}`],
      });
  }
  if (options.cloudWatchLogGroupName)
    statements.push({
      Sid: 'StreamSessionLogsToCloudWatch',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams'],
      Resource: ['*'],
    });
  if (options.kmsKeyArn)
    statements.push({
      Sid: 'DecryptSessionData',
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: [options.kmsKeyArn],
    });
  return {
    managedPolicyArns: [SSM_CORE_POLICY_ARN],
    ...(statements.length > 0 ? { inline: { Version: '2012-10-17', Statement: statements } } : {}),
  };
}
