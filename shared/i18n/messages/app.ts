import type { MessageModule } from '../catalog';
import type { ErrorCode } from '../../errors';
import type { PingStatus, Platform } from '../../model/instance';

/** Error codes that have an actionable hint below; other codes fall back to `hint.generic`. */
type HintedCode = Extract<
  ErrorCode,
  | 'UNKNOWN_CHANNEL'
  | 'BAD_PAYLOAD'
  | 'FORBIDDEN_SENDER'
  | 'INTERNAL'
  | 'AWS_AUTH_FAILED'
  | 'AWS_ACCESS_DENIED'
  | 'AWS_NETWORK'
  | 'AWS_THROTTLED'
  | 'AWS_SERVICE'
  | 'CREDENTIALS_MISSING'
  | 'CREDENTIALS_EXPIRED'
  | 'PROFILE_INVALID'
  | 'REGION_INVALID'
  | 'TARGET_NOT_CONNECTED'
  | 'TARGET_NOT_FOUND'
  | 'INVALID_DOCUMENT'
  | 'SESSION_FAILED'
  | 'PORT_IN_USE'
>;

type Key =
  | 'app.title'
  | 'app.loadingProfiles'
  | 'header.profile'
  | 'header.region'
  | 'header.refresh'
  | 'header.theme'
  | 'header.endpoint'
  | 'header.noProfiles'
  | 'search.label'
  | 'search.placeholder'
  | 'search.clear'
  | 'instances.label'
  | 'instances.count.one'
  | 'instances.count.other'
  | 'instances.filtered'
  | 'instances.loading'
  | 'instances.unnamed'
  | 'instances.hybrid'
  | 'instances.hybridTitle'
  | 'column.name'
  | 'column.instanceId'
  | 'column.status'
  | 'column.platform'
  | 'column.privateIp'
  | 'column.tags'
  | `status.${PingStatus}`
  | `platform.${Platform}`
  | 'tags.more'
  | 'tags.moreLabel'
  | 'tags.none'
  | 'empty.title'
  | 'empty.body'
  | 'empty.chooseRegion'
  | 'noMatch.title'
  | 'noMatch.body'
  | 'noProfiles.title'
  | 'noProfiles.body'
  | 'failure.instances'
  | 'failure.profiles'
  | 'failure.regions'
  | 'failure.code'
  | `hint.${HintedCode}`
  | 'hint.generic'
  | 'action.retry'
  | 'footer.updated'
  | 'footer.host.web'
  | 'footer.host.electron'
  | 'footer.version'
  | 'details.label'
  | 'details.close'
  | 'details.empty'
  | 'details.instanceId'
  | 'details.status'
  | 'details.platform'
  | 'details.privateIp'
  | 'details.publicIp'
  | 'details.instanceType'
  | 'details.state'
  | 'details.agentVersion'
  | 'details.lastPing'
  | 'details.vpc'
  | 'details.subnet'
  | 'details.account'
  | 'details.computerName'
  | 'details.tags';

const hintsEn: Record<`hint.${HintedCode}`, string> = {
  'hint.UNKNOWN_CHANNEL': 'This Porthole window and its host are out of step. Reload the window.',
  'hint.BAD_PAYLOAD': 'Check the selected profile and region, then select Retry.',
  'hint.FORBIDDEN_SENDER': 'Open Porthole again from the link it printed, with its token.',
  'hint.INTERNAL': 'Select Retry. If it keeps failing, restart Porthole.',
  'hint.AWS_AUTH_FAILED':
    'Choose another profile, or fix the keys of this one in ~/.aws/credentials, then select Retry.',
  'hint.AWS_ACCESS_DENIED':
    'The profile needs ssm:DescribeInstanceInformation and ec2:DescribeInstances. Choose another profile or ask for access.',
  'hint.AWS_NETWORK': 'Check your network connection or proxy, then select Retry.',
  'hint.AWS_THROTTLED': 'Wait a few seconds, then select Retry.',
  'hint.AWS_SERVICE': 'Select Retry. If the error stays, try another region.',
  'hint.CREDENTIALS_MISSING': 'Run "aws configure --profile {profile}" or choose another profile, then select Retry.',
  'hint.CREDENTIALS_EXPIRED': 'Run "aws sso login --profile {profile}" (or refresh your keys), then select Retry.',
  'hint.PROFILE_INVALID': 'Fix the profile in ~/.aws/config or choose another one.',
  'hint.REGION_INVALID': 'Choose a region from the list.',
  'hint.TARGET_NOT_CONNECTED': 'Start the SSM agent on the instance, or choose an instance that is online.',
  'hint.TARGET_NOT_FOUND': 'Refresh the list; the instance may have been terminated.',
  'hint.INVALID_DOCUMENT': 'Choose another session document.',
  'hint.SESSION_FAILED': 'Open a new session.',
  'hint.PORT_IN_USE': 'Choose another local port.',
};

