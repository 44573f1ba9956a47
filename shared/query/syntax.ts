/**
 * The instance query language: lexer and parser. See ./README.md for the syntax.
 *
 * `parseQuery` never throws: whatever the text, it returns the terms it could read plus errors with
 * positions (UTF-16 offsets into the original text) so the UI can underline them while the user types.
 * Terms with an error are left out of `terms`, so a half-typed query still filters by everything else.
 */

/** Fields a term can name (`field:value`). */
export const QUERY_FIELDS = [
  'tag',
  'name',
  'id',
  'platform',
  'ping',
  'account',
  'region',
  'ip',
  'profile',
  'state',
  'type',
] as const;
export type QueryField = (typeof QUERY_FIELDS)[number];

/** Values of the enumerated fields, as written in queries (lower case). */
export const PLATFORM_VALUES = ['linux', 'windows', 'macos', 'unknown'] as const;
export const PING_VALUES = ['online', 'connectionlost', 'inactive', 'notmanaged'] as const;

/** One value to match, as the user wrote it (quotes removed). */
export interface QueryValue {
  readonly text: string;
  /** Whether any part of it was quoted (a quoted `*` is still a wildcard; quotes only keep spaces and commas). */
  readonly quoted: boolean;
  readonly start: number;
  readonly end: number;
}

interface TermBase {
  readonly negated: boolean;
  /** The whole term, `-` included. */
  readonly start: number;
  readonly end: number;
}

/** A free word: matches the name or the instance id. */
export interface TextTerm extends TermBase {
  readonly kind: 'text';
  readonly value: QueryValue;
}

/** `field:value[,value...]` for every field but `tag`. */
export interface FieldTerm extends TermBase {
  readonly kind: 'field';
  readonly field: Exclude<QueryField, 'tag'>;
  /** Alternatives (comma-separated): any of them matches. */
  readonly values: readonly QueryValue[];
}

/** `tag:Key` (key present) or `tag:Key=value[,value...]`. */
export interface TagTerm extends TermBase {
  readonly kind: 'tag';
  readonly key: QueryValue;
  /** Undefined: the key is present with any value. */
  readonly values?: readonly QueryValue[];
}

export type QueryTerm = TextTerm | FieldTerm | TagTerm;

export type QueryErrorCode =
  'unknownField' | 'emptyValue' | 'emptyTagKey' | 'unclosedQuote' | 'danglingNegation' | 'unknownValue' | 'badCidr';

export interface QueryError {
  readonly code: QueryErrorCode;
  readonly start: number;
  readonly end: number;
  /** Values for the catalog text `query.error.<code>`. */
  readonly params: Readonly<Record<string, string>>;
}

export interface ParsedQuery {
  readonly text: string;
  readonly terms: readonly QueryTerm[];
  readonly errors: readonly QueryError[];
}

/** One character of a token's body, after quote removal; `c` is '' at a quote's opening (marks "quoted"). */
interface BodyChar {
  readonly c: string;
  readonly quoted: boolean;
  readonly at: number;
}

/** A whitespace-separated token, as the lexer sees it. */
export interface QueryToken {
  readonly start: number;
  readonly end: number;
  readonly negated: boolean;
  /** `field:` prefix (as written, without the colon), when the token has one. */
  readonly field?: { readonly name: string; readonly start: number; readonly end: number };
  /** Where the body (after `-` and `field:`) starts. */
  readonly bodyStart: number;
  readonly body: readonly BodyChar[];
  /** Offset of a quote that is never closed. */
  readonly unclosedQuoteAt?: number;
}

const FIELD_NAME = /^[A-Za-z]+$/;
const isSpace = (c: string) => /\s/u.test(c);
const isColon = (c: string) => c === ':' || c === '\uff1a'; // full-width colon from a Japanese IME
const isDash = (c: string) => c === '-' || c === '\uff0d';
const isQuote = (c: string) => c === '"' || c === '\u201c' || c === '\u201d'; // straight and typographic quotes

