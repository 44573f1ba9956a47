import type { MessageModule } from '../catalog';

/** The fleet browser: sources, facets, grouping, query box, favourites, and the credential dialogs. */
type Key =
  | 'fleet.sources.button'
  | 'fleet.sources.summary'
  | 'fleet.sources.title'
  | 'fleet.sources.profiles'
  | 'fleet.sources.regions'
  | 'fleet.sources.apply'
  | 'fleet.sources.cancel'
  | 'fleet.sources.needOne'
  | 'fleet.sources.tooMany'
  | 'fleet.sources.loading'
  | 'fleet.sources.progress'
  | 'fleet.sources.cached'
  | 'fleet.source.failed'
  | 'fleet.source.failedMany'
  | 'fleet.source.signIn'
  | 'fleet.source.retry'
  | 'fleet.identity.account'
  | 'fleet.identity.expires'
  | 'fleet.identity.show'
  | 'fleet.identity.loading'
  | 'fleet.identity.failed'
  | 'fleet.kind.static'
  | 'fleet.kind.assume-role'
  | 'fleet.kind.sso'
  | 'fleet.kind.process'
  | 'fleet.kind.environment'
  | 'fleet.kind.unknown'
  | 'fleet.refresh.label'
  | 'fleet.refresh.off'
  | 'fleet.refresh.minutes'
  | 'fleet.query.placeholder'
  | 'fleet.query.suggestions'
  | 'fleet.query.field'
  | 'fleet.query.help'
  | 'fleet.facets.label'
  | 'fleet.facets.more'
  | 'fleet.facets.less'
  | 'fleet.facets.none'
  | 'fleet.facets.filterBy'
  | 'fleet.group.label'
  | 'fleet.group.add'
  | 'fleet.group.remove'
  | 'fleet.group.none'
  | 'fleet.group.missing'
  | 'fleet.group.node'
  | 'fleet.list.all'
  | 'fleet.list.favourites'
  | 'fleet.list.recents'
  | 'fleet.list.filter'
  | 'fleet.list.noFavourites'
  | 'fleet.list.noRecents'
  | 'fleet.favourite.add'
  | 'fleet.favourite.remove'
  | 'fleet.column.account'
  | 'fleet.column.region'
  | 'auth.mfa.title'
  | 'auth.mfa.body'
  | 'auth.mfa.device'
  | 'auth.mfa.code'
  | 'auth.mfa.codeHint'
  | 'auth.mfa.submit'
  | 'auth.mfa.cancel'
  | 'auth.mfa.invalid'
  | 'auth.mfa.rejected'
  | 'auth.sso.title'
  | 'auth.sso.starting'
  | 'auth.sso.body'
  | 'auth.sso.code'
  | 'auth.sso.open'
  | 'auth.sso.expires'
  | 'auth.sso.cancel'
  | 'auth.sso.failed'
  | 'auth.sso.close';

