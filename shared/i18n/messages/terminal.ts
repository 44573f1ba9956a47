import type { MessageModule } from '../catalog';

/** Texts of the terminal tabs, the document picker, the session history and the shortcuts menu. */
type Key =
  | 'tabs.label'
  | 'tabs.instances'
  | 'tabs.history'
  | 'tabs.close'
  | 'tabs.menu'
  | 'session.state.connecting'
  | 'session.state.open'
  | 'session.state.reconnecting'
  | 'session.state.closed'
  | 'session.state.closedExit'
  | 'session.state.failed'
  | 'session.banner.connecting'
  | 'session.banner.reconnecting'
  | 'session.banner.closed'
  | 'session.banner.closedExit'
  | 'session.banner.failed'
  | 'session.banner.startFailed'
  | 'session.reconnect'
  | 'session.closeTab'
  | 'session.encrypted'
  | 'connect.button'
  | 'connect.with'
  | 'connect.openCount.one'
  | 'connect.openCount.other'
  | 'picker.title'
  | 'picker.document'
  | 'picker.defaultShell'
  | 'picker.interactive'
  | 'picker.other'
  | 'picker.command'
  | 'picker.commandPlaceholder'
  | 'picker.commandRequired'
  | 'picker.remember'
  | 'picker.open'
  | 'picker.cancel'
  | 'confirmClose.title'
  | 'confirmClose.body'
  | 'confirmClose.confirm'
  | 'paste.title'
  | 'paste.body'
  | 'paste.confirm'
  | 'dialog.cancel'
  | 'find.placeholder'
  | 'find.next'
  | 'find.previous'
  | 'find.close'
  | 'shortcut.newTab'
  | 'shortcut.closeTab'
  | 'shortcut.nextTab'
  | 'shortcut.previousTab'
  | 'shortcut.find'
  | 'shortcut.zoomIn'
  | 'shortcut.zoomOut'
  | 'shortcut.zoomReset'
  | 'shortcut.copy'
  | 'shortcut.paste'
  | 'shortcut.instances'
  | 'settings.copyOnSelect'
  | 'settings.fontSize'
  | 'shortcut.settings'
  | 'settings.title'
  | 'settings.intro'
  | 'settings.fontFamily'
  | 'settings.fontFamilyHint'
  | 'settings.fontSizeLabel'
  | 'settings.scrollback'
  | 'settings.rangeHint'
  | 'settings.pasteWarning'
  | 'settings.reset'
  | 'settings.done'
  | 'settings.error.range'
  | 'settings.error.fontFamilyEmpty'
  | 'settings.error.fontFamilyInvalid'
  | 'settings.error.boolean'
  | 'tabs.platform'
  | 'history.title'
  | 'history.refresh'
  | 'history.local'
  | 'history.active'
  | 'history.ended'
  | 'history.empty'
  | 'history.remoteError'
  | 'history.loading'
  | 'history.column.target'
  | 'history.column.document'
  | 'history.column.state'
  | 'history.column.started'
  | 'history.column.ended'
  | 'history.column.sessionId'
  | 'history.column.owner';