/** Splits a query into tokens (whitespace outside quotes separates them). Never throws. */
export function tokenize(text: string): QueryToken[] {
  const tokens: QueryToken[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && isSpace(text[i]!)) i++;
    if (i >= n) break;
    const start = i;
    let negated = false;
    if (isDash(text[i]!)) {
      negated = true;
      i++;
    }
    // `name:` prefix: letters then a colon, unquoted.
    let field: QueryToken['field'];
    let j = i;
    while (j < n && /[A-Za-z]/.test(text[j]!)) j++;
    if (j > i && j < n && isColon(text[j]!) && FIELD_NAME.test(text.slice(i, j))) {
      field = { name: text.slice(i, j), start: i, end: j };
      i = j + 1;
    }
    const bodyStart = i;
    const body: BodyChar[] = [];
    let unclosedQuoteAt: number | undefined;
    while (i < n && !isSpace(text[i]!)) {
      const c = text[i]!;
      if (isQuote(c)) {
        const open = i;
        body.push({ c: '', quoted: true, at: i });
        i++;
        let closed = false;
        while (i < n) {
          const q = text[i]!;
          if (q === '\\' && i + 1 < n && (isQuote(text[i + 1]!) || text[i + 1] === '\\')) {
            body.push({ c: text[i + 1]!, quoted: true, at: i + 1 });
            i += 2;
            continue;
          }
          if (isQuote(q)) {
            closed = true;
            i++;
            break;
          }
          body.push({ c: q, quoted: true, at: i });
          i++;
        }
        if (!closed) unclosedQuoteAt = open;
        continue;
      }
      body.push({ c, quoted: false, at: i });
      i++;
    }
    tokens.push({
      start,
      end: i,
      negated,
      ...(field ? { field } : {}),
      bodyStart,
      body,
      ...(unclosedQuoteAt !== undefined ? { unclosedQuoteAt } : {}),
    });
  }
  return tokens;
}

function valueOf(chars: readonly BodyChar[], fallbackAt: number): QueryValue {
  const text = chars.map((ch) => ch.c).join('');
  const first = chars[0];
  const last = chars[chars.length - 1];
  return {
    text,
    quoted: chars.some((ch) => ch.quoted),
    start: first ? first.at : fallbackAt,
    end: last ? last.at + Math.max(1, last.c.length) : fallbackAt,
  };
}

/** Splits at unquoted commas; an empty alternative (`a,,b`) is dropped unless quoted. */
function alternatives(chars: readonly BodyChar[], at: number): QueryValue[] {
  const out: QueryValue[] = [];
  let current: BodyChar[] = [];
  let from = at;
  const flush = (end: number) => {
    const v = valueOf(current, from);
    if (v.text !== '' || v.quoted) out.push(v);
    current = [];
    from = end;
  };
  for (const ch of chars) {
    if (!ch.quoted && ch.c === ',') flush(ch.at + 1);
    else current.push(ch);
  }
  flush(from);
  return out;
}

const FIELDS = new Set<string>(QUERY_FIELDS);

