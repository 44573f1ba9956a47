/**
 * The AWS managed policies the emulator knows, by ARN (`arn:aws:iam::aws:policy/<name>`). Their statements list the
 * actions AWS documents for each policy (written here from the documented action lists).
 */
export const AWS_MANAGED_POLICY_PREFIX = 'arn:aws:iam::aws:policy/';

export const SSM_CORE_POLICY_ARN = `${AWS_MANAGED_POLICY_PREFIX}AmazonSSMManagedInstanceCore`;

/** The six actions Session Manager needs from the instance role (issue 7). */
export const SESSION_MANAGER_INSTANCE_ACTIONS = [
  'ssm:UpdateInstanceInformation',
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
  'ec2messages:GetMessages',
] as const;

export interface ManagedPolicyDefinition {
  name: string;
  description: string;
  document: { Version: string; Statement: Array<Record<string, unknown>> };
}

export const AWS_MANAGED_POLICIES: readonly ManagedPolicyDefinition[] = [
  {
    name: 'AmazonSSMManagedInstanceCore',
    description: 'The policy for Amazon EC2 Role to enable AWS Systems Manager service core functionality.',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'ssm:DescribeAssociation',
            'ssm:GetDeployablePatchSnapshotForInstance',
            'ssm:GetDocument',
            'ssm:DescribeDocument',
            'ssm:GetManifest',
            'ssm:GetParameter',
            'ssm:GetParameters',
            'ssm:ListAssociations',
            'ssm:ListInstanceAssociations',
            'ssm:PutInventory',
            'ssm:PutComplianceItems',
            'ssm:PutConfigurePackageResult',
            'ssm:UpdateAssociationStatus',
            'ssm:UpdateInstanceAssociationStatus',
            'ssm:UpdateInstanceInformation',
          ],
          Resource: '*',
        },
        {
          Effect: 'Allow',
          Action: [
            'ssmmessages:CreateControlChannel',
            'ssmmessages:CreateDataChannel',
            'ssmmessages:OpenControlChannel',
            'ssmmessages:OpenDataChannel',
          ],
          Resource: '*',
        },
        {
          Effect: 'Allow',
          Action: [
            'ec2messages:AcknowledgeMessage',
            'ec2messages:DeleteMessage',
            'ec2messages:FailMessage',
            'ec2messages:GetEndpoint',
            'ec2messages:GetMessages',
            'ec2messages:SendReply',
          ],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'AdministratorAccess',
    description: 'Provides full access to AWS services and resources.',
    document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  },
  {
    name: 'AmazonSSMReadOnlyAccess',
    description: 'Provides read only access to Amazon SSM.',
    document: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['ssm:Describe*', 'ssm:Get*', 'ssm:List*'], Resource: '*' }],
    },
  },
  {
    name: 'AmazonEC2ReadOnlyAccess',
    description: 'Provides read only access to Amazon EC2 via the AWS Management Console.',
    document: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['ec2:Describe*', 'ec2:GetSecurityGroupsForVpc'], Resource: '*' }],
    },
  },
];
