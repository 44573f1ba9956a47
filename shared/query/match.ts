/**
 * The query matcher: a parsed query compiled once against a list's columns.
 * Comparison is on normalized text (NFKC + lower case), so `WEB`, `ｗｅｂ` and `web` are the same and
 * Japanese values compare as typed. Normalized instance text is cached per instance object; a list gets columns
 * (built once per list object, lists are never changed in place) where each tag key and optional field holds
 * an id per row into its distinct values, so a tag or field term tests each distinct value once and then reads
 * one number per row.
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

/** An instance with its searchable text normalized once. */
interface Row {
  readonly instance: Instance;
  readonly name: string;
  readonly id: string;
  readonly tags: Map<string, string[]>;
}

const OPTIONAL_FIELDS = ['accountId', 'region', 'profile', 'state', 'instanceType'] as const;
type OptionalField = (typeof OPTIONAL_FIELDS)[number];

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

/** No value in this row (ids), or several (see `several`). */
const ABSENT = -1;
const SEVERAL = -2;

/** One tag key or optional field over a list: per row an index into its distinct normalized values. */
interface Column {
  readonly ids: Int32Array;
  readonly values: readonly string[];
  /** Rows whose key appears more than once (after normalization): their value ids. */
  readonly several: ReadonlyMap<number, readonly number[]>;
}

function buildColumn(size: number, valuesAt: (k: number) => readonly string[] | undefined): Column {
  const ids = new Int32Array(size).fill(ABSENT);
  const values: string[] = [];
  const index = new Map<string, number>();
  const several = new Map<number, number[]>();
  const intern = (value: string) => {
    let id = index.get(value);
    if (id === undefined) {
      id = values.length;
      values.push(value);
      index.set(value, id);
    }
    return id;
  };
  for (let k = 0; k < size; k++) {
    const list = valuesAt(k);
    if (!list || list.length === 0) continue;
    if (list.length === 1) ids[k] = intern(list[0]!);
    else {
      ids[k] = SEVERAL;
      several.set(k, list.map(intern));
    }
  }
  return { ids, values, several };
}

/** The searchable columns of one list, each built on first use. */
class Table {
  readonly rows: readonly Row[];
  private readonly tagColumns = new Map<string, Column>();
  private readonly fieldColumns = new Map<OptionalField, Column>();
  private keys: readonly string[] | undefined;
  private ips: { readonly privateIp: Float64Array; readonly publicIp: Float64Array } | undefined;

  constructor(instances: readonly Instance[]) {
    this.rows = instances.map(rowOf);
  }

  get size(): number {
    return this.rows.length;
  }

  tagColumn(key: string): Column {
    let column = this.tagColumns.get(key);
    if (!column) {
      column = buildColumn(this.size, (k) => this.rows[k]!.tags.get(key));
      this.tagColumns.set(key, column);
    }
    return column;
  }

  fieldColumn(field: OptionalField): Column {
    let column = this.fieldColumns.get(field);
    if (!column) {
      column = buildColumn(this.size, (k) => {
        const raw = this.rows[k]!.instance[field];
        return raw === undefined ? undefined : [normalizeText(raw)];
      });
      this.fieldColumns.set(field, column);
    }
    return column;
  }

  /** The private and public IPv4 addresses as numbers (NaN: none or not IPv4), parsed once for CIDR terms. */
  ipNumbers(): { readonly privateIp: Float64Array; readonly publicIp: Float64Array } {
    if (!this.ips) {
      const parse = (ip: string | undefined) => (ip === undefined ? Number.NaN : (parseIpv4(ip) ?? Number.NaN));
      this.ips = {
        privateIp: Float64Array.from(this.rows, (row) => parse(row.instance.privateIp)),
        publicIp: Float64Array.from(this.rows, (row) => parse(row.instance.publicIp)),
      };
    }
    return this.ips;
  }

  /** Every normalized tag key of the list. */
  tagKeys(): readonly string[] {
    if (!this.keys) {
      const keys = new Set<string>();
      for (const row of this.rows) for (const key of row.tags.keys()) keys.add(key);
      this.keys = [...keys];
    }
    return this.keys;
  }
}

const tables = new WeakMap<readonly Instance[], Table>();

function tableOf(instances: readonly Instance[]): Table {
  let table = tables.get(instances);
  if (!table) {
    table = new Table(instances);
    tables.set(instances, table);
  }
  return table;
}

/** A term over a table: true when row `k` matches. */
type RowTest = (k: number) => boolean;

