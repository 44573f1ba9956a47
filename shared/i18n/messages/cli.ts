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
  | 'cli.error.badQuery'
  | 'cli.error.allRegionsWithRegion'
  | 'cli.option.allRegions'
  | 'cli.option.query'
  | 'cli.value.query'
  | 'cli.list.sourceFailed'
  | 'cli.list.column.account'
  | 'cli.list.column.region'
  | 'cli.list.mfaPrompt'
  | 'cli.error.badEndpoint'
  | 'cli.error.seeHelp'
  | 'cli.error.seeCommandHelp'
  | 'cli.shell.summary'
  | 'cli.shell.description'
  | 'cli.exec.summary'
  | 'cli.exec.description'
  | 'cli.option.document'
  | 'cli.option.parameters'
  | 'cli.value.document'
  | 'cli.value.json'
  | 'cli.session.starting'
  | 'cli.session.exiting'
  | 'cli.session.reconnecting'
  | 'cli.session.resumed'
  | 'cli.session.escapeHelp'
  | 'cli.session.leaving'
  | 'cli.session.interruptAgain'
  | 'cli.session.signal'
  | 'cli.target.ambiguous'
  | 'cli.target.pickId'
  | 'cli.error.missingTarget'
  | 'cli.error.missingCommand'
  | 'cli.error.badParameters'
  | 'cli.forward.summary'
  | 'cli.forward.description'
  | 'cli.option.remotePort'
  | 'cli.option.remoteHost'
  | 'cli.option.localPort'
  | 'cli.option.bind'
  | 'cli.option.pool'
  | 'cli.value.port'
  | 'cli.value.address'
  | 'cli.value.host'
  | 'cli.value.count'
  | 'cli.value.file'
  | 'cli.value.command'
  | 'cli.error.missingOption'
  | 'cli.error.badPort'
  | 'cli.error.badPool'
  | 'cli.forward.listening'
  | 'cli.forward.nonLoopback'
  | 'cli.forward.pool'
  | 'cli.forward.connectFailed'
  | 'cli.forward.stopping'
  | 'cli.sshProxy.summary'
  | 'cli.sshProxy.description'
  | 'cli.rdp.summary'
  | 'cli.rdp.description'
  | 'cli.option.noLaunch'
  | 'cli.option.rdpCommand'
  | 'cli.option.user'
  | 'cli.option.keyFile'
  | 'cli.rdp.connectTo'
  | 'cli.rdp.launching'
  | 'cli.rdp.clientExited'
  | 'cli.rdp.noClient'
  | 'cli.rdp.launchFailed'
  | 'cli.rdp.password'
  | 'cli.rdp.passwordNotReady';

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
    'cli.error.badQuery': 'The query has a problem: {detail}\n  {query}\n  {caret}',
    'cli.error.allRegionsWithRegion': 'Use either --all-regions or --region, not both.',
    'cli.option.allRegions': 'List every region each profile can use (EC2 DescribeRegions)',
    'cli.option.query':
      "Only instances matching this query, e.g. 'tag:Environment=prod -platform:windows name:web*' (see shared/query/README.md)",
    'cli.value.query': 'query',
    'cli.list.sourceFailed': '{profile} / {region}: {message}',
    'cli.list.column.account': 'ACCOUNT',
    'cli.list.column.region': 'REGION',
    'cli.list.mfaPrompt': 'MFA code for profile "{profile}" ({serial}): ',
    'cli.error.badTag': '"{tag}" is not a tag filter. Write Key=Value, or Key for any value.',
    'cli.error.badEndpoint': '"{url}" is not an http:// or https:// URL.',
    'cli.error.seeHelp': 'Run "porthole --help" for usage.',
    'cli.error.seeCommandHelp': 'Run "porthole {command} --help" for usage.',
    'cli.shell.summary': 'Open an interactive shell on an instance (raw terminal; ~. leaves a hung session)',
    'cli.shell.description':
      '  porthole shell <target> [options]\n\nOpens a Session Manager shell on <target>: an instance id (i-..., mi-...) or an exact, case-sensitive Name tag. With a terminal, keys go to the instance as typed (Ctrl-C included) and the window size follows yours. Type ~. at the start of a line to leave a hung session (it is terminated), ~~ to send one ~, ~? for help. With piped input, the input is typed into the shell and end of input sends Ctrl-D; Ctrl-C is passed on, a second Ctrl-C within a second ends the session. Exits 0 when the session ends normally, 1 when it fails.',
    'cli.exec.summary': 'Run one command on an instance and exit with its exit code (stdout and stderr kept apart)',
    'cli.exec.description':
      "  porthole exec <target> [options] -- <command> [arguments...]\n\nRuns the command through AWS-StartNonInteractiveCommand on <target> (an instance id or an exact Name tag). Its stdout goes to stdout and its stderr to stderr, and porthole exits with the remote exit code (1 if the session itself fails).\nQuoting: each argument after -- is one word on the instance: porthole quotes it for a POSIX shell ('it'\\''s' style single quotes), so spaces, quotes, $ and ; reach the command literally. For pipes or several commands, pass a shell line as one argument: porthole exec web-1 -- sh -c 'uptime; df -h | tail -1'. Linux and macOS targets only.",
    'cli.option.document': 'Session document to start (default: SSM-SessionManagerRunShell)',
    'cli.option.parameters': 'Document parameters as JSON, e.g. {"command":["top"]}',
    'cli.value.document': 'document',
    'cli.value.json': 'json',
    'cli.session.starting': 'Starting session with SessionId: {sessionId}',
    'cli.session.exiting': 'Exiting session with SessionId: {sessionId}.',
    'cli.session.reconnecting': 'Connection to the instance lost; reconnecting...',
    'cli.session.resumed': 'Reconnected; the session continues.',
    'cli.session.escapeHelp':
      'Escapes (at the start of a line): ~. leave and terminate the session, ~~ send a single ~, ~? this help',
    'cli.session.leaving': 'Leaving session {sessionId} (~.); terminating it.',
    'cli.session.interruptAgain': 'Ctrl-C sent to the instance; press Ctrl-C again within a second to end the session.',
    'cli.session.signal': 'Received {signal}; terminating session {sessionId}.',
    'cli.target.ambiguous': '"{target}" is the Name of {count} instances:',
    'cli.target.pickId': 'Give the instance id instead.',
    'cli.error.missingTarget': 'Give the instance to connect to: an instance id (i-..., mi-...) or its Name tag.',
    'cli.error.missingCommand': 'Give the command to run after "--", e.g. porthole exec web-1 -- uname -a',
    'cli.error.badParameters':
      '--parameters must be a JSON object of strings or string lists, e.g. {"command":["top"]}: {detail}',
    'cli.forward.summary': 'Forward a local port to a port on an instance, or on a host it reaches (runs until Ctrl-C)',
    'cli.forward.description':
      '  porthole forward <target> --remote-port <port> [--local-port <port>] [--host <host>] [--bind <address>] [options]\n\nListens on a local port (127.0.0.1 and a free port unless told otherwise) and forwards every connection to --remote-port on <target> (an instance id or an exact Name tag), or with --host to that host as the instance reaches it (AWS-StartPortForwardingSessionToRemoteHost). Prints "listening on <address>:<port>" on stdout once connections can be made; connection errors and reconnects go to stderr and do not end the tunnel. Ctrl-C (or SIGTERM) stops the tunnel and terminates its sessions. --pool spreads connections over several sessions, since the agent paces each session to about 1 MB/s.',
    'cli.option.remotePort': 'Port on the instance (or on --host) to forward to (required)',
    'cli.option.remoteHost':
      'Forward to this host as the instance reaches it (a database, a cache, ...) instead of the instance itself',
    'cli.option.localPort': 'Local port to listen on (default: a free port)',
    'cli.option.bind':
      'Local address to listen on (default: 127.0.0.1; any other address lets other machines use the tunnel)',
    'cli.option.pool': 'Spread connections over this many sessions, 1 to 16 (default 1)',
    'cli.value.port': 'port',
    'cli.value.address': 'address',
    'cli.value.host': 'host',
    'cli.value.count': 'count',
    'cli.value.file': 'file',
    'cli.value.command': 'command',
    'cli.error.missingOption': 'Option "{option}" is required.',
    'cli.error.badPort': '"{value}" is not a port for {option}: give a whole number from {min} to 65535.',
    'cli.error.badPool': '"{value}" is not a session pool size: give a whole number from 1 to {max}.',
    'cli.forward.listening': 'listening on {address}:{port}',
    'cli.forward.nonLoopback':
      'Warning: listening on {address}, which other machines can reach: anyone who connects reaches the instance through this tunnel.',
    'cli.forward.pool': 'Session pool: connections are spread over {count} sessions.',
    'cli.forward.connectFailed':
      'A connection failed: the instance could not connect to {destination} (is anything listening there?). The tunnel stays up ({count} failed so far).',
    'cli.forward.stopping': 'Received {signal}; stopping the tunnel and terminating its session.',
    'cli.sshProxy.summary':
      'Relay stdin/stdout to a port on an instance over AWS-StartSSHSession (for ssh ProxyCommand)',
    'cli.sshProxy.description':
      "  porthole ssh-proxy <target> [<port>] [options]\n\nFor ~/.ssh/config:\n\n  Host i-* mi-*\n    ProxyCommand porthole ssh-proxy %h %p\n\nConnects stdin and stdout to <port> (default 22) on <target> (an instance id or an exact Name tag) through an AWS-StartSSHSession session. Only the connection's bytes are written to stdout; messages go to stderr. Ends when either side closes. Exits 0 when the connection ended normally, 1 when the session failed.",
    'cli.rdp.summary':
      'Remote Desktop to a Windows instance: a tunnel to port 3389 and your RDP client (runs until Ctrl-C)',
    'cli.rdp.description':
      "  porthole rdp <target> [--local-port <port>] [--no-launch] [--key-file <pem>] [options]\n\nStarts a tunnel to port 3389 on <target> (an instance id or an exact Name tag) on a free local port, then opens the RDP client: mstsc with a generated .rdp file on Windows, the default handler of a generated .rdp file on macOS, xfreerdp or remmina on Linux (the first found on PATH). --rdp-command or $PORTHOLE_RDP_COMMAND replaces the client command, e.g. 'xfreerdp /v:{host}:{port} /u:{username}' ({host}, {port}, {username} and {file}, the .rdp file, are filled in). With --key-file, the Windows administrator password is fetched with EC2 GetPasswordData, decrypted with that key pair file and shown on stderr (never written to disk). The tunnel stays up while the client runs and until Ctrl-C.",
    'cli.option.noLaunch': 'Only start the tunnel; do not open an RDP client',
    'cli.option.rdpCommand':
      'RDP client command template, e.g. "xfreerdp /v:{host}:{port}" (default: $PORTHOLE_RDP_COMMAND, else detected)',
    'cli.option.user': 'User name for the RDP client (default: Administrator)',
    'cli.option.keyFile':
      'Key pair file (.pem) the instance was launched with: show the Windows administrator password',
    'cli.rdp.connectTo': 'Connect your RDP client to {address}:{port} (Ctrl-C stops the tunnel).',
    'cli.rdp.launching': 'Starting the RDP client: {command}',
    'cli.rdp.clientExited': 'The RDP client exited ({code}); the tunnel stays up until Ctrl-C.',
    'cli.rdp.noClient':
      "No RDP client found: install xfreerdp (Debian/Ubuntu package freerdp2-x11) or remmina, or set PORTHOLE_RDP_COMMAND, e.g. PORTHOLE_RDP_COMMAND='xfreerdp /v:{host}:{port}'.",
    'cli.rdp.launchFailed': 'Could not start the RDP client: {detail}',
    'cli.rdp.password': 'Administrator password (EC2 GetPasswordData, decrypted with {keyFile}): {password}',
    'cli.rdp.passwordNotReady':
      'EC2 has no administrator password for {instanceId} yet: Windows sets it a few minutes after launch, and only for instances launched with a key pair.',
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
    'cli.error.badQuery': 'クエリに問題があります: {detail}\n  {query}\n  {caret}',
    'cli.error.allRegionsWithRegion': '--all-regions と --region は同時に指定できません。',
    'cli.option.allRegions': '各プロファイルで使えるすべてのリージョンを一覧表示する (EC2 DescribeRegions)',
    'cli.option.query': "このクエリに一致するインスタンスのみ (例: 'tag:Environment=prod -platform:windows name:web*')",
    'cli.value.query': 'クエリ',
    'cli.list.sourceFailed': '{profile} / {region}: {message}',
    'cli.list.column.account': 'アカウント',
    'cli.list.column.region': 'リージョン',
    'cli.list.mfaPrompt': 'プロファイル「{profile}」の MFA コード ({serial}): ',
    'cli.error.badTag': '「{tag}」はタグの条件ではありません。キー=値、または任意の値ならキーのみを指定してください。',
    'cli.error.badEndpoint': '「{url}」は http:// または https:// の URL ではありません。',
    'cli.error.seeHelp': '使い方は "porthole --help" で表示されます。',
    'cli.error.seeCommandHelp': '使い方は "porthole {command} --help" で表示されます。',
    'cli.shell.summary': 'インスタンスで対話シェルを開く (raw 端末。~. で応答しないセッションから抜ける)',
    'cli.shell.description':
      '  porthole shell <ターゲット> [オプション]\n\n<ターゲット> (インスタンス ID (i-...、mi-...) または大文字小文字を区別する完全一致の Name タグ) で Session Manager のシェルを開きます。端末からの場合、キー入力 (Ctrl-C を含む) はそのままインスタンスに送られ、ウィンドウサイズも追従します。行頭で ~. と入力すると応答しないセッションから抜けます (セッションは終了されます)。~~ で ~ を 1 つ送信、~? でヘルプを表示します。パイプ入力の場合、入力をシェルに送り、入力の終わりで Ctrl-D を送ります。Ctrl-C はインスタンスに送られ、1 秒以内にもう一度押すとセッションを終了します。正常終了で 0、失敗で 1 を返します。',
    'cli.exec.summary': 'インスタンスでコマンドを 1 つ実行し、その終了コードで終了する (標準出力と標準エラーは別々)',
    'cli.exec.description':
      "  porthole exec <ターゲット> [オプション] -- <コマンド> [引数...]\n\n<ターゲット> (インスタンス ID または完全一致の Name タグ) で AWS-StartNonInteractiveCommand によりコマンドを実行します。標準出力は標準出力へ、標準エラーは標準エラーへ出力し、リモートの終了コードで終了します (セッション自体が失敗した場合は 1)。\nクォート: -- 以降の各引数はインスタンス上で 1 つの語になります。porthole が POSIX シェル用に単一引用符でクォートするため、空白、引用符、$、; もそのまま渡ります。パイプや複数のコマンドには、シェルの 1 行を 1 つの引数として渡してください: porthole exec web-1 -- sh -c 'uptime; df -h | tail -1'。Linux と macOS のターゲットのみ対応します。",
    'cli.option.document': '開始するセッションドキュメント (既定: SSM-SessionManagerRunShell)',
    'cli.option.parameters': 'ドキュメントのパラメーター (JSON)。例: {"command":["top"]}',
    'cli.value.document': 'ドキュメント',
    'cli.value.json': 'JSON',
    'cli.session.starting': 'セッションを開始しました。SessionId: {sessionId}',
    'cli.session.exiting': 'セッションを終了します。SessionId: {sessionId}',
    'cli.session.reconnecting': 'インスタンスとの接続が切れました。再接続しています...',
    'cli.session.resumed': '再接続しました。セッションを続けます。',
    'cli.session.escapeHelp': 'エスケープ (行頭で): ~. セッションを終了して抜ける、~~ ~ を 1 つ送信、~? このヘルプ',
    'cli.session.leaving': 'セッション {sessionId} から抜けます (~.)。セッションを終了します。',
    'cli.session.interruptAgain': 'Ctrl-C をインスタンスに送りました。1 秒以内にもう一度押すとセッションを終了します。',
    'cli.session.signal': '{signal} を受け取りました。セッション {sessionId} を終了します。',
    'cli.target.ambiguous': '「{target}」という Name のインスタンスが {count} 台あります:',
    'cli.target.pickId': 'インスタンス ID を指定してください。',
    'cli.error.missingTarget':
      '接続先のインスタンスを指定してください: インスタンス ID (i-...、mi-...) または Name タグ。',
    'cli.error.missingCommand': '実行するコマンドを "--" の後に指定してください。例: porthole exec web-1 -- uname -a',
    'cli.error.badParameters':
      '--parameters は文字列または文字列の配列からなる JSON オブジェクトにしてください。例: {"command":["top"]}: {detail}',
    'cli.forward.summary':
      'ローカルポートをインスタンス (またはそこから届くホスト) のポートへ転送する (Ctrl-C まで動作)',
    'cli.forward.description':
      '  porthole forward <target> --remote-port <port> [--local-port <port>] [--host <host>] [--bind <address>] [options]\n\nローカルポート (指定がなければ 127.0.0.1 の空きポート) で待ち受け、すべての接続を <target> (インスタンス ID または Name タグの完全一致) の --remote-port へ転送します。--host を付けると、インスタンスから見たそのホストへ転送します (AWS-StartPortForwardingSessionToRemoteHost)。接続できるようになると標準出力に "listening on <address>:<port>" を出力します。接続ごとのエラーや再接続は標準エラーに出力され、トンネルは止まりません。Ctrl-C (または SIGTERM) でトンネルを止め、セッションを終了します。エージェントはセッションごとに約 1 MB/s に制限するため、--pool で複数のセッションに接続を分散できます。',
    'cli.option.remotePort': '転送先のポート (インスタンス上、または --host 上。必須)',
    'cli.option.remoteHost':
      'インスタンスではなく、インスタンスから見たこのホスト (データベース、キャッシュなど) へ転送する',
    'cli.option.localPort': '待ち受けるローカルポート (既定: 空きポート)',
    'cli.option.bind':
      '待ち受けるローカルアドレス (既定: 127.0.0.1。他のアドレスでは他のマシンからもトンネルを使えます)',
    'cli.option.pool': '接続をこの数のセッションに分散する (1〜16、既定 1)',
    'cli.value.port': 'ポート',
    'cli.value.address': 'アドレス',
    'cli.value.host': 'ホスト',
    'cli.value.count': '数',
    'cli.value.file': 'ファイル',
    'cli.value.command': 'コマンド',
    'cli.error.missingOption': 'オプション "{option}" は必須です。',
    'cli.error.badPort':
      '"{value}" は {option} のポートとして使えません: {min} から 65535 までの整数を指定してください。',
    'cli.error.badPool':
      '"{value}" はセッションプールの数として使えません: 1 から {max} までの整数を指定してください。',
    // Machine-readable (scripts wait for this line): the same in every language.
    'cli.forward.listening': 'listening on {address}:{port}',
    'cli.forward.nonLoopback':
      '警告: 他のマシンから届くアドレス {address} で待ち受けています。接続した人は誰でもこのトンネル経由でインスタンスに届きます。',
    'cli.forward.pool': 'セッションプール: 接続を {count} 個のセッションに分散します。',
    'cli.forward.connectFailed':
      '接続に失敗しました: インスタンスから {destination} に接続できません (待ち受けているプログラムはありますか?)。トンネルは動作を続けます (これまでの失敗: {count})。',
    'cli.forward.stopping': '{signal} を受け取りました。トンネルを止め、セッションを終了します。',
    'cli.sshProxy.summary': 'AWS-StartSSHSession で標準入出力をインスタンスのポートへ中継する (ssh の ProxyCommand 用)',
    'cli.sshProxy.description':
      '  porthole ssh-proxy <target> [<port>] [options]\n\n~/.ssh/config の例:\n\n  Host i-* mi-*\n    ProxyCommand porthole ssh-proxy %h %p\n\n標準入出力を AWS-StartSSHSession セッションで <target> (インスタンス ID または Name タグの完全一致) の <port> (既定 22) につなぎます。標準出力には接続のバイト列だけを書き、メッセージは標準エラーに出力します。どちらかが閉じると終了します。正常に終われば 0、セッションが失敗すれば 1 で終了します。',
    'cli.rdp.summary':
      'Windows インスタンスへのリモートデスクトップ: ポート 3389 へのトンネルと RDP クライアント (Ctrl-C まで動作)',
    'cli.rdp.description':
      "  porthole rdp <target> [--local-port <port>] [--no-launch] [--key-file <pem>] [options]\n\n<target> (インスタンス ID または Name タグの完全一致) のポート 3389 へのトンネルを空きローカルポートで開始し、RDP クライアントを開きます: Windows では生成した .rdp ファイルで mstsc、macOS では生成した .rdp ファイルの既定のアプリ、Linux では PATH にある xfreerdp または remmina。--rdp-command または $PORTHOLE_RDP_COMMAND でクライアントのコマンドを置き換えられます。例: 'xfreerdp /v:{host}:{port} /u:{username}' ({host}、{port}、{username}、.rdp ファイルの {file} が埋め込まれます)。--key-file を指定すると、EC2 GetPasswordData で Windows の管理者パスワードを取得し、その鍵ペアファイルで復号して標準エラーに表示します (ディスクには書きません)。トンネルはクライアントの実行中、そして Ctrl-C まで動作します。",
    'cli.option.noLaunch': 'トンネルだけを開始し、RDP クライアントを開かない',
    'cli.option.rdpCommand':
      'RDP クライアントのコマンドテンプレート。例: "xfreerdp /v:{host}:{port}" (既定: $PORTHOLE_RDP_COMMAND、なければ自動検出)',
    'cli.option.user': 'RDP クライアントに渡すユーザー名 (既定: Administrator)',
    'cli.option.keyFile': 'インスタンスの起動に使った鍵ペアファイル (.pem): Windows の管理者パスワードを表示する',
    'cli.rdp.connectTo': 'RDP クライアントで {address}:{port} に接続してください (Ctrl-C でトンネルを止めます)。',
    'cli.rdp.launching': 'RDP クライアントを起動します: {command}',
    'cli.rdp.clientExited': 'RDP クライアントが終了しました ({code})。トンネルは Ctrl-C まで動作を続けます。',
    'cli.rdp.noClient':
      "RDP クライアントが見つかりません: xfreerdp (Debian/Ubuntu のパッケージ freerdp2-x11) か remmina をインストールするか、PORTHOLE_RDP_COMMAND を設定してください。例: PORTHOLE_RDP_COMMAND='xfreerdp /v:{host}:{port}'",
    'cli.rdp.launchFailed': 'RDP クライアントを起動できません: {detail}',
    'cli.rdp.password': '管理者パスワード (EC2 GetPasswordData を {keyFile} で復号): {password}',
    'cli.rdp.passwordNotReady':
      '{instanceId} の管理者パスワードはまだ EC2 にありません: Windows は起動の数分後に設定し、鍵ペアを指定して起動したインスタンスに限られます。',
  },
};
