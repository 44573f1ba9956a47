/**
 * The query matcher: a parsed query compiled once into a predicate over `Instance`.
 * Comparison is on normalized text (NFKC + lower case), so `WEB`, `ｗｅｂ` and `web` are the same and
 * Japanese values compare as typed. Normalized instance fields are cached per instance object (and, for
 * `selectInstances`, per list in the list's order).
 */
import type { Instance } from '../model/instance';
import {
  PING_VALUES,
  PLATFORM_VALUES,
  enumMatches,
  hasWildcard,
  normalizeText,
  parseCidr,
  parseIpv4,
  parseQuery,
  type FieldTerm,
  type ParsedQuery,
  type QueryTerm,
  type QueryValue,
  type TagTerm,
} from './syntax';

export type InstancePredicate = (instance: Instance) => boolean;

type TextTest = (normalized: string) => boolean;

/** How a value without wildcards compares: as a substring (name, free words) or the whole field. */
type Mode = 'contains' | 'exact';

function textTest(value: QueryValue, mode: Mode): TextTest {
  const v = normalizeText(value.text);
  if (hasWildcard(v)) {
    const source = Array.from(v)
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    const re = new RegExp(`^${source}$`, 'su');
    return (s) => re.test(s);
  }
  return mode === 'contains' ? (s) => s.includes(v) : (s) => s === v;
}

/** An instance with its searchable text normalized once: what every term predicate reads. */
interface Row {
  readonly instance: Instance;
  readonly name: string;
  readonly id: string;
  readonly tags: Map<string, string[]>;
  /** Optional fields (account, region, ...), normalized on first use. */
  fields?: Map<OptionalField, string | undefined>;
}

type RowPredicate = (row: Row) => boolean;

type OptionalField = 'accountId' | 'region' | 'profile' | 'state' | 'instanceType';

const cache = new WeakMap<Instance, Row>();

function rowOf(instance: Instance): Row {
  let row = cache.get(instance);
  if (!row) {
    const tags = new Map<string, string[]>();
    for (const tag of instance.tags) {
      const key = normalizeText(tag.key);
      const list = tags.get(key);
      const value = normalizeText(tag.value);
      if (list) list.push(value);
      else tags.set(key, [value]);
    }
    row = { instance, name: normalizeText(instance.name ?? ''), id: instance.instanceId.toLowerCase(), tags };
    cache.set(instance, row);
  }
  return row;
}

const listRows = new WeakMap<readonly Instance[], readonly Row[]>();

/** The rows of a list, in its order (built once per list object). */
function rowsOf(instances: readonly Instance[]): readonly Row[] {
  let rows = listRows.get(instances);
  if (!rows) {
    rows = instances.map(rowOf);
    listRows.set(instances, rows);
  }
  return rows;
}

const PLATFORM_OF: Record<(typeof PLATFORM_VALUES)[number], Instance['platform']> = {
  linux: 'Linux',
  windows: 'Windows',
  macos: 'MacOS',
  unknown: 'Unknown',
};
const PING_OF: Record<(typeof PING_VALUES)[number], Instance['pingStatus']> = {
  online: 'Online',
  connectionlost: 'ConnectionLost',
  inactive: 'Inactive',
  notmanaged: 'NotManaged',
};

function anyOf<T>(tests: readonly ((x: T) => boolean)[]): (x: T) => boolean {
  if (tests.length === 1) return tests[0]!;
  return (x) => {
    for (const test of tests) if (test(x)) return true;
    return false;
  };
}

/** Any of `values` (whole-field comparison): one set lookup when none has a wildcard. */
function anyExact(values: readonly QueryValue[]): TextTest {
  const texts = values.map((v) => normalizeText(v.text));
  if (texts.some(hasWildcard)) return anyOf(values.map((v) => textTest(v, 'exact')));
  if (texts.length === 1) {
    const only = texts[0]!;
    return (s) => s === only;
  }
  const set = new Set(texts);
  return (s) => set.has(s);
}

function someOf(list: readonly string[], test: TextTest): boolean {
  for (const item of list) if (test(item)) return true;
  return false;
}

function normalizedField(row: Row, field: OptionalField): string | undefined {
  const fields = (row.fields ??= new Map());
  if (fields.has(field)) return fields.get(field);
  const raw = row.instance[field];
  const value = raw === undefined ? undefined : normalizeText(raw);
  fields.set(field, value);
  return value;
}

function optionalField(field: OptionalField, values: readonly QueryValue[]): RowPredicate {
  const test = anyExact(values);
  return (row) => {
    const s = normalizedField(row, field);
    return s !== undefined && test(s);
  };
}

/**
 * Normalizes the searchable text of `instances` now (once per list, e.g. when it arrives) so the first query
 * typed does not pay for it. Matching gives the same results with or without it.
 */