/** Row k of `column` holds a value `test` accepts (each distinct value tested once). */
function columnTest(column: Column, test: TextTest | undefined): RowTest {
  const { ids, several } = column;
  if (!test) return (k) => ids[k] !== ABSENT;
  const allowed = Uint8Array.from(column.values, (v) => (test(v) ? 1 : 0));
  return (k) => {
    const id = ids[k]!;
    if (id >= 0) return allowed[id] === 1;
    if (id === ABSENT) return false;
    for (const other of several.get(k)!) if (allowed[other] === 1) return true;
    return false;
  };
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

/**
 * Builds the list's columns now (every tag key and optional field; once per list, e.g. when it arrives) so the
 * first query typed does not pay for them. Matching gives the same results with or without it.
 */
export function prepareInstances(instances: readonly Instance[]): void {
  const table = tableOf(instances);
  for (const key of table.tagKeys()) table.tagColumn(key);
  for (const field of OPTIONAL_FIELDS) table.fieldColumn(field);
}

function fieldTest(term: FieldTerm, table: Table): RowTest {
  const { values } = term;
  const rows = table.rows;
  switch (term.field) {
    case 'name': {
      const test = anyOf(values.map((v) => textTest(v, 'contains')));
      return (k) => rows[k]!.instance.name !== undefined && test(rows[k]!.name);
    }
    case 'id': {
      const test = anyExact(values);
      return (k) => test(rows[k]!.id);
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
        ? (k) => wanted.has(rows[k]!.instance.platform)
        : (k) => wanted.has(rows[k]!.instance.pingStatus);
    }
    case 'account':
      return columnTest(table.fieldColumn('accountId'), anyExact(values));
    case 'region':
      return columnTest(table.fieldColumn('region'), anyExact(values));
    case 'profile':
      return columnTest(table.fieldColumn('profile'), anyExact(values));
    case 'state':
      return columnTest(table.fieldColumn('state'), anyExact(values));
    case 'type':
      return columnTest(table.fieldColumn('instanceType'), anyExact(values));
    case 'ip': {
      const tests = values.map((v): RowTest => {
        const cidr = parseCidr(v.text);
        if (cidr) {
          const { privateIp, publicIp } = table.ipNumbers();
          const inside = (n: number) => !Number.isNaN(n) && (n & cidr.mask) >>> 0 === cidr.network;
          return (k) => inside(privateIp[k]!) || inside(publicIp[k]!);
        }
        const test = textTest(v, 'exact');
        return (k) => {
          const i = rows[k]!.instance;
          return (i.privateIp !== undefined && test(i.privateIp)) || (i.publicIp !== undefined && test(i.publicIp));
        };
      });
      return anyOf(tests);
    }
  }
}

function tagTest(term: TagTerm, table: Table): RowTest {
  const key = normalizeText(term.key.text);
  const valueTest = term.values ? anyExact(term.values) : undefined;
  if (!hasWildcard(key)) return columnTest(table.tagColumn(key), valueTest);
  // A key with wildcards: the keys it names, each tested once.
  const keyTest = textTest(term.key, 'exact');
  const tests = table
    .tagKeys()
    .filter(keyTest)
    .map((k) => columnTest(table.tagColumn(k), valueTest));
  return tests.length === 0 ? () => false : anyOf(tests);
}

function termTest(term: QueryTerm, table: Table): RowTest {
  let positive: RowTest;
  if (term.kind === 'text') {
    const test = textTest(term.value, 'contains');
    const rows = table.rows;
    positive = (k) => test(rows[k]!.name) || test(rows[k]!.id);
  } else if (term.kind === 'tag') {
    positive = tagTest(term, table);
  } else {
    positive = fieldTest(term, table);
  }
  return term.negated ? (k) => !positive(k) : positive;
}

/** All terms must hold (undefined: the query selects everything). */
function compileTable(parsed: ParsedQuery, table: Table): RowTest | undefined {
  const tests = parsed.terms.map((term) => termTest(term, table));
  if (tests.length === 0) return undefined;
  if (tests.length === 1) return tests[0];
  return (k) => {
    for (const test of tests) if (!test(k)) return false;
    return true;
  };
}

/**
 * Compiles a query (text or parsed) into a predicate over single instances. Terms with errors were dropped by the
 * parser. For a list, `filterInstances` / `selectInstances` are faster (the list's columns are reused).
 */
export function compileQuery(query: string | ParsedQuery): InstancePredicate {
  const parsed = typeof query === 'string' ? parseQuery(query) : query;
  if (parsed.terms.length === 0) return () => true;
  return (i) => compileTable(parsed, new Table([i]))?.(0) ?? true;
}

/** The instances a query selects, in their order. */
export function filterInstances<T extends Instance>(instances: readonly T[], query: string | ParsedQuery): T[] {
  return [...selectInstances(instances, query).shown];
}

export interface Selection<T extends Instance> {
  /** The selected instances, in the list's order. */
  readonly shown: readonly T[];
  /** 1 at each selected position of the list. */
  readonly mask: Uint8Array;
}

/**
 * What a query selects in a list, and where: the fast path for a list filtered again and again (each keystroke
 * of the query box). The list's columns are built once per list object.
 */
export function selectInstances<T extends Instance>(
  instances: readonly T[],
  query: string | ParsedQuery,
): Selection<T> {
  const parsed = typeof query === 'string' ? parseQuery(query) : query;
  const mask = new Uint8Array(instances.length);
  if (parsed.terms.length === 0) return { shown: instances, mask: mask.fill(1) };
  const test = compileTable(parsed, tableOf(instances))!;
  const shown: T[] = [];
  for (let k = 0; k < instances.length; k++) {
    if (test(k)) {
      mask[k] = 1;
      shown.push(instances[k]!);
    }
  }
  return { shown, mask };
}