const en: Record<Key, string> = {
  'tabs.label': 'Views and sessions',
  'tabs.instances': 'Instances',
  'tabs.history': 'History',
  'tabs.close': 'Close {name}',
  'tabs.menu': 'Terminal menu',
  'session.state.connecting': 'Connecting',
  'session.state.open': 'Connected',
  'session.state.reconnecting': 'Reconnecting',
  'session.state.closed': 'Closed',
  'session.state.closedExit': 'Exited ({code})',
  'session.state.failed': 'Failed',
  'session.banner.connecting': 'Starting a session on {name}…',
  'session.banner.reconnecting': 'The connection dropped. Reconnecting; output continues where it stopped.',
  'session.banner.closed': 'The session ended.',
  'session.banner.closedExit': 'The session ended with exit status {code}.',
  'session.banner.failed': 'The session failed: {reason}',
  'session.banner.startFailed': 'Could not open a session on {name}.',
  'session.reconnect': 'Reconnect',
  'session.closeTab': 'Close tab',
  'session.encrypted': 'Encrypted with AWS KMS',
  'connect.button': 'Connect',
  'connect.with': 'Connect with…',
  'connect.openCount.one': '1 open session',
  'connect.openCount.other': '{count} open sessions',
  'picker.title': 'Open a session on {name}',
  'picker.document': 'Session document',
  'picker.defaultShell': 'Default shell',
  'picker.interactive': 'Interactive command',
  'picker.other': 'Other Session document',
  'picker.command': 'Command',
  'picker.commandPlaceholder': 'sudo -iu ec2-user bash',
  'picker.commandRequired': 'Enter the command to run.',
  'picker.remember': 'Remember for this instance',
  'picker.open': 'Open session',
  'picker.cancel': 'Cancel',
  'confirmClose.title': 'Close this session?',
  'confirmClose.body': 'The session on {name} is still running. Closing the tab ends it on the instance.',
  'confirmClose.confirm': 'Close session',
  'paste.title': 'Paste {count} lines?',
  'paste.body': 'Each line break runs what precedes it in the shell.',
  'paste.confirm': 'Paste',
  'dialog.cancel': 'Cancel',
  'find.placeholder': 'Find in terminal',
  'find.next': 'Next match',
  'find.previous': 'Previous match',
  'find.close': 'Close find',
  'shortcut.newTab': 'New session on the same instance',
  'shortcut.closeTab': 'Close tab',
  'shortcut.nextTab': 'Next tab',
  'shortcut.previousTab': 'Previous tab',
  'shortcut.find': 'Find',
  'shortcut.zoomIn': 'Larger text',
  'shortcut.zoomOut': 'Smaller text',
  'shortcut.zoomReset': 'Reset text size',
  'shortcut.copy': 'Copy',
  'shortcut.paste': 'Paste',
  'shortcut.instances': 'Show instances',
  'settings.copyOnSelect': 'Copy on select',
  'settings.fontSize': 'Text size: {size} px',
  'shortcut.settings': 'Terminal settings…',
  'settings.title': 'Terminal settings',
  'settings.intro': 'Changes apply to the open terminals right away and are remembered on this computer.',
  'settings.fontFamily': 'Font family',
  'settings.fontFamilyHint': 'Font names separated by commas; the first one installed is used.',
  'settings.fontSizeLabel': 'Font size (px)',
  'settings.scrollback': 'Scrollback (lines)',
  'settings.rangeHint': '{min}–{max}',
  'settings.pasteWarning': 'Ask before pasting several lines',
  'settings.reset': 'Reset to defaults',
  'settings.done': 'Done',
  'settings.error.range': 'Enter a whole number from {min} to {max}.',
  'settings.error.fontFamilyEmpty': 'Enter at least one font name.',
  'settings.error.fontFamilyInvalid':
    'Use font names separated by commas: at most {max} characters, without ; { } < > or backslashes.',
  'settings.error.boolean': 'Choose on or off.',
  'tabs.platform': '{platform} instance',
  'history.title': 'Session history',
  'history.refresh': 'Refresh',
  'history.local': 'Opened in this app',
  'history.active': 'Active on {profile} / {region}',
  'history.ended': 'Ended on {profile} / {region}',
  'history.empty': 'No sessions.',
  'history.remoteError': 'DescribeSessions failed: {detail}',
  'history.loading': 'Loading sessions…',
  'history.column.target': 'Target',
  'history.column.document': 'Document',
  'history.column.state': 'State',
  'history.column.started': 'Started',
  'history.column.ended': 'Ended',
  'history.column.sessionId': 'Session ID',
  'history.column.owner': 'Owner',
};