export function prepareInstances(instances: readonly Instance[]): void {
  rowsOf(instances);
}

function fieldPredicate(term: FieldTerm): RowPredicate {
  const { values } = term;
  switch (term.field) {
    case 'name': {
      const test = anyOf(values.map((v) => textTest(v, 'contains')));
      return (row) => row.instance.name !== undefined && test(row.name);
    }
    case 'id': {
      const test = anyExact(values);
      return (row) => test(row.id);
    }
    case 'platform':
    case 'ping': {
      const table: Record<string, string> = term.field === 'platform' ? PLATFORM_OF : PING_OF;
      const allowed = Object.keys(table);
      const wanted = new Set<string>();
      for (const v of values) {
        const names = hasWildcard(v.text)
          ? allowed.filter((a) => textTest(v, 'exact')(a))
          : enumMatches(allowed, v.text);
        for (const name of names) wanted.add(table[name]!);
      }
      return term.field === 'platform'
        ? (row) => wanted.has(row.instance.platform)
        : (row) => wanted.has(row.instance.pingStatus);
    }
    case 'account':
      return optionalField('accountId', values);
    case 'region':
      return optionalField('region', values);
    case 'profile':
      return optionalField('profile', values);
    case 'state':
      return optionalField('state', values);
    case 'type':
      return optionalField('instanceType', values);
    case 'ip': {
      const tests = values.map((v): ((ip: string) => boolean) => {
        const cidr = parseCidr(v.text);
        if (cidr) {
          return (ip) => {
            const n = parseIpv4(ip);
            return n !== undefined && (n & cidr.mask) >>> 0 === cidr.network;
          };
        }
        return textTest(v, 'exact');
      });
      const test = anyOf(tests);
      return ({ instance: i }) =>
        (i.privateIp !== undefined && test(i.privateIp)) || (i.publicIp !== undefined && test(i.publicIp));
    }
  }
}

function tagPredicate(term: TagTerm): RowPredicate {
  const keyTest = textTest(term.key, 'exact');
  const key = normalizeText(term.key.text);
  const wildKey = hasWildcard(key);
  const valueTest = term.values ? anyExact(term.values) : undefined;
  return (row) => {
    const tags = row.tags;
    if (!wildKey) {
      const list = tags.get(key);
      return list !== undefined && (valueTest === undefined || someOf(list, valueTest));
    }
    for (const [k, list] of tags) {
      if (keyTest(k) && (valueTest === undefined || someOf(list, valueTest))) return true;
    }
    return false;
  };
}

function termPredicate(term: QueryTerm): RowPredicate {
  let positive: RowPredicate;
  if (term.kind === 'text') {
    const test = textTest(term.value, 'contains');
    positive = (row) => test(row.name) || test(row.id);
  } else if (term.kind === 'tag') {
    positive = tagPredicate(term);
  } else {
    positive = fieldPredicate(term);
  }
  return term.negated ? (row) => !positive(row) : positive;
}

/** All terms must hold (undefined: the query selects everything). */
function compileRows(query: string | ParsedQuery): RowPredicate | undefined {
  const parsed = typeof query === 'string' ? parseQuery(query) : query;
  const predicates = parsed.terms.map(termPredicate);
  if (predicates.length === 0) return undefined;
  if (predicates.length === 1) return predicates[0];
  return (row) => {
    for (const p of predicates) if (!p(row)) return false;
    return true;
  };
}

/** Compiles a query (text or parsed) into a predicate. Terms with errors were dropped by the parser. */
export function compileQuery(query: string | ParsedQuery): InstancePredicate {
  const predicate = compileRows(query);
  return predicate ? (i) => predicate(rowOf(i)) : () => true;
}

/** The instances a query selects, in their order. */
export function filterInstances<T extends Instance>(instances: readonly T[], query: string | ParsedQuery): T[] {
  const predicate = compileQuery(query);
  return instances.filter(predicate);
}

export interface Selection<T extends Instance> {
  /** The selected instances, in the list's order. */
  readonly shown: readonly T[];
  /** 1 at each selected position of the list. */
  readonly mask: Uint8Array;
}

/**
 * What `filterInstances` selects, and where: the fast path for a list filtered again and again (each keystroke of
 * the query box). The list's normalized rows are built once per list object and read by position.
 */
export function selectInstances<T extends Instance>(
  instances: readonly T[],
  query: string | ParsedQuery,
): Selection<T> {
  const predicate = compileRows(query);
  const mask = new Uint8Array(instances.length);
  if (!predicate) return { shown: instances, mask: mask.fill(1) };
  const rows = rowsOf(instances);
  const shown: T[] = [];
  for (let k = 0; k < rows.length; k++) {
    if (predicate(rows[k]!)) {
      mask[k] = 1;
      shown.push(instances[k]!);
    }
  }
  return { shown, mask };
}
