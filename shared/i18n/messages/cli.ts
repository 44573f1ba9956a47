import type { MessageModule } from '../catalog';

type Key =
  | 'cli.usage'
  | 'cli.commandUsage'
  | 'cli.help.intro'
  | 'cli.help.commands'
  | 'cli.help.options'
  | 'cli.help.more'
  | 'cli.help.exitCodes'
  | 'cli.version'
  | 'cli.option.help'
  | 'cli.option.version'
  | 'cli.option.profile'
  | 'cli.option.region'
  | 'cli.option.endpointUrl'
  | 'cli.option.tag'
  | 'cli.option.json'
  | 'cli.option.debug'
  | 'cli.value.name'
  | 'cli.value.region'
  | 'cli.value.url'
  | 'cli.value.tag'
  | 'cli.list.summary'
  | 'cli.list.description'
  | 'cli.list.empty'
  | 'cli.list.noneMatch'
  | 'cli.aws.regionFallback'
  | 'cli.list.column.name'
  | 'cli.list.column.id'
  | 'cli.list.column.platform'
  | 'cli.list.column.ping'
  | 'cli.list.column.privateIp'
  | 'cli.list.column.tags'
  | 'cli.list.ping.Online'
  | 'cli.list.ping.ConnectionLost'
  | 'cli.list.ping.Inactive'
  | 'cli.list.ping.NotManaged'
  | 'cli.error.prefix'
  | 'cli.error.unknownCommand'
  | 'cli.error.unknownOption'
  | 'cli.error.missingValue'
  | 'cli.error.unexpectedArgument'
  | 'cli.error.badArguments'
  | 'cli.error.badTag'
  | 'cli.error.badEndpoint'
  | 'cli.error.seeHelp'
  | 'cli.error.seeCommandHelp';