export const fleetMessages: MessageModule<Key> = {
  en: {
    'fleet.sources.button': 'Sources',
    'fleet.sources.summary': '{profiles} profiles × {regions} regions',
    'fleet.sources.title': 'Choose profiles and regions',
    'fleet.sources.profiles': 'Profiles',
    'fleet.sources.regions': 'Regions',
    'fleet.sources.apply': 'Show these',
    'fleet.sources.cancel': 'Cancel',
    'fleet.sources.needOne': 'Choose at least one profile and one region.',
    'fleet.sources.tooMany': 'At most {max} profile × region pairs can be listed at once.',
    'fleet.sources.loading': 'Listing {done} of {total} sources…',
    'fleet.sources.progress': '{done} of {total} sources listed',
    'fleet.sources.cached': 'Showing the list from {time}; refreshing…',
    'fleet.source.failed': '{profile} · {region}: {message}',
    'fleet.source.failedMany': '{count} sources could not be listed; the others are shown.',
    'fleet.source.signIn': 'Sign in',
    'fleet.source.retry': 'Retry',
    'fleet.identity.account': 'Account {account}',
    'fleet.identity.expires': 'expires {time}',
    'fleet.identity.show': 'Show identity',
    'fleet.identity.loading': 'Checking identity…',
    'fleet.identity.failed': 'Identity unknown: {message}',
    'fleet.kind.static': 'access keys',
    'fleet.kind.assume-role': 'assume role',
    'fleet.kind.sso': 'SSO',
    'fleet.kind.process': 'credential process',
    'fleet.kind.environment': 'environment',
    'fleet.kind.unknown': 'other',
    'fleet.refresh.label': 'Auto refresh',
    'fleet.refresh.off': 'Off',
    'fleet.refresh.minutes': 'Every {count} min',
    'fleet.query.placeholder': 'Search: web tag:Environment=prod -ping:inactive  ( / )',
    'fleet.query.suggestions': 'Suggestions',
    'fleet.query.field': 'field',
    'fleet.query.help': 'Terms: tag:Key=value, name:web*, platform:, ping:, account:, region:, ip:, -term to exclude',
    'fleet.facets.label': 'Tags',
    'fleet.facets.more': 'Show {count} more',
    'fleet.facets.less': 'Show fewer',
    'fleet.facets.none': 'No tags',
    'fleet.facets.filterBy': 'Filter by {key} = {value}',
    'fleet.group.label': 'Group by',
    'fleet.group.add': 'Group by tag…',
    'fleet.group.remove': 'Stop grouping by {key}',
    'fleet.group.none': 'No grouping',
    'fleet.group.missing': '(no {key})',
    'fleet.group.node': '{key}: {value}',
    'fleet.list.all': 'All',
    'fleet.list.favourites': 'Favourites',
    'fleet.list.recents': 'Recent',
    'fleet.list.filter': 'Show',
    'fleet.list.noFavourites': 'No favourites yet. Star an instance to keep it here.',
    'fleet.list.noRecents': 'No recent instances yet. Instances you connect to appear here.',
    'fleet.favourite.add': 'Add {name} to favourites',
    'fleet.favourite.remove': 'Remove {name} from favourites',
    'fleet.column.account': 'Account',
    'fleet.column.region': 'Region',
    'auth.mfa.title': 'MFA code needed',
    'auth.mfa.body': 'Profile "{profile}" assumes a role that requires multi-factor authentication.',
    'auth.mfa.device': 'MFA device: {serial}',
    'auth.mfa.code': 'Code',
    'auth.mfa.codeHint': 'The 6-digit code your authenticator shows now.',
    'auth.mfa.submit': 'Continue',
    'auth.mfa.cancel': 'Cancel',
    'auth.mfa.invalid': 'Enter the 6 digits of the code.',
    'auth.mfa.rejected': 'The prompt has already closed (it timed out or was answered elsewhere).',
    'auth.sso.title': 'Sign in to AWS IAM Identity Center',
    'auth.sso.starting': 'Starting sign-in for profile "{profile}"…',
    'auth.sso.body': 'Approve the sign-in of profile "{profile}" in your browser. Check that it shows this code:',
    'auth.sso.code': 'Code',
    'auth.sso.open': 'Open the sign-in page',
    'auth.sso.expires': 'The code is valid until {time}.',
    'auth.sso.cancel': 'Cancel sign-in',
    'auth.sso.failed': 'Sign-in of profile "{profile}" did not complete: {message}',
    'auth.sso.close': 'Close',
  },
  ja: {
    'fleet.sources.button': '取得元',
    'fleet.sources.summary': '{profiles} プロファイル × {regions} リージョン',
    'fleet.sources.title': 'プロファイルとリージョンを選択',
    'fleet.sources.profiles': 'プロファイル',
    'fleet.sources.regions': 'リージョン',
    'fleet.sources.apply': 'これを表示',
    'fleet.sources.cancel': 'キャンセル',
    'fleet.sources.needOne': 'プロファイルとリージョンを 1 つ以上選んでください。',
    'fleet.sources.tooMany': '一度に一覧できるのはプロファイル × リージョンの組み合わせ {max} 件までです。',
    'fleet.sources.loading': '取得元 {total} 件中 {done} 件を一覧済み…',
    'fleet.sources.progress': '取得元 {total} 件中 {done} 件を一覧済み',
    'fleet.sources.cached': '{time} 時点の一覧を表示中。更新しています…',
    'fleet.source.failed': '{profile} · {region}: {message}',
    'fleet.source.failedMany': '{count} 件の取得元を一覧できませんでした。ほかは表示しています。',
    'fleet.source.signIn': 'サインイン',
    'fleet.source.retry': '再試行',
    'fleet.identity.account': 'アカウント {account}',
    'fleet.identity.expires': '有効期限 {time}',
    'fleet.identity.show': 'ID を確認',
    'fleet.identity.loading': 'ID を確認中…',
    'fleet.identity.failed': 'ID を確認できません: {message}',
    'fleet.kind.static': 'アクセスキー',
    'fleet.kind.assume-role': 'ロールの引き受け',
    'fleet.kind.sso': 'SSO',
    'fleet.kind.process': '認証情報プロセス',
    'fleet.kind.environment': '環境変数',
    'fleet.kind.unknown': 'その他',
    'fleet.refresh.label': '自動更新',
    'fleet.refresh.off': 'オフ',
    'fleet.refresh.minutes': '{count} 分ごと',
    'fleet.query.placeholder': '検索: web tag:Environment=prod -ping:inactive  ( / )',
    'fleet.query.suggestions': '候補',
    'fleet.query.field': 'フィールド',
    'fleet.query.help': '条件: tag:キー=値, name:web*, platform:, ping:, account:, region:, ip:, 除外は -条件',
    'fleet.facets.label': 'タグ',
    'fleet.facets.more': 'さらに {count} 件',
    'fleet.facets.less': '折りたたむ',
    'fleet.facets.none': 'タグなし',
    'fleet.facets.filterBy': '{key} = {value} で絞り込む',
    'fleet.group.label': 'グループ化',
    'fleet.group.add': 'タグでグループ化…',
    'fleet.group.remove': '{key} でのグループ化をやめる',
    'fleet.group.none': 'グループ化なし',
    'fleet.group.missing': '({key} なし)',
    'fleet.group.node': '{key}: {value}',
    'fleet.list.all': 'すべて',
    'fleet.list.favourites': 'お気に入り',
    'fleet.list.recents': '最近',
    'fleet.list.filter': '表示',
    'fleet.list.noFavourites': 'お気に入りはまだありません。インスタンスに星を付けるとここに表示されます。',
    'fleet.list.noRecents': '最近のインスタンスはまだありません。接続したインスタンスがここに表示されます。',
    'fleet.favourite.add': '{name} をお気に入りに追加',
    'fleet.favourite.remove': '{name} をお気に入りから外す',
    'fleet.column.account': 'アカウント',
    'fleet.column.region': 'リージョン',
    'auth.mfa.title': 'MFA コードが必要です',
    'auth.mfa.body': 'プロファイル「{profile}」は多要素認証が必要なロールを引き受けます。',
    'auth.mfa.device': 'MFA デバイス: {serial}',
    'auth.mfa.code': 'コード',
    'auth.mfa.codeHint': '認証アプリに今表示されている 6 桁のコード。',
    'auth.mfa.submit': '続行',
    'auth.mfa.cancel': 'キャンセル',
    'auth.mfa.invalid': 'コードの 6 桁を入力してください。',
    'auth.mfa.rejected': 'この入力要求はすでに閉じています（時間切れか、ほかで回答済み）。',
    'auth.sso.title': 'AWS IAM Identity Center にサインイン',
    'auth.sso.starting': 'プロファイル「{profile}」のサインインを開始しています…',
    'auth.sso.body':
      'ブラウザでプロファイル「{profile}」のサインインを承認してください。次のコードが表示されていることを確認してください:',
    'auth.sso.code': 'コード',
    'auth.sso.open': 'サインインページを開く',
    'auth.sso.expires': 'このコードは {time} まで有効です。',
    'auth.sso.cancel': 'サインインをキャンセル',
    'auth.sso.failed': 'プロファイル「{profile}」のサインインは完了しませんでした: {message}',
    'auth.sso.close': '閉じる',
  },
};