const hintsJa: Partial<Record<`hint.${HintedCode}`, string>> = {
  'hint.UNKNOWN_CHANNEL': 'ウィンドウとホストのバージョンが一致していません。ウィンドウを再読み込みしてください。',
  'hint.BAD_PAYLOAD': 'プロファイルとリージョンを確認してから「再試行」を選んでください。',
  'hint.FORBIDDEN_SENDER': 'Porthole が表示したトークン付きのリンクから開き直してください。',
  'hint.INTERNAL': '「再試行」を選んでください。失敗が続く場合は Porthole を再起動してください。',
  'hint.AWS_AUTH_FAILED':
    '別のプロファイルを選ぶか、~/.aws/credentials のキーを修正してから「再試行」を選んでください。',
  'hint.AWS_ACCESS_DENIED':
    'このプロファイルには ssm:DescribeInstanceInformation と ec2:DescribeInstances の権限が必要です。別のプロファイルを選ぶか、権限を依頼してください。',
  'hint.AWS_NETWORK': 'ネットワーク接続またはプロキシを確認してから「再試行」を選んでください。',
  'hint.AWS_THROTTLED': '数秒待ってから「再試行」を選んでください。',
  'hint.AWS_SERVICE': '「再試行」を選んでください。エラーが続く場合は別のリージョンを試してください。',
  'hint.CREDENTIALS_MISSING':
    '「aws configure --profile {profile}」を実行するか別のプロファイルを選んでから「再試行」を選んでください。',
  'hint.CREDENTIALS_EXPIRED':
    '「aws sso login --profile {profile}」を実行する（またはキーを更新する）と、「再試行」で読み込めます。',
  'hint.PROFILE_INVALID': '~/.aws/config のプロファイルを修正するか、別のプロファイルを選んでください。',
  'hint.REGION_INVALID': '一覧からリージョンを選んでください。',
  'hint.TARGET_NOT_CONNECTED':
    'インスタンスで SSM エージェントを起動するか、オンラインのインスタンスを選んでください。',
  'hint.TARGET_NOT_FOUND': '一覧を更新してください。インスタンスが終了している可能性があります。',
  'hint.INVALID_DOCUMENT': '別のセッションドキュメントを選んでください。',
  'hint.SESSION_FAILED': '新しいセッションを開いてください。',
  'hint.PORT_IN_USE': '別のローカルポートを選んでください。',
};

