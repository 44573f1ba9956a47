import type { MessageModule } from '../catalog';

type Key =
  | 'aws.profiles.fileProblem'
  | 'aws.profiles.unclosedSection'
  | 'aws.profiles.badName'
  | 'aws.profiles.outsideSection'
  | 'aws.profiles.notKeyValue'
  | 'aws.profiles.unreadable'
  | 'aws.profiles.isDirectory';

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
  },
  ja: {
    'aws.profiles.fileProblem': 'AWS ファイル {file} を使用できません: {reason}',
    'aws.profiles.unclosedSection': '{line} 行目: セクション見出しに閉じ括弧「]」がありません',
    'aws.profiles.badName': '{line} 行目: 「{name}」はプロファイル名として使用できません',
    'aws.profiles.outsideSection': '{line} 行目: [profile] セクションより前に設定があります',
    'aws.profiles.notKeyValue': '{line} 行目: 「名前 = 値」の形式である必要があります',
    'aws.profiles.unreadable': 'Porthole に読み取り権限がありません (パーミッションを確認してください)',
    'aws.profiles.isDirectory': 'ファイルではなくフォルダーです',
  },
};