/** Parses a query. Never throws; see the module comment. */
export function parseQuery(text: string): ParsedQuery {
  const terms: QueryTerm[] = [];
  const errors: QueryError[] = [];
  for (const token of tokenize(typeof text === 'string' ? text : '')) {
    const { start, end, negated } = token;
    if (token.unclosedQuoteAt !== undefined) {
      errors.push({ code: 'unclosedQuote', start: token.unclosedQuoteAt, end, params: {} });
      continue;
    }
    if (!token.field) {
      const value = valueOf(token.body, token.bodyStart);
      if (value.text === '' && !value.quoted) {
        if (negated) errors.push({ code: 'danglingNegation', start, end, params: {} });
        continue;
      }
      if (value.text === '') continue; // `""` matches everything: no term
      terms.push({ kind: 'text', negated, start, end, value });
      continue;
    }
    const name = token.field.name.toLowerCase();
    if (!FIELDS.has(name)) {
      errors.push({
        code: 'unknownField',
        start: token.field.start,
        end: token.field.end + 1,
        params: { field: token.field.name, fields: QUERY_FIELDS.join(', ') },
      });
      continue;
    }
    if (name === 'tag') {
      const eq = token.body.findIndex((ch) => !ch.quoted && ch.c === '=');
      const keyChars = eq === -1 ? token.body : token.body.slice(0, eq);
      const key = valueOf(keyChars, token.bodyStart);
      if (key.text === '') {
        errors.push({ code: 'emptyTagKey', start, end, params: {} });
        continue;
      }
      if (eq === -1) {
        terms.push({ kind: 'tag', negated, start, end, key });
        continue;
      }
      const valueChars = token.body.slice(eq + 1);
      const values = alternatives(valueChars, token.body[eq]!.at + 1);
      if (values.length === 0) {
        errors.push({ code: 'emptyValue', start, end, params: { field: `tag:${key.text}=` } });
        continue;
      }
      terms.push({ kind: 'tag', negated, start, end, key, values });
      continue;
    }
    const field = name as Exclude<QueryField, 'tag'>;
    const values = alternatives(token.body, token.bodyStart);
    if (values.length === 0) {
      errors.push({ code: 'emptyValue', start, end, params: { field: `${field}:` } });
      continue;
    }
    const problem = checkValues(field, values);
    if (problem) {
      errors.push(problem);
      continue;
    }
    terms.push({ kind: 'field', field, negated, start, end, values });
  }
  return { text, terms, errors };
}

function checkValues(field: Exclude<QueryField, 'tag'>, values: readonly QueryValue[]): QueryError | undefined {
  const allowed: readonly string[] | undefined =
    field === 'platform' ? PLATFORM_VALUES : field === 'ping' ? PING_VALUES : undefined;
  for (const v of values) {
    if (allowed && !hasWildcard(v.text) && enumMatches(allowed, v.text).length === 0) {
      return {
        code: 'unknownValue',
        start: v.start,
        end: v.end,
        params: { field, value: v.text, values: allowed.join(', ') },
      };
    }
    if (field === 'ip' && v.text.includes('/') && !parseCidr(v.text)) {
      return { code: 'badCidr', start: v.start, end: v.end, params: { value: v.text } };
    }
  }
  return undefined;
}

/** Enumerated values a typed value stands for: exact, or every value it is a prefix of. */
export function enumMatches(allowed: readonly string[], typed: string): string[] {
  const v = normalizeText(typed);
  if (allowed.includes(v)) return [v];
  return allowed.filter((a) => a.startsWith(v));
}

export function hasWildcard(text: string): boolean {
  return text.includes('*') || text.includes('?');
}

/** Compare form: NFKC (full-width letters and digits become ASCII) then lower case. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** `10.0.0.0/16` -> network and mask as 32-bit numbers; undefined when it is not an IPv4 CIDR. */
export function parseCidr(text: string): { network: number; mask: number } | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  if (!m) return undefined;
  const parts = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (parts.some((p) => p > 255) || bits > 32) return undefined;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const address = ipv4ToNumber(parts);
  return { network: (address & mask) >>> 0, mask };
}

export function parseIpv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const parts = m.slice(1, 5).map(Number);
  return parts.some((p) => p > 255) ? undefined : ipv4ToNumber(parts);
}

function ipv4ToNumber(parts: readonly number[]): number {
  return (((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!) >>> 0;
}

/** Writes a value so the lexer reads it back as one value (quoted when it has spaces, quotes, commas...). */
export function quoteValue(text: string, options: { forTagKey?: boolean } = {}): string {
  const special = options.forTagKey ? /[\s",=\u201c\u201d\\]/u : /[\s",\u201c\u201d\\]/u;
  if (text !== '' && !special.test(text) && !isDash(text[0]!)) return text;
  return `"${text.replace(/[\\"\u201c\u201d]/g, (c) => `\\${c}`)}"`;
}
