import type { MessageModule } from '../catalog';

/**
 * Texts of the connect doctor (electron/core/doctor), the IAM policy helper (electron/core/policy) and
 * `porthole doctor`. One sentence per cause; console paths use "›" between steps.
 */
type Key =
  // check titles
  | 'doctor.check.instance-state'
  | 'doctor.check.instance-profile'
  | 'doctor.check.role-permissions'
  | 'doctor.check.ssm-agent'
  | 'doctor.check.agent-version'
  | 'doctor.check.network-route'
  | 'doctor.check.vpc-dns'
  | 'doctor.check.security-groups'
  | 'doctor.check.user-start-session'
  | 'doctor.check.user-terminate-session'
  | 'doctor.check.user-kms'
  | 'doctor.check.session-preferences'
  // generic
  | 'doctor.status.pass'
  | 'doctor.status.fail'
  | 'doctor.status.unknown'
  | 'doctor.status.skipped'
  | 'doctor.unknown.permission'
  | 'doctor.unknown.error'
  | 'doctor.unknown.fix'
  | 'doctor.skipped.after'
  | 'doctor.skipped.hybrid'
  | 'doctor.notFound'
  // instance state
  | 'doctor.instance-state.pass'
  | 'doctor.instance-state.fail'
  | 'doctor.instance-state.console'
  // instance profile
  | 'doctor.instance-profile.pass'
  | 'doctor.instance-profile.none'
  | 'doctor.instance-profile.missing'
  | 'doctor.instance-profile.noRole'
  | 'doctor.instance-profile.console'
  // role
  | 'doctor.role-permissions.passManaged'
  | 'doctor.role-permissions.passSimulated'
  | 'doctor.role-permissions.fail'
  | 'doctor.role-permissions.failExtra'
  | 'doctor.role-permissions.console'
  // agent
  | 'doctor.ssm-agent.pass'
  | 'doctor.ssm-agent.lost'
  | 'doctor.ssm-agent.inactive'
  | 'doctor.ssm-agent.notRegistered'
  | 'doctor.ssm-agent.console'
  | 'doctor.agent-version.pass'
  | 'doctor.agent-version.noMux'
  | 'doctor.agent-version.tooOld'
  | 'doctor.agent-version.console'
  // network
  | 'doctor.network-route.igw'
  | 'doctor.network-route.nat'
  | 'doctor.network-route.endpoints'
  | 'doctor.network-route.igwNoPublicIp'
  | 'doctor.network-route.none'
  | 'doctor.network-route.console'
  | 'doctor.vpc-dns.pass'
  | 'doctor.vpc-dns.noSupport'
  | 'doctor.vpc-dns.noHostnames'
  | 'doctor.vpc-dns.noPrivateDns'
  | 'doctor.vpc-dns.console'
  | 'doctor.security-groups.pass'
  | 'doctor.security-groups.noEgress'
  | 'doctor.security-groups.endpointIngress'
  | 'doctor.security-groups.console'
  // user
  | 'doctor.user-start-session.pass'
  | 'doctor.user-start-session.instance'
  | 'doctor.user-start-session.document'
  | 'doctor.user-start-session.console'
  | 'doctor.user-terminate-session.pass'
  | 'doctor.user-terminate-session.fail'
  | 'doctor.user-kms.pass'
  | 'doctor.user-kms.notNeeded'
  | 'doctor.user-kms.fail'
  | 'doctor.user.noPrincipal'
  // preferences
  | 'doctor.session-preferences.none'
  | 'doctor.session-preferences.summary'
  | 'doctor.session-preferences.logS3'
  | 'doctor.session-preferences.logCloudWatch'
  | 'doctor.session-preferences.logNone'
  | 'doctor.session-preferences.kms'
  | 'doctor.session-preferences.noKms'
  | 'doctor.session-preferences.timeouts'
  | 'doctor.session-preferences.noMax'
  | 'doctor.session-preferences.runAs'
  | 'doctor.session-preferences.noRunAs'
  | 'doctor.session-preferences.console'
  // CLI
  | 'cli.doctor.summary'
  | 'cli.doctor.description'
  | 'cli.doctor.option.document'
  | 'cli.doctor.heading'
  | 'cli.doctor.caller'
  | 'cli.doctor.fix.console'
  | 'cli.doctor.fix.cli'
  | 'cli.doctor.fix.docs'
  | 'cli.doctor.result.ok'
  | 'cli.doctor.result.failed'
  // policy helper
  | 'policy.statement.startSessionInstances'
  | 'policy.statement.startSessionDocuments'
  | 'policy.statement.terminateOwn'
  | 'policy.statement.describe'
  | 'policy.statement.kms'
  | 'policy.statement.adminSessions'
  | 'policy.statement.adminPreferences'
  | 'policy.statement.instanceCore'
  | 'policy.statement.instanceS3'
  | 'policy.statement.instanceS3Encryption'
  | 'policy.statement.instanceLogs'
  | 'policy.statement.instanceKms'
  | 'policy.explain.effect.Allow'
  | 'policy.explain.effect.Deny'
  | 'policy.explain.statement'
  | 'policy.explain.condition'
  | 'policy.lint.parse'
  | 'policy.lint.boolTypo'
  | 'policy.lint.unknownOperator'
  | 'policy.lint.portDocumentMissing'
  | 'policy.lint.terminateEveryone'
  | 'policy.lint.startSessionEverything'
  | 'policy.lint.documentCheckWithoutDocuments'
  | 'policy.lint.actionTypo'
  | 'policy.lint.noVersion'
  | 'policy.lint.variablesNeedVersion';

