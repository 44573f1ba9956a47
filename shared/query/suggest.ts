/**
 * Completion for the query box: what can go at the cursor, given the tag index.
 * The result names the range to replace (`from`..`to`: the whole token under the cursor) and, per
 * suggestion, the text to put there; applying one is `query.slice(0, from) + insert + query.slice(to)`.
 * Only the part of the token before the cursor is used as the prefix to complete.
 */
import {
  PING_VALUES,
  PLATFORM_VALUES,
  QUERY_FIELDS,
  normalizeText,
  quoteValue,
  tokenize,
  type QueryField,
  type QueryToken,
} from './syntax';
import type { FacetField, TagIndex } from './tagIndex';

export type SuggestionKind = 'field' | 'tagKey' | 'tagValue' | 'value';

export interface Suggestion {
  readonly kind: SuggestionKind;
  /** What the list shows (`tag:Environment`, `prod`). */
  readonly label: string;
  /** Replaces `from`..`to` of the query. */
  readonly insert: string;
  /** Instances with this key/value, when known. */
  readonly count?: number;
}

export interface Suggestions {
  readonly from: number;
  readonly to: number;
  readonly items: readonly Suggestion[];
}

export interface SuggestOptions {
  /** At most this many items; default 50. */
  readonly limit?: number;
}

const FIELD_FACETS: Partial<Record<QueryField, FacetField>> = {
  region: 'region',
  account: 'account',
  profile: 'profile',
};

/** Ranks `candidate` against a typed prefix: 0 starts with it, 1 contains it, -1 neither. */
function rank(candidate: string, typed: string): number {
  if (typed === '') return 0;
  const c = normalizeText(candidate);
  if (c.startsWith(typed)) return 0;
  return typed.length >= 2 && c.includes(typed) ? 1 : -1;
}

function ranked<T extends { label: string; count?: number }>(items: T[], typed: string, limit: number): T[] {
  return items
    .map((item, order) => ({ item, r: rank(item.label, typed), order }))
    .filter((x) => x.r >= 0)
    .sort((a, b) => a.r - b.r || a.order - b.order)
    .slice(0, limit)
    .map((x) => x.item);
}

function tokenAt(tokens: readonly QueryToken[], cursor: number): QueryToken | undefined {
  return tokens.find((t) => t.start <= cursor && cursor <= t.end);
}

/** Body text of the token before the cursor (quotes removed) and where an unquoted `=` is, if any. */
function bodyBefore(token: QueryToken, cursor: number): { text: string; eq: number } {
  const chars = token.body.filter((ch) => ch.at < cursor);
  const eq = chars.findIndex((ch) => !ch.quoted && ch.c === '=');
  return {
    text: chars.map((c) => c.c).join(''),
    eq:
      eq === -1
        ? -1
        : chars
            .slice(0, eq)
            .map((c) => c.c)
            .join('').length,
  };
}

export function suggest(query: string, cursor: number, index: TagIndex, options: SuggestOptions = {}): Suggestions {
  const limit = options.limit ?? 50;
  const text = typeof query === 'string' ? query : '';
  const at = Math.max(0, Math.min(Number.isFinite(cursor) ? Math.floor(cursor) : text.length, text.length));
  const token = tokenAt(tokenize(text), at);
  if (!token) return { from: at, to: at, items: fieldItems('', '', index, limit) };
  const { from, to } = { from: token.start, to: token.end };
  const dash = token.negated ? text[token.start]! : '';

  if (!token.field || token.field.end >= at) {
    // Still typing the first word: a field name, or a tag key to jump to.
    const typed = normalizeText(text.slice(token.negated ? token.start + 1 : token.start, at));
    return { from, to, items: fieldItems(typed, dash, index, limit) };
  }

  const field = token.field.name.toLowerCase() as QueryField;
  const body = bodyBefore(token, at);
  if (field === 'tag') {
    if (body.eq === -1) {
      const typed = normalizeText(body.text);
      const items = index.keys().map((k): Suggestion => ({
        kind: 'tagKey',
        label: k.key,
        insert: `${dash}tag:${quoteValue(k.key, { forTagKey: true })}=`,
        count: k.count,
      }));
      return { from, to, items: ranked(items, typed, limit) };
    }
    const key = body.text.slice(0, body.eq);
    const afterEq = body.text.slice(body.eq + 1);
    const comma = lastUnquotedComma(token, at);
    const typed = normalizeText(comma === undefined ? afterEq : text.slice(comma + 1, at).replace(/"/g, ''));
    const kept =
      comma === undefined ? '' : text.slice(token.body.find((c) => !c.quoted && c.c === '=')!.at + 1, comma + 1);
    const exactKey =
      index.count(key) > 0 ? key : index.keys().find((k) => normalizeText(k.key) === normalizeText(key))?.key;
    const values = exactKey === undefined ? [] : index.values(exactKey);
    const items = values.map((v): Suggestion => ({
      kind: 'tagValue',
      label: v.value,
      insert: `${dash}tag:${quoteValue(exactKey!, { forTagKey: true })}=${kept}${quoteValue(v.value)}`,
      count: v.count,
    }));
    return { from, to, items: ranked(items, typed, limit) };
  }

  const comma = lastUnquotedComma(token, at);
  const typed = normalizeText(comma === undefined ? body.text : text.slice(comma + 1, at).replace(/"/g, ''));
  const kept = comma === undefined ? '' : text.slice(token.bodyStart, comma + 1);
  const head = `${dash}${field}:${kept}`;
  let values: { value: string; count?: number }[] = [];
  if (field === 'platform') values = withCounts(PLATFORM_VALUES, index.field('platform'));
  else if (field === 'ping') values = withCounts(PING_VALUES, index.field('ping'));
  else {
    const facet = FIELD_FACETS[field];
    if (facet) values = index.field(facet);
  }
  const items = values.map((v): Suggestion => ({
    kind: 'value',
    label: v.value,
    insert: `${head}${quoteValue(v.value)}`,
    ...(v.count !== undefined ? { count: v.count } : {}),
  }));
  return { from, to, items: ranked(items, typed, limit) };
}

function lastUnquotedComma(token: QueryToken, cursor: number): number | undefined {
  let found: number | undefined;
  for (const ch of token.body) if (ch.at < cursor && !ch.quoted && ch.c === ',') found = ch.at;
  return found;
}

function withCounts(values: readonly string[], counts: readonly { value: string; count: number }[]) {
  const byName = new Map(counts.map((c) => [c.value.toLowerCase(), c.count]));
  return values.map((value) => ({ value, count: byName.get(value) ?? 0 }));
}

function fieldItems(typed: string, dash: string, index: TagIndex, limit: number): Suggestion[] {
  const fields = QUERY_FIELDS.map((f): Suggestion => ({ kind: 'field', label: `${f}:`, insert: `${dash}${f}:` }));
  const keys =
    typed === ''
      ? []
      : index.keys().map((k): Suggestion => ({
          kind: 'tagKey',
          label: `tag:${k.key}`,
          insert: `${dash}tag:${quoteValue(k.key, { forTagKey: true })}=`,
          count: k.count,
        }));
  const matchingFields = fields.filter((f) => rank(f.label, typed) === 0);
  const matchingKeys = keys.filter((k) => rank(k.label.slice(4), typed) >= 0);
  return [...matchingFields, ...matchingKeys].slice(0, limit);
}
