import type { MessageModule } from '../catalog';

type Key =
  | 'aws.profiles.fileProblem'
  | 'aws.profiles.unclosedSection'
  | 'aws.profiles.badName'
  | 'aws.profiles.outsideSection'
  | 'aws.profiles.notKeyValue'
  | 'aws.profiles.unreadable'
  | 'aws.profiles.isDirectory'
  | 'aws.credentials.mfaUnavailable'
  | 'aws.credentials.mfaFormat'
  | 'aws.credentials.mfaCancelled'
  | 'aws.credentials.mfaTimeout'
  | 'aws.sso.notSso'
  | 'aws.sso.denied'
  | 'aws.sso.timedOut'
  | 'aws.sso.cancelled'
  | 'aws.sso.failed';

/** Texts of electron/core/aws (profile files). */
export const awsMessages: MessageModule<Key> = {
  en: {
    'aws.profiles.fileProblem': 'The AWS file {file} cannot be used: {reason}',
    'aws.profiles.unclosedSection': 'line {line}: the section header has no closing "]"',
    'aws.profiles.badName': 'line {line}: "{name}" is not an allowed profile name',
    'aws.profiles.outsideSection': 'line {line}: a setting appears before any [profile] section',
    'aws.profiles.notKeyValue': 'line {line}: expected "name = value"',
    'aws.profiles.unreadable': 'Porthole is not allowed to read it (check its permissions)',
    'aws.profiles.isDirectory': 'it is a folder, not a file',
    'aws.credentials.mfaUnavailable':
      'the profile needs a code from MFA device {serial}, and nothing here can ask for it',
    'aws.credentials.mfaFormat': 'an MFA code is 6 digits',
    'aws.credentials.mfaCancelled': 'the MFA prompt was cancelled',
    'aws.credentials.mfaTimeout': 'no MFA code was entered in time',
    'aws.sso.notSso': 'the profile does not use IAM Identity Center (no sso_session or sso_start_url)',
    'aws.sso.denied': 'the sign-in was denied in the browser',
    'aws.sso.timedOut': 'the sign-in code expired before it was approved; start again',
    'aws.sso.cancelled': 'the sign-in was cancelled',
    'aws.sso.failed': 'the sign-in failed: {detail}',
  },
  ja: {
    'aws.credentials.mfaUnavailable':
      'このプロファイルには MFA デバイス {serial} のコードが必要ですが、入力を求める手段がありません',
    'aws.credentials.mfaFormat': 'MFA コードは 6 桁の数字です',
    'aws.credentials.mfaCancelled': 'MFA の入力がキャンセルされました',
    'aws.credentials.mfaTimeout': 'MFA コードが時間内に入力されませんでした',
    'aws.sso.notSso':
      'このプロファイルは IAM Identity Center を使いません（sso_session も sso_start_url もありません）',
    'aws.sso.denied': 'ブラウザでサインインが拒否されました',
    'aws.sso.timedOut': '承認される前にサインインコードの有効期限が切れました。もう一度始めてください',
    'aws.sso.cancelled': 'サインインがキャンセルされました',
    'aws.sso.failed': 'サインインに失敗しました: {detail}',
    'aws.profiles.fileProblem': 'AWS ファイル {file} を使用できません: {reason}',
    'aws.profiles.unclosedSection': '{line} 行目: セクション見出しに閉じ括弧「]」がありません',
    'aws.profiles.badName': '{line} 行目: 「{name}」はプロファイル名として使用できません',
    'aws.profiles.outsideSection': '{line} 行目: [profile] セクションより前に設定があります',
    'aws.profiles.notKeyValue': '{line} 行目: 「名前 = 値」の形式である必要があります',
    'aws.profiles.unreadable': 'Porthole に読み取り権限がありません (パーミッションを確認してください)',
    'aws.profiles.isDirectory': 'ファイルではなくフォルダーです',
  },
};