const ja: Record<Key, string> = {
  'tabs.label': 'ビューとセッション',
  'tabs.instances': 'インスタンス',
  'tabs.history': '履歴',
  'tabs.close': '{name} を閉じる',
  'tabs.menu': 'ターミナルメニュー',
  'session.state.connecting': '接続中',
  'session.state.open': '接続済み',
  'session.state.reconnecting': '再接続中',
  'session.state.closed': '終了',
  'session.state.closedExit': '終了 ({code})',
  'session.state.failed': '失敗',
  'session.banner.connecting': '{name} でセッションを開始しています…',
  'session.banner.reconnecting': '接続が切れました。再接続しています。出力は途切れた所から続きます。',
  'session.banner.closed': 'セッションは終了しました。',
  'session.banner.closedExit': 'セッションは終了ステータス {code} で終了しました。',
  'session.banner.failed': 'セッションが失敗しました: {reason}',
  'session.banner.startFailed': '{name} でセッションを開けませんでした。',
  'session.reconnect': '再接続',
  'session.closeTab': 'タブを閉じる',
  'session.encrypted': 'AWS KMS で暗号化',
  'connect.button': '接続',
  'connect.with': '接続方法を選択…',
  'connect.openCount.one': 'セッション 1 件',
  'connect.openCount.other': 'セッション {count} 件',
  'picker.title': '{name} でセッションを開く',
  'picker.document': 'セッションドキュメント',
  'picker.defaultShell': '既定のシェル',
  'picker.interactive': '対話型コマンド',
  'picker.other': 'その他の Session ドキュメント',
  'picker.command': 'コマンド',
  'picker.commandPlaceholder': 'sudo -iu ec2-user bash',
  'picker.commandRequired': '実行するコマンドを入力してください。',
  'picker.remember': 'このインスタンスで記憶する',
  'picker.open': 'セッションを開く',
  'picker.cancel': 'キャンセル',
  'confirmClose.title': 'このセッションを閉じますか?',
  'confirmClose.body': '{name} のセッションはまだ実行中です。タブを閉じるとインスタンス上のセッションも終了します。',
  'confirmClose.confirm': 'セッションを閉じる',
  'paste.title': '{count} 行を貼り付けますか?',
  'paste.body': '改行ごとに、その前の内容がシェルで実行されます。',
  'paste.confirm': '貼り付け',
  'dialog.cancel': 'キャンセル',
  'find.placeholder': 'ターミナル内を検索',
  'find.next': '次を検索',
  'find.previous': '前を検索',
  'find.close': '検索を閉じる',
  'shortcut.newTab': '同じインスタンスで新しいセッション',
  'shortcut.closeTab': 'タブを閉じる',
  'shortcut.nextTab': '次のタブ',
  'shortcut.previousTab': '前のタブ',
  'shortcut.find': '検索',
  'shortcut.zoomIn': '文字を大きく',
  'shortcut.zoomOut': '文字を小さく',
  'shortcut.zoomReset': '文字サイズを戻す',
  'shortcut.copy': 'コピー',
  'shortcut.paste': '貼り付け',
  'shortcut.instances': 'インスタンス一覧を表示',
  'settings.copyOnSelect': '選択時にコピー',
  'settings.fontSize': '文字サイズ: {size} px',
  'shortcut.settings': 'ターミナルの設定…',
  'settings.title': 'ターミナルの設定',
  'settings.intro': '変更は開いているターミナルにすぐ反映され、このコンピューターに保存されます。',
  'settings.fontFamily': 'フォント',
  'settings.fontFamilyHint': 'フォント名をカンマで区切って指定します。最初にインストールされているものが使われます。',
  'settings.fontSizeLabel': '文字サイズ (px)',
  'settings.scrollback': 'スクロールバック (行数)',
  'settings.rangeHint': '{min}〜{max}',
  'settings.pasteWarning': '複数行の貼り付け前に確認する',
  'settings.reset': '既定値に戻す',
  'settings.done': '完了',
  'settings.error.range': '{min} から {max} までの整数を入力してください。',
  'settings.error.fontFamilyEmpty': 'フォント名を 1 つ以上入力してください。',
  'settings.error.fontFamilyInvalid':
    'フォント名をカンマで区切って入力してください ({max} 文字以内、; { } < > とバックスラッシュは使えません)。',
  'settings.error.boolean': 'オンかオフを選んでください。',
  'tabs.platform': '{platform} インスタンス',
  'history.title': 'セッション履歴',
  'history.refresh': '更新',
  'history.local': 'このアプリで開いたセッション',
  'history.active': '{profile} / {region} の実行中セッション',
  'history.ended': '{profile} / {region} の終了したセッション',
  'history.empty': 'セッションはありません。',
  'history.remoteError': 'DescribeSessions に失敗しました: {detail}',
  'history.loading': 'セッションを読み込んでいます…',
  'history.column.target': 'ターゲット',
  'history.column.document': 'ドキュメント',
  'history.column.state': '状態',
  'history.column.started': '開始',
  'history.column.ended': '終了',
  'history.column.sessionId': 'セッション ID',
  'history.column.owner': '所有者',
};

export const terminalMessages: MessageModule<Key> = { en, ja };
