/**
 * Edits of the query text made by clicks (facets, favourites): the query box stays the one source of truth,
 * so a click writes or removes a term in the text instead of keeping a filter of its own.
 */
import { parseQuery, quoteValue, type TagTerm } from '../../../../shared/query';

function tagTerms(query: string): TagTerm[] {
  return parseQuery(query).terms.filter((t): t is TagTerm => t.kind === 'tag' && !t.negated);
}

/** The values a non-negated `tag:Key=...` term of the query selects for `key` (empty when none). */
export function selectedTagValues(query: string, key: string): string[] {
  return [...(selectedTagValuesByKey(query).get(key) ?? [])];
}

/** selectedTagValues for every key at once (one parse of the query). */
export function selectedTagValuesByKey(query: string): ReadonlyMap<string, readonly string[]> {
  const out = new Map<string, string[]>();
  for (const term of tagTerms(query)) {
    if (!term.values) continue;
    const list = out.get(term.key.text);
    const values = term.values.map((v) => v.text);
    if (list) list.push(...values);
    else out.set(term.key.text, values);
  }
  return out;
}

function writeTerm(key: string, values: readonly string[]): string {
  return `tag:${quoteValue(key, { forTagKey: true })}=${values.map((v) => quoteValue(v)).join(',')}`;
}

function splice(query: string, start: number, end: number, insert: string): string {
  const before = query.slice(0, start).replace(/\s+$/u, '');
  const after = query.slice(end).replace(/^\s+/u, '');
  return [before, insert, after].filter((part) => part !== '').join(' ');
}

/**
 * Adds `tag:key=value` to the query, or removes that value when it is there. Several values of one key
 * share one term (`tag:Environment=prod,staging`: any of them); different keys are separate terms (all must
 * match).
 */
export function toggleTagValue(query: string, key: string, value: string): string {
  const term = tagTerms(query).find((t) => t.key.text === key && t.values);
  if (!term || !term.values) return splice(query, query.length, query.length, writeTerm(key, [value]));
  const values = term.values.map((v) => v.text);
  const next = values.includes(value) ? values.filter((v) => v !== value) : [...values, value];
  return splice(query, term.start, term.end, next.length > 0 ? writeTerm(key, next) : '');
}