export const cliMessages: MessageModule<Key> = {
  en: {
    'cli.usage': 'Usage: porthole <command> [options]',
    'cli.commandUsage': 'Usage: porthole {command} [options]',
    'cli.help.intro': 'Porthole: connect to AWS Systems Manager managed instances from the terminal.',
    'cli.help.commands': 'Commands:',
    'cli.help.options': 'Options:',
    'cli.help.more': 'Run "porthole <command> --help" for the options of a command.',
    'cli.help.exitCodes': 'Exit codes: 0 success, 1 AWS or runtime error, 2 bad command line.',
    'cli.version': 'porthole {version}',
    'cli.option.help': 'Show this help',
    'cli.option.version': 'Print the version',
    'cli.option.profile': 'AWS profile (default: $AWS_PROFILE, else "default")',
    'cli.option.region': "AWS region (default: $AWS_REGION, else the profile's region)",
    'cli.option.endpointUrl':
      'Send AWS calls to this endpoint, e.g. the Porthole emulator (default: $AWS_ENDPOINT_URL)',
    'cli.option.tag': 'Only instances with this tag: Key=Value, or Key for any value; repeat to require several',
    'cli.option.json': 'Print a JSON array of instances instead of a table',
    'cli.option.debug': 'Log AWS activity to stderr',
    'cli.value.name': 'name',
    'cli.value.region': 'region',
    'cli.value.url': 'url',
    'cli.value.tag': 'key=value',
    'cli.list.summary': 'List managed instances (SSM nodes joined with EC2 details and tags)',
    'cli.list.description':
      'Lists the nodes Systems Manager manages in one region, with their EC2 name, tags and addresses, and the EC2 instances it does not manage (ping "NotManaged").',
    'cli.list.empty': 'No instances in {region} for profile "{profile}".',
    'cli.list.noneMatch': 'No instance in {region} has the tags {tags} ({total} instances listed).',
    'cli.aws.regionFallback': 'No region set for profile "{profile}"; using {region}. Pass --region or set AWS_REGION.',
    'cli.list.column.name': 'NAME',
    'cli.list.column.id': 'INSTANCE ID',
    'cli.list.column.platform': 'PLATFORM',
    'cli.list.column.ping': 'PING',
    'cli.list.column.privateIp': 'PRIVATE IP',
    'cli.list.column.tags': 'TAGS',
    'cli.list.ping.Online': 'Online',
    'cli.list.ping.ConnectionLost': 'ConnectionLost',
    'cli.list.ping.Inactive': 'Inactive',
    'cli.list.ping.NotManaged': 'NotManaged',
    'cli.error.prefix': 'porthole: {message}',
    'cli.error.unknownCommand': 'Unknown command "{command}".',
    'cli.error.unknownOption': 'Unknown option "{option}".',
    'cli.error.missingValue': 'Option "{option}" needs a value.',
    'cli.error.unexpectedArgument': 'Unexpected argument "{argument}".',
    'cli.error.badArguments': 'Bad command line: {detail}',
    'cli.error.badTag': '"{tag}" is not a tag filter. Write Key=Value, or Key for any value.',
    'cli.error.badEndpoint': '"{url}" is not an http:// or https:// URL.',
    'cli.error.seeHelp': 'Run "porthole --help" for usage.',
    'cli.error.seeCommandHelp': 'Run "porthole {command} --help" for usage.',
  },
  ja: {
    'cli.usage': '使い方: porthole <コマンド> [オプション]',
    'cli.commandUsage': '使い方: porthole {command} [オプション]',
    'cli.help.intro': 'Porthole: ターミナルから AWS Systems Manager のマネージドインスタンスに接続します。',
    'cli.help.commands': 'コマンド:',
    'cli.help.options': 'オプション:',
    'cli.help.more': 'コマンドのオプションは "porthole <コマンド> --help" で表示されます。',
    'cli.help.exitCodes': '終了コード: 0 成功、1 AWS または実行時のエラー、2 コマンドラインの誤り。',
    'cli.version': 'porthole {version}',
    'cli.option.help': 'このヘルプを表示する',
    'cli.option.version': 'バージョンを表示する',
    'cli.option.profile': 'AWS プロファイル (既定: $AWS_PROFILE、なければ "default")',
    'cli.option.region': 'AWS リージョン (既定: $AWS_REGION、なければプロファイルのリージョン)',
    'cli.option.endpointUrl':
      'AWS 呼び出しの送信先エンドポイント。例: Porthole エミュレーター (既定: $AWS_ENDPOINT_URL)',
    'cli.option.tag': 'このタグを持つインスタンスのみ: キー=値、または任意の値ならキーのみ。複数指定はすべて一致',
    'cli.option.json': '表の代わりにインスタンスの JSON 配列を出力する',
    'cli.option.debug': 'AWS の処理を標準エラーに記録する',
    'cli.value.name': '名前',
    'cli.value.region': 'リージョン',
    'cli.value.url': 'URL',
    'cli.value.tag': 'キー=値',
    'cli.list.summary': 'マネージドインスタンスを一覧表示する (SSM ノードと EC2 の詳細・タグを結合)',
    'cli.list.description':
      '1 つのリージョンで Systems Manager が管理するノードを、EC2 の名前・タグ・アドレスとともに一覧表示します。管理されていない EC2 インスタンスも (ping "NotManaged" として) 表示します。',
    'cli.list.empty': 'プロファイル「{profile}」の {region} にインスタンスはありません。',
    'cli.list.noneMatch': '{region} にタグ {tags} を持つインスタンスはありません (一覧は {total} 件)。',
    'cli.aws.regionFallback':
      'プロファイル「{profile}」にリージョンが設定されていないため {region} を使います。--region を指定するか AWS_REGION を設定してください。',
    'cli.list.column.name': '名前',
    'cli.list.column.id': 'インスタンス ID',
    'cli.list.column.platform': 'プラットフォーム',
    'cli.list.column.ping': '状態',
    'cli.list.column.privateIp': 'プライベート IP',
    'cli.list.column.tags': 'タグ',
    'cli.list.ping.Online': 'オンライン',
    'cli.list.ping.ConnectionLost': '接続断',
    'cli.list.ping.Inactive': '非アクティブ',
    'cli.list.ping.NotManaged': '管理対象外',
    'cli.error.prefix': 'porthole: {message}',
    'cli.error.unknownCommand': '不明なコマンド「{command}」です。',
    'cli.error.unknownOption': '不明なオプション「{option}」です。',
    'cli.error.missingValue': 'オプション「{option}」には値が必要です。',
    'cli.error.unexpectedArgument': '想定外の引数「{argument}」です。',
    'cli.error.badArguments': 'コマンドラインが正しくありません: {detail}',
    'cli.error.badTag': '「{tag}」はタグの条件ではありません。キー=値、または任意の値ならキーのみを指定してください。',
    'cli.error.badEndpoint': '「{url}」は http:// または https:// の URL ではありません。',
    'cli.error.seeHelp': '使い方は "porthole --help" で表示されます。',
    'cli.error.seeCommandHelp': '使い方は "porthole {command} --help" で表示されます。',
  },
};