export const doctorMessages: MessageModule<Key> = {
  en: {
    'doctor.check.instance-state': 'Instance is running',
    'doctor.check.instance-profile': 'Instance profile',
    'doctor.check.role-permissions': 'Role allows Systems Manager',
    'doctor.check.ssm-agent': 'Systems Manager sees the node',
    'doctor.check.agent-version': 'SSM Agent version',
    'doctor.check.network-route': 'Route to Systems Manager',
    'doctor.check.vpc-dns': 'DNS for the Systems Manager endpoints',
    'doctor.check.security-groups': 'Security groups allow HTTPS (443)',
    'doctor.check.user-start-session': 'You may start the session',
    'doctor.check.user-terminate-session': 'You may end and resume your sessions',
    'doctor.check.user-kms': 'You may use the session KMS key',
    'doctor.check.session-preferences': 'Session preferences',

    'doctor.status.pass': 'pass',
    'doctor.status.fail': 'FAIL',
    'doctor.status.unknown': 'could not check',
    'doctor.status.skipped': 'skipped',
    'doctor.unknown.permission': 'Could not check: your credentials are not allowed {permission}.',
    'doctor.unknown.error': 'Could not check: {message}',
    'doctor.unknown.fix': 'Ask your administrator to allow {permission} for {principal}, then run the doctor again.',
    'doctor.skipped.after': 'Not checked: fix "{check}" first, which explains this too.',
    'doctor.skipped.hybrid': 'Not checked: {target} is a hybrid (on-premises) node, not an EC2 instance.',
    'doctor.notFound': 'There is no instance {target} in {region} for this account.',

    'doctor.instance-state.pass': 'The instance is running.',
    'doctor.instance-state.fail': 'The instance is {state}, so its SSM Agent cannot connect; start it first.',
    'doctor.instance-state.console': 'EC2 console › Instances › {target} › Instance state › Start instance',

    'doctor.instance-profile.pass': 'The instance has the instance profile {profile} with the role {role}.',
    'doctor.instance-profile.none':
      'The instance has no instance profile, so its SSM Agent has no credentials to register with Systems Manager.',
    'doctor.instance-profile.missing': 'The instance profile {profile} attached to the instance no longer exists.',
    'doctor.instance-profile.noRole':
      'The instance profile {profile} has no role, so the SSM Agent gets no credentials.',
    'doctor.instance-profile.console': 'EC2 console › Instances › {target} › Actions › Security › Modify IAM role',

    'doctor.role-permissions.passManaged': 'The role {role} has the AWS managed policy AmazonSSMManagedInstanceCore.',
    'doctor.role-permissions.passSimulated': 'The role {role} allows every action Session Manager needs.',
    'doctor.role-permissions.fail':
      'The role {role} does not allow {actions}, so the SSM Agent cannot register or open session channels.',
    'doctor.role-permissions.failExtra':
      'The role {role} does not allow {actions}, which the session preferences (logging, encryption) need.',
    'doctor.role-permissions.console':
      'IAM console › Roles › {role} › Add permissions › Attach policies › AmazonSSMManagedInstanceCore',

    'doctor.ssm-agent.pass': 'Systems Manager sees the node online (last ping {lastPing}).',
    'doctor.ssm-agent.lost':
      'Systems Manager lost contact with the SSM Agent (last ping {lastPing}): the agent is stopped or cannot reach Systems Manager.',
    'doctor.ssm-agent.inactive': 'The node is inactive in Systems Manager (last ping {lastPing}).',
    'doctor.ssm-agent.notRegistered':
      'Systems Manager does not list the node: the SSM Agent is not installed, not running, or has not registered.',
    'doctor.ssm-agent.console': 'Systems Manager console › Fleet Manager › {target}',
    'doctor.agent-version.pass': 'SSM Agent {version} supports {document}, with multiplexed port forwarding.',
    'doctor.agent-version.noMux':
      'SSM Agent {version} supports {document}, but not multiplexing: one TCP connection per tunnel at a time.',
    'doctor.agent-version.tooOld': 'SSM Agent {version} is too old for {document}, which needs {minimum} or later.',
    'doctor.agent-version.console': 'Systems Manager console › Run Command › AWS-UpdateSSMAgent › {target}',

    'doctor.network-route.igw': 'The subnet {subnet} routes 0.0.0.0/0 to the internet gateway {gateway}.',
    'doctor.network-route.nat': 'The subnet {subnet} routes 0.0.0.0/0 to the NAT gateway {gateway}.',
    'doctor.network-route.endpoints': 'The VPC {vpc} has interface endpoints for ssm, ssmmessages and ec2messages.',
    'doctor.network-route.igwNoPublicIp':
      'The subnet {subnet} routes to an internet gateway but the instance has no public IP address, so it cannot reach Systems Manager.',
    'doctor.network-route.none':
      'The subnet {subnet} has no route to the internet and the VPC {vpc} has no interface endpoint for {missing}, so the SSM Agent cannot reach Systems Manager.',
    'doctor.network-route.console': 'VPC console › Endpoints › Create endpoint › com.amazonaws.{region}.{service}',
    'doctor.vpc-dns.pass': 'The VPC {vpc} resolves the Systems Manager endpoints.',
    'doctor.vpc-dns.noSupport':
      'DNS resolution is turned off in the VPC {vpc}, so the instance cannot resolve the endpoints.',
    'doctor.vpc-dns.noHostnames':
      'DNS host names are turned off in the VPC {vpc}, which private DNS for the interface endpoints needs.',
    'doctor.vpc-dns.noPrivateDns':
      'The interface endpoints {endpoints} have private DNS off, so the agent still resolves the public endpoints it cannot reach.',
    'doctor.vpc-dns.console': 'VPC console › Your VPCs › {vpc} › Actions › Edit VPC settings › DNS settings',
    'doctor.security-groups.pass': 'The security groups allow HTTPS (443) from the instance to Systems Manager.',
    'doctor.security-groups.noEgress':
      'The instance’s security groups {groups} do not allow outbound HTTPS (443), so the SSM Agent cannot connect.',
    'doctor.security-groups.endpointIngress':
      'The endpoint security groups {groups} do not admit HTTPS (443) from the instance.',
    'doctor.security-groups.console': 'EC2 console › Security Groups › {group} › Edit outbound rules',

    'doctor.user-start-session.pass': '{principal} may start sessions on {target} with {document}.',
    'doctor.user-start-session.instance': '{principal} is not allowed ssm:StartSession on the instance {target}.',
    'doctor.user-start-session.document':
      '{principal} is not allowed ssm:StartSession with the document {document} (in {region}).',
    'doctor.user-start-session.console': 'IAM console › {principalKind} › {principalName} › Add permissions',
    'doctor.user-terminate-session.pass': '{principal} may end and resume their own sessions.',
    'doctor.user-terminate-session.fail':
      '{principal} is not allowed {actions} on their own sessions, so closing a tab cannot end the session.',
    'doctor.user-kms.pass': '{principal} may use the KMS key {key} that encrypts sessions.',
    'doctor.user-kms.notNeeded': 'Sessions are not KMS-encrypted, so no KMS permission is needed.',
    'doctor.user-kms.fail':
      'Sessions are encrypted with the KMS key {key}, and {principal} is not allowed kms:GenerateDataKey on it.',
    'doctor.user.noPrincipal': 'Could not check: {caller} is not an IAM user or role the simulator can evaluate.',

    'doctor.session-preferences.none':
      'No session preferences are saved in {region}: sessions are not logged or KMS-encrypted, and end after 20 idle minutes.',
    'doctor.session-preferences.summary': 'Session preferences in {region}: {items}.',
    'doctor.session-preferences.logS3': 'logged to S3 bucket {bucket}',
    'doctor.session-preferences.logCloudWatch': 'logged to CloudWatch log group {group}',
    'doctor.session-preferences.logNone': 'not logged',
    'doctor.session-preferences.kms': 'encrypted with KMS key {key}',
    'doctor.session-preferences.noKms': 'not KMS-encrypted',
    'doctor.session-preferences.timeouts': 'idle timeout {idle} min, maximum {max}',
    'doctor.session-preferences.noMax': 'no limit',
    'doctor.session-preferences.runAs': 'Run As {user}',
    'doctor.session-preferences.noRunAs': 'Run As off',
    'doctor.session-preferences.console': 'Systems Manager console › Session Manager › Preferences › Edit',

    'cli.doctor.summary': 'Check why a connection to an instance fails',
    'cli.doctor.description':
      'Runs every check of the connect doctor on <target> (an instance id or Name tag): instance state, instance profile and role, SSM Agent, network path, your permissions, session preferences. Exits 1 when a check fails.',
    'cli.doctor.option.document': 'Session document to check (default: SSM-SessionManagerRunShell)',
    'cli.doctor.heading': 'Connect doctor: {target} in {region} ({document})',
    'cli.doctor.caller': 'Checked as {caller}',
    'cli.doctor.fix.console': 'Console',
    'cli.doctor.fix.cli': 'AWS CLI',
    'cli.doctor.fix.docs': 'Docs',
    'cli.doctor.result.ok': 'No check failed.',
    'cli.doctor.result.failed': '{count} check(s) failed.',

    'policy.statement.startSessionInstances': 'Start sessions on {targets}.',
    'policy.statement.startSessionDocuments':
      'Start sessions only with the documents {documents}, checked on every StartSession (ssm:SessionDocumentAccessCheck).',
    'policy.statement.terminateOwn': 'End and resume only your own sessions (session ids start with your user name).',
    'policy.statement.describe': 'List instances, sessions and documents so the app can show them.',
    'policy.statement.kms': 'Use the KMS key {key} that encrypts session data.',
    'policy.statement.adminSessions': 'Start, end and resume any session on any instance, with any session document.',
    'policy.statement.adminPreferences':
      'Read and change Session Manager preferences (the SSM-SessionManagerRunShell document).',
    'policy.statement.instanceCore':
      'The SSM Agent registers, reports and opens session channels (AmazonSSMManagedInstanceCore).',
    'policy.statement.instanceS3': 'The SSM Agent uploads session logs to the S3 bucket {bucket}.',
    'policy.statement.instanceS3Encryption': 'The SSM Agent reads the bucket’s encryption setting before uploading.',
    'policy.statement.instanceLogs': 'The SSM Agent streams session logs to the CloudWatch log group {group}.',
    'policy.statement.instanceKms': 'The SSM Agent decrypts session data with the KMS key {key}.',
    'policy.explain.effect.Allow': 'Allows',
    'policy.explain.effect.Deny': 'Denies',
    'policy.explain.statement': '{effect} {actions} on {resources}',
    'policy.explain.condition': 'only when {key} {operator} {values}',
    'policy.lint.parse': 'The policy is not valid: {message}',
    'policy.lint.boolTypo':
      'Statement {statement}: "{value}" is not a boolean for {key}; Bool compares the exact text, so this condition never matches. Use "true" or "false".',
    'policy.lint.unknownOperator': 'Statement {statement}: {operator} is not an IAM condition operator.',
    'policy.lint.portDocumentMissing':
      'Statement {statement}: port forwarding needs ssm:StartSession on a document such as AWS-StartPortForwardingSession, but only the shell document is allowed.',
    'policy.lint.terminateEveryone':
      'Statement {statement}: {actions} on every session lets this user end other people’s sessions; limit it to arn:aws:ssm:*:*:session/${aws:username}-*.',
    'policy.lint.startSessionEverything':
      'Statement {statement}: ssm:StartSession on every resource allows every instance and every document (including AWS-StartInteractiveCommand).',
    'policy.lint.documentCheckWithoutDocuments':
      'Statement {statement}: the session document access check is on, but no statement allows ssm:StartSession on any document, so every session is refused.',
    'policy.lint.actionTypo':
      'Statement {statement}: {action} is not a Session Manager action; did you mean {suggestion}?',
    'policy.lint.noVersion':
      'The policy has no "Version": "2012-10-17", so IAM treats it as 2008-10-17 and does not replace variables such as ${aws:username}.',
    'policy.lint.variablesNeedVersion':
      'Statement {statement}: policy variables are used, but only Version 2012-10-17 replaces them.',
  },
  ja: {
    'doctor.check.instance-state': 'インスタンスが実行中',
    'doctor.check.instance-profile': 'インスタンスプロファイル',
    'doctor.check.role-permissions': 'ロールが Systems Manager を許可',
    'doctor.check.ssm-agent': 'Systems Manager がノードを認識',
    'doctor.check.agent-version': 'SSM Agent のバージョン',
    'doctor.check.network-route': 'Systems Manager への経路',
    'doctor.check.vpc-dns': 'Systems Manager エンドポイントの DNS',
    'doctor.check.security-groups': 'セキュリティグループが HTTPS (443) を許可',
    'doctor.check.user-start-session': 'セッションを開始できる',
    'doctor.check.user-terminate-session': '自分のセッションを終了・再開できる',
    'doctor.check.user-kms': 'セッション用 KMS キーを使える',
    'doctor.check.session-preferences': 'セッション設定',

    'doctor.status.pass': '合格',
    'doctor.status.fail': '不合格',
    'doctor.status.unknown': '確認できません',
    'doctor.status.skipped': 'スキップ',
    'doctor.unknown.permission': '確認できません: 現在の認証情報には {permission} が許可されていません。',
    'doctor.unknown.error': '確認できません: {message}',
    'doctor.unknown.fix': '{principal} に {permission} を許可するよう管理者に依頼し、もう一度診断してください。',
    'doctor.skipped.after': '未確認: 先に「{check}」を直してください。この項目の原因もそれで説明できます。',
    'doctor.skipped.hybrid': '未確認: {target} は EC2 インスタンスではなくハイブリッド（オンプレミス）ノードです。',
    'doctor.notFound': 'このアカウントの {region} にインスタンス {target} はありません。',

    'doctor.instance-state.pass': 'インスタンスは実行中です。',
    'doctor.instance-state.fail': 'インスタンスが {state} のため SSM Agent は接続できません。まず起動してください。',
    'doctor.instance-state.console':
      'EC2 コンソール › インスタンス › {target} › インスタンスの状態 › インスタンスを開始',

    'doctor.instance-profile.pass': 'インスタンスにはインスタンスプロファイル {profile}（ロール {role}）があります。',
    'doctor.instance-profile.none':
      'インスタンスにインスタンスプロファイルがないため、SSM Agent は Systems Manager に登録するための認証情報を持てません。',
    'doctor.instance-profile.missing':
      'インスタンスに関連付けられたインスタンスプロファイル {profile} はもう存在しません。',
    'doctor.instance-profile.noRole':
      'インスタンスプロファイル {profile} にロールがないため、SSM Agent は認証情報を得られません。',
    'doctor.instance-profile.console':
      'EC2 コンソール › インスタンス › {target} › アクション › セキュリティ › IAM ロールを変更',

    'doctor.role-permissions.passManaged':
      'ロール {role} には AWS 管理ポリシー AmazonSSMManagedInstanceCore があります。',
    'doctor.role-permissions.passSimulated':
      'ロール {role} は Session Manager に必要なアクションをすべて許可しています。',
    'doctor.role-permissions.fail':
      'ロール {role} が {actions} を許可していないため、SSM Agent は登録もセッションチャネルの作成もできません。',
    'doctor.role-permissions.failExtra':
      'ロール {role} が、セッション設定（ログ記録・暗号化）に必要な {actions} を許可していません。',
    'doctor.role-permissions.console':
      'IAM コンソール › ロール › {role} › 許可を追加 › ポリシーをアタッチ › AmazonSSMManagedInstanceCore',

    'doctor.ssm-agent.pass': 'Systems Manager はノードをオンラインとして認識しています（最終 ping {lastPing}）。',
    'doctor.ssm-agent.lost':
      'Systems Manager は SSM Agent との接続を失っています（最終 ping {lastPing}）。エージェントが停止しているか、Systems Manager に到達できません。',
    'doctor.ssm-agent.inactive': 'ノードは Systems Manager で非アクティブです（最終 ping {lastPing}）。',
    'doctor.ssm-agent.notRegistered':
      'Systems Manager にノードが表示されません。SSM Agent が未インストール、停止中、または未登録です。',
    'doctor.ssm-agent.console': 'Systems Manager コンソール › フリートマネージャー › {target}',
    'doctor.agent-version.pass': 'SSM Agent {version} は {document} と多重化ポートフォワーディングに対応しています。',
    'doctor.agent-version.noMux':
      'SSM Agent {version} は {document} に対応していますが多重化には未対応です（トンネルごとに同時に 1 つの TCP 接続）。',
    'doctor.agent-version.tooOld': 'SSM Agent {version} は {document} には古すぎます。{minimum} 以降が必要です。',
    'doctor.agent-version.console': 'Systems Manager コンソール › Run Command › AWS-UpdateSSMAgent › {target}',

    'doctor.network-route.igw':
      'サブネット {subnet} は 0.0.0.0/0 をインターネットゲートウェイ {gateway} へルーティングしています。',
    'doctor.network-route.nat':
      'サブネット {subnet} は 0.0.0.0/0 を NAT ゲートウェイ {gateway} へルーティングしています。',
    'doctor.network-route.endpoints':
      'VPC {vpc} には ssm・ssmmessages・ec2messages のインターフェイスエンドポイントがあります。',
    'doctor.network-route.igwNoPublicIp':
      'サブネット {subnet} はインターネットゲートウェイへルーティングしていますが、インスタンスにパブリック IP アドレスがないため Systems Manager に到達できません。',
    'doctor.network-route.none':
      'サブネット {subnet} にインターネットへの経路がなく、VPC {vpc} に {missing} のインターフェイスエンドポイントもないため、SSM Agent は Systems Manager に到達できません。',
    'doctor.network-route.console':
      'VPC コンソール › エンドポイント › エンドポイントを作成 › com.amazonaws.{region}.{service}',
    'doctor.vpc-dns.pass': 'VPC {vpc} は Systems Manager エンドポイントを名前解決できます。',
    'doctor.vpc-dns.noSupport': 'VPC {vpc} で DNS 解決が無効のため、インスタンスはエンドポイントを名前解決できません。',
    'doctor.vpc-dns.noHostnames':
      'VPC {vpc} で DNS ホスト名が無効です。インターフェイスエンドポイントのプライベート DNS にはこれが必要です。',
    'doctor.vpc-dns.noPrivateDns':
      'インターフェイスエンドポイント {endpoints} のプライベート DNS が無効のため、エージェントは到達できないパブリックエンドポイントを解決したままです。',
    'doctor.vpc-dns.console': 'VPC コンソール › お使いの VPC › {vpc} › アクション › VPC の設定を編集 › DNS 設定',
    'doctor.security-groups.pass':
      'セキュリティグループはインスタンスから Systems Manager への HTTPS (443) を許可しています。',
    'doctor.security-groups.noEgress':
      'インスタンスのセキュリティグループ {groups} が送信の HTTPS (443) を許可していないため、SSM Agent は接続できません。',
    'doctor.security-groups.endpointIngress':
      'エンドポイントのセキュリティグループ {groups} がインスタンスからの HTTPS (443) を受け付けていません。',
    'doctor.security-groups.console': 'EC2 コンソール › セキュリティグループ › {group} › アウトバウンドルールを編集',

    'doctor.user-start-session.pass': '{principal} は {target} で {document} を使ってセッションを開始できます。',
    'doctor.user-start-session.instance':
      '{principal} にはインスタンス {target} に対する ssm:StartSession が許可されていません。',
    'doctor.user-start-session.document':
      '{principal} にはドキュメント {document}（{region}）での ssm:StartSession が許可されていません。',
    'doctor.user-start-session.console': 'IAM コンソール › {principalKind} › {principalName} › 許可を追加',
    'doctor.user-terminate-session.pass': '{principal} は自分のセッションを終了・再開できます。',
    'doctor.user-terminate-session.fail':
      '{principal} には自分のセッションに対する {actions} が許可されていないため、タブを閉じてもセッションを終了できません。',
    'doctor.user-kms.pass': '{principal} はセッションを暗号化する KMS キー {key} を使えます。',
    'doctor.user-kms.notNeeded': 'セッションは KMS で暗号化されないため、KMS の許可は不要です。',
    'doctor.user-kms.fail':
      'セッションは KMS キー {key} で暗号化されますが、{principal} にはそのキーに対する kms:GenerateDataKey が許可されていません。',
    'doctor.user.noPrincipal':
      '確認できません: {caller} はシミュレーターが評価できる IAM ユーザーまたはロールではありません。',

    'doctor.session-preferences.none':
      '{region} にはセッション設定が保存されていません。セッションはログ記録も KMS 暗号化もされず、20 分操作がないと終了します。',
    'doctor.session-preferences.summary': '{region} のセッション設定: {items}。',
    'doctor.session-preferences.logS3': 'S3 バケット {bucket} にログ記録',
    'doctor.session-preferences.logCloudWatch': 'CloudWatch ロググループ {group} にログ記録',
    'doctor.session-preferences.logNone': 'ログ記録なし',
    'doctor.session-preferences.kms': 'KMS キー {key} で暗号化',
    'doctor.session-preferences.noKms': 'KMS 暗号化なし',
    'doctor.session-preferences.timeouts': 'アイドルタイムアウト {idle} 分、最大 {max}',
    'doctor.session-preferences.noMax': '制限なし',
    'doctor.session-preferences.runAs': 'Run As {user}',
    'doctor.session-preferences.noRunAs': 'Run As 無効',
    'doctor.session-preferences.console': 'Systems Manager コンソール › Session Manager › 設定 › 編集',

    'cli.doctor.summary': 'インスタンスへの接続が失敗する原因を調べる',
    'cli.doctor.description':
      '<target>（インスタンス ID または Name タグ）について接続診断のすべての項目を確認します: インスタンスの状態、インスタンスプロファイルとロール、SSM Agent、ネットワーク経路、あなたの権限、セッション設定。不合格の項目があると終了コード 1 を返します。',
    'cli.doctor.option.document': '確認するセッションドキュメント（既定: SSM-SessionManagerRunShell）',
    'cli.doctor.heading': '接続診断: {target}（{region}、{document}）',
    'cli.doctor.caller': '{caller} として確認しました',
    'cli.doctor.fix.console': 'コンソール',
    'cli.doctor.fix.cli': 'AWS CLI',
    'cli.doctor.fix.docs': 'ドキュメント',
    'cli.doctor.result.ok': '不合格の項目はありません。',
    'cli.doctor.result.failed': '{count} 件の項目が不合格です。',

    'policy.statement.startSessionInstances': '{targets} でセッションを開始する。',
    'policy.statement.startSessionDocuments':
      'ドキュメント {documents} でのみセッションを開始する（StartSession ごとに ssm:SessionDocumentAccessCheck で確認）。',
    'policy.statement.terminateOwn':
      '自分のセッションだけを終了・再開する（セッション ID は自分のユーザー名で始まる）。',
    'policy.statement.describe': 'アプリが表示できるよう、インスタンス・セッション・ドキュメントを一覧する。',
    'policy.statement.kms': 'セッションデータを暗号化する KMS キー {key} を使う。',
    'policy.statement.adminSessions':
      'すべてのインスタンスで、任意のセッションドキュメントのセッションを開始・終了・再開する。',
    'policy.statement.adminPreferences':
      'Session Manager の設定（SSM-SessionManagerRunShell ドキュメント）を読み書きする。',
    'policy.statement.instanceCore':
      'SSM Agent が登録・報告し、セッションチャネルを開く（AmazonSSMManagedInstanceCore）。',
    'policy.statement.instanceS3': 'SSM Agent がセッションログを S3 バケット {bucket} にアップロードする。',
    'policy.statement.instanceS3Encryption': 'SSM Agent がアップロード前にバケットの暗号化設定を読む。',
    'policy.statement.instanceLogs': 'SSM Agent がセッションログを CloudWatch ロググループ {group} に送る。',
    'policy.statement.instanceKms': 'SSM Agent が KMS キー {key} でセッションデータを復号する。',
    'policy.explain.effect.Allow': '許可',
    'policy.explain.effect.Deny': '拒否',
    'policy.explain.statement': '{resources} に対する {actions} を{effect}',
    'policy.explain.condition': '条件: {key} {operator} {values}',
    'policy.lint.parse': 'ポリシーが正しくありません: {message}',
    'policy.lint.boolTypo':
      'ステートメント {statement}: 「{value}」は {key} の真偽値ではありません。Bool は文字列をそのまま比較するため、この条件は一致しません。"true" か "false" を使ってください。',
    'policy.lint.unknownOperator': 'ステートメント {statement}: {operator} は IAM の条件演算子ではありません。',
    'policy.lint.portDocumentMissing':
      'ステートメント {statement}: ポートフォワーディングには AWS-StartPortForwardingSession などのドキュメントに対する ssm:StartSession が必要ですが、シェルのドキュメントしか許可されていません。',
    'policy.lint.terminateEveryone':
      'ステートメント {statement}: すべてのセッションに対する {actions} は他人のセッションも終了できます。arn:aws:ssm:*:*:session/${aws:username}-* に限定してください。',
    'policy.lint.startSessionEverything':
      'ステートメント {statement}: すべてのリソースに対する ssm:StartSession は、すべてのインスタンスとすべてのドキュメント（AWS-StartInteractiveCommand を含む）を許可します。',
    'policy.lint.documentCheckWithoutDocuments':
      'ステートメント {statement}: セッションドキュメントのアクセスチェックが有効ですが、どのドキュメントにも ssm:StartSession が許可されていないため、すべてのセッションが拒否されます。',
    'policy.lint.actionTypo':
      'ステートメント {statement}: {action} は Session Manager のアクションではありません。{suggestion} のことですか？',
    'policy.lint.noVersion':
      'ポリシーに "Version": "2012-10-17" がないため 2008-10-17 として扱われ、${aws:username} などの変数は置き換えられません。',
    'policy.lint.variablesNeedVersion':
      'ステートメント {statement}: ポリシー変数を使っていますが、変数を置き換えるのは Version 2012-10-17 だけです。',
  },
};
