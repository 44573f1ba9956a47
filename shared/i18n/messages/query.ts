import type { MessageModule } from '../catalog';
import type { QueryErrorCode } from '../../query/syntax';

/** Texts of the instance query language (errors shown under the query box and by `porthole list --query`). */
type Key = `query.error.${QueryErrorCode}`;

export const queryMessages: MessageModule<Key> = {
  en: {
    'query.error.unknownField': '"{field}:" is not a field. Use one of: {fields}.',
    'query.error.emptyValue': '"{field}" needs a value after it.',
    'query.error.emptyTagKey': 'Give a tag key after "tag:", e.g. tag:Environment=prod.',
    'query.error.unclosedQuote': 'A quote is not closed. Add the closing ".',
    'query.error.danglingNegation': '"-" must come right before a word or field, e.g. -tag:Environment=dev.',
    'query.error.unknownValue': '"{value}" is not a {field} value. Use one of: {values}.',
    'query.error.badCidr': '"{value}" is not an IPv4 address range such as 10.0.0.0/16.',
  },
  ja: {
    'query.error.unknownField': '「{field}:」というフィールドはありません。次のいずれかを使ってください: {fields}',
    'query.error.emptyValue': '「{field}」の後に値を指定してください。',
    'query.error.emptyTagKey': '「tag:」の後にタグキーを指定してください（例: tag:Environment=prod）。',
    'query.error.unclosedQuote': '引用符が閉じられていません。閉じる " を追加してください。',
    'query.error.danglingNegation': '「-」は単語やフィールドの直前に付けてください（例: -tag:Environment=dev）。',
    'query.error.unknownValue': '「{value}」は {field} の値ではありません。次のいずれかを使ってください: {values}',
    'query.error.badCidr': '「{value}」は 10.0.0.0/16 のような IPv4 アドレス範囲ではありません。',
  },
};