export const appMessages: MessageModule<Key> = {
  en: {
    'app.title': 'Porthole',
    'app.loadingProfiles': 'Reading AWS profiles…',
    'header.profile': 'Profile',
    'header.region': 'Region',
    'header.refresh': 'Refresh',
    'header.theme': 'Dark theme',
    'header.endpoint': 'Endpoint {endpoint}',
    'header.noProfiles': 'No profiles',
    'search.label': 'Search instances',
    'search.placeholder': 'Search name, ID, IP, platform, tags…',
    'search.clear': 'Clear search',
    'instances.label': 'Instances',
    'instances.count.one': '1 instance',
    'instances.count.other': '{count} instances',
    'instances.filtered': '{shown} of {total} shown',
    'instances.loading': 'Loading instances…',
    'instances.unnamed': '(no name)',
    'instances.hybrid': 'Hybrid',
    'instances.hybridTitle': 'Hybrid activation (on-premises or other cloud)',
    'column.name': 'Name',
    'column.instanceId': 'Instance ID',
    'column.status': 'Status',
    'column.platform': 'Platform',
    'column.privateIp': 'Private IP',
    'column.tags': 'Tags',
    'status.Online': 'Online',
    'status.ConnectionLost': 'Connection lost',
    'status.Inactive': 'Inactive',
    'status.NotManaged': 'Not managed',
    'platform.Linux': 'Linux',
    'platform.Windows': 'Windows',
    'platform.MacOS': 'macOS',
    'platform.Unknown': 'Unknown',
    'tags.more': '+{count}',
    'tags.moreLabel': '{count} more tags: {tags}',
    'tags.none': 'No tags',
    'empty.title': 'No instances in {region}',
    'empty.body':
      'Profile “{profile}” has no managed nodes or EC2 instances in {region}. Try another region or profile.',
    'empty.chooseRegion': 'Choose another region',
    'noMatch.title': 'No instances match “{query}”',
    'noMatch.body': 'Search looks at names, instance IDs, IP addresses, platforms, and tag keys and values.',
    'noProfiles.title': 'No AWS profiles found',
    'noProfiles.body':
      'Add a profile to ~/.aws/config or ~/.aws/credentials (for example with “aws configure”), then select Retry.',
    'failure.instances': 'Could not load instances',
    'failure.profiles': 'Could not read AWS profiles',
    'failure.regions': 'Could not list regions',
    'failure.code': 'Error code {code}',
    ...hintsEn,
    'hint.generic': 'Select Retry to try again.',
    'action.retry': 'Retry',
    'footer.updated': 'Updated {time}',
    'footer.host.web': 'Web host',
    'footer.host.electron': 'Desktop',
    'footer.version': 'v{version}',
    'details.label': 'Instance details',
    'details.close': 'Close details',
    'details.empty': 'Select an instance to see its details.',
    'details.instanceId': 'Instance ID',
    'details.status': 'Status',
    'details.platform': 'Platform',
    'details.privateIp': 'Private IP',
    'details.publicIp': 'Public IP',
    'details.instanceType': 'Instance type',
    'details.state': 'State',
    'details.agentVersion': 'Agent version',
    'details.lastPing': 'Last ping',
    'details.vpc': 'VPC',
    'details.subnet': 'Subnet',
    'details.account': 'Account',
    'details.computerName': 'Computer name',
    'details.tags': 'Tags',
  },
  ja: {
    'app.title': 'Porthole',
    'app.loadingProfiles': 'AWS プロファイルを読み込んでいます…',
    'header.profile': 'プロファイル',
    'header.region': 'リージョン',
    'header.refresh': '更新',
    'header.theme': 'ダークテーマ',
    'header.endpoint': 'エンドポイント {endpoint}',
    'header.noProfiles': 'プロファイルなし',
    'search.label': 'インスタンスを検索',
    'search.placeholder': '名前・ID・IP・プラットフォーム・タグで検索…',
    'search.clear': '検索をクリア',
    'instances.label': 'インスタンス',
    'instances.count.one': '1 台のインスタンス',
    'instances.count.other': '{count} 台のインスタンス',
    'instances.filtered': '{total} 台中 {shown} 台を表示',
    'instances.loading': 'インスタンスを読み込んでいます…',
    'instances.unnamed': '（名前なし）',
    'instances.hybrid': 'ハイブリッド',
    'instances.hybridTitle': 'ハイブリッドアクティベーション（オンプレミスまたは他クラウド）',
    'column.name': '名前',
    'column.instanceId': 'インスタンス ID',
    'column.status': '状態',
    'column.platform': 'プラットフォーム',
    'column.privateIp': 'プライベート IP',
    'column.tags': 'タグ',
    'status.Online': 'オンライン',
    'status.ConnectionLost': '接続切断',
    'status.Inactive': '非アクティブ',
    'status.NotManaged': '管理対象外',
    'platform.Linux': 'Linux',
    'platform.Windows': 'Windows',
    'platform.MacOS': 'macOS',
    'platform.Unknown': '不明',
    'tags.more': '+{count}',
    'tags.moreLabel': 'ほか {count} 個のタグ: {tags}',
    'tags.none': 'タグなし',
    'empty.title': '{region} にインスタンスはありません',
    'empty.body':
      'プロファイル「{profile}」には {region} のマネージドノードも EC2 インスタンスもありません。別のリージョンかプロファイルを試してください。',
    'empty.chooseRegion': '別のリージョンを選ぶ',
    'noMatch.title': '「{query}」に一致するインスタンスはありません',
    'noMatch.body': '名前、インスタンス ID、IP アドレス、プラットフォーム、タグのキーと値を検索します。',
    'noProfiles.title': 'AWS プロファイルが見つかりません',
    'noProfiles.body':
      '~/.aws/config または ~/.aws/credentials にプロファイルを追加して（例:「aws configure」）、「再試行」を選んでください。',
    'failure.instances': 'インスタンスを読み込めませんでした',
    'failure.profiles': 'AWS プロファイルを読み込めませんでした',
    'failure.regions': 'リージョン一覧を取得できませんでした',
    'failure.code': 'エラーコード {code}',
    ...hintsJa,
    'hint.generic': '「再試行」を選んでもう一度お試しください。',
    'action.retry': '再試行',
    'footer.updated': '{time} に更新',
    'footer.host.web': 'Web ホスト',
    'footer.host.electron': 'デスクトップ',
    'footer.version': 'v{version}',
    'details.label': 'インスタンスの詳細',
    'details.close': '詳細を閉じる',
    'details.empty': 'インスタンスを選ぶと詳細が表示されます。',
    'details.instanceId': 'インスタンス ID',
    'details.status': '状態',
    'details.platform': 'プラットフォーム',
    'details.privateIp': 'プライベート IP',
    'details.publicIp': 'パブリック IP',
    'details.instanceType': 'インスタンスタイプ',
    'details.state': '状態 (EC2)',
    'details.agentVersion': 'エージェントのバージョン',
    'details.lastPing': '最終 ping',
    'details.vpc': 'VPC',
    'details.subnet': 'サブネット',
    'details.account': 'アカウント',
    'details.computerName': 'コンピューター名',
    'details.tags': 'タグ',
  },
};
