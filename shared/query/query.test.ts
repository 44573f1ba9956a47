import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Instance } from '../model/instance';
import { describeQueryError } from './describe';
import { compileQuery, filterInstances, prepareInstances, selectInstances } from './match';
import { suggest } from './suggest';
import { parseQuery, quoteValue, tokenize } from './syntax';
import { TagIndex } from './tagIndex';

function instance(over: Partial<Instance> & { instanceId: string }): Instance {
  return {
    platform: 'Linux',
    pingStatus: 'Online',
    region: 'us-east-1',
    managed: true,
    hybrid: false,
    tags: [],
    ...over,
  };
}

const tags = (record: Record<string, string>) => Object.entries(record).map(([key, value]) => ({ key, value }));

const fleet: Instance[] = [
  instance({
    instanceId: 'i-0aaa0000000000001',
    name: 'web-prod-1',
    privateIp: '10.0.1.5',
    publicIp: '54.1.2.3',
    accountId: '111111111111',
    profile: 'dev-keys',
    state: 'running',
    instanceType: 't3.micro',
    tags: tags({ Name: 'web-prod-1', Environment: 'prod', Team: 'payments', Role: 'web' }),
  }),
  instance({
    instanceId: 'i-0aaa0000000000002',
    name: 'web-staging-1',
    privateIp: '10.0.2.6',
    region: 'eu-west-1',
    accountId: '222222222222',
    tags: tags({ Name: 'web-staging-1', Environment: 'staging', Team: '決済', Role: 'web' }),
  }),
  instance({
    instanceId: 'i-0aaa0000000000003',
    name: 'db-prod-1',
    platform: 'Windows',
    pingStatus: 'ConnectionLost',
    privateIp: '10.1.0.7',
    region: 'ap-northeast-1',
    accountId: '111111111111',
    tags: tags({ Name: 'db-prod-1', Environment: 'prod', 'Cost Center': 'cc 1001', 担当者: '山田 太郎' }),
  }),
  instance({
    instanceId: 'mi-0123456789abcdef0',
    name: 'オンプレ サーバー',
    hybrid: true,
    pingStatus: 'Inactive',
    privateIp: '192.168.1.10',
    tags: tags({ Environment: 'dev', Location: '東京' }),
  }),
  instance({ instanceId: 'i-0aaa0000000000005', pingStatus: 'NotManaged', managed: false, tags: [] }),
];

const ids = (query: string) => filterInstances(fleet, query).map((i) => i.instanceId.slice(-2));

describe('parseQuery', () => {
  it('reads fields, tags, negation and free words with positions', () => {
    const q = parseQuery('tag:Environment=prod -name:web* db');
    expect(q.errors).toEqual([]);
    expect(q.terms).toHaveLength(3);
    const [tag, name, word] = q.terms;
    expect(tag).toMatchObject({ kind: 'tag', negated: false, key: { text: 'Environment' }, start: 0, end: 20 });
    expect(tag?.kind === 'tag' && tag.values?.map((v) => v.text)).toEqual(['prod']);
    expect(name).toMatchObject({ kind: 'field', field: 'name', negated: true, start: 21, end: 31 });
    expect(word).toMatchObject({ kind: 'text', value: { text: 'db', start: 32, end: 34 } });
  });

  it('keeps spaces, commas and equals signs inside quotes, and Japanese as typed', () => {
    const q = parseQuery('tag:"Cost Center"="cc 1001" tag:担当者="山田 太郎" "web prod"');
    expect(q.errors).toEqual([]);
    expect(q.terms.map((t) => (t.kind === 'tag' ? [t.key.text, t.values?.[0]?.text] : t.kind))).toEqual([
      ['Cost Center', 'cc 1001'],
      ['担当者', '山田 太郎'],
      'text',
    ]);
  });

  it('reports errors with positions and keeps the other terms', () => {
    const q = parseQuery('colour:red name: platform:beos tag: -  tag:Env="open ip:10.0.0.0/40');
    expect(q.errors.map((e) => [e.code, q.text.slice(e.start, e.end)])).toEqual([
      ['unknownField', 'colour:'],
      ['emptyValue', 'name:'],
      ['unknownValue', 'beos'],
      ['emptyTagKey', 'tag:'],
      ['danglingNegation', '-'],
      ['unclosedQuote', '"open ip:10.0.0.0/40'],
    ]);
    expect(parseQuery('ip:10.0.0.0/40 web').errors.map((e) => e.code)).toEqual(['badCidr']);
    expect(parseQuery('ip:10.0.0.0/40 web').terms).toHaveLength(1);
  });

  it('accepts the full-width colon, dash and space a Japanese IME types', () => {
    const q = parseQuery('tag：Environment=prod\u3000－name:web*');
    expect(q.errors).toEqual([]);
    expect(q.terms.map((t) => [t.kind, t.negated])).toEqual([
      ['tag', false],
      ['field', true],
    ]);
  });

  it('describes errors in English and Japanese', () => {
    const [error] = parseQuery('platform:beos').errors;
    expect(describeQueryError(error!)).toBe(
      '"beos" is not a platform value. Use one of: linux, windows, macos, unknown.',
    );
    expect(describeQueryError(error!, 'ja')).toContain('「beos」は platform の値ではありません');
  });

  it('never throws, and every error and term lies inside the text (property)', () => {
    const alphabet = fc.constantFrom(
      ...'tag:name=platform-ping,"\\ \u3000：－*?ab日本語=10./'.split(''),
      'tag:',
      'ip:',
      '"',
      '\\"',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(alphabet).map((a) => a.join('')),
        ),
        (text) => {
          const q = parseQuery(text);
          for (const range of [...q.errors, ...q.terms]) {
            expect(range.start).toBeGreaterThanOrEqual(0);
            expect(range.end).toBeLessThanOrEqual(text.length);
            expect(range.start).toBeLessThanOrEqual(range.end);
          }
          compileQuery(q)(fleet[0]!);
          suggest(text, text.length, TagIndex.of(fleet));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('round-trips any value through quoteValue (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (key, value) => {
        const q = parseQuery(`tag:${quoteValue(key, { forTagKey: true })}=${quoteValue(value)}`);
        expect(q.errors).toEqual([]);
        const [term] = q.terms;
        expect(term?.kind).toBe('tag');
        if (term?.kind !== 'tag') return;
        expect(term.key.text).toBe(key);
        expect(term.values?.map((v) => v.text)).toEqual([value]);
      }),
      { numRuns: 1000 },
    );
  });

  it('tokenizes a negated field with its positions', () => {
    const [token] = tokenize('  -ping:online');
    expect(token).toMatchObject({ start: 2, end: 14, negated: true, field: { name: 'ping', start: 3, end: 7 } });
  });
});

describe('compileQuery', () => {
  it('matches tags by key and value, and key presence', () => {
    expect(ids('tag:Environment=prod')).toEqual(['01', '03']);
    expect(ids('tag:environment=PROD')).toEqual(['01', '03']);
    expect(ids('tag:Team')).toEqual(['01', '02']);
    expect(ids('tag:Environment=prod,dev')).toEqual(['01', '03', 'f0']);
    expect(ids('tag:Env*=stag*')).toEqual(['02']);
  });

  it('negates any term; a negated tag includes instances without the key', () => {
    expect(ids('-tag:Environment=prod')).toEqual(['02', 'f0', '05']);
    expect(ids('-tag:Team')).toEqual(['03', 'f0', '05']);
    expect(ids('tag:Environment=prod -platform:windows')).toEqual(['01']);
  });

  it('matches names by glob or substring, and free words against name and id', () => {
    expect(ids('name:web*')).toEqual(['01', '02']);
    expect(ids('name:*prod*')).toEqual(['01', '03']);
    expect(ids('name:staging')).toEqual(['02']);
    expect(ids('web prod')).toEqual(['01']);
    expect(ids('0000000000003')).toEqual(['03']);
    expect(ids('mi-*')).toEqual(['f0']);
  });

  it('matches Japanese names and tag values, quoted or not', () => {
    expect(ids('tag:Team=決済')).toEqual(['02']);
    expect(ids('tag:担当者="山田 太郎"')).toEqual(['03']);
    expect(ids('tag:Location=東京')).toEqual(['f0']);
    expect(ids('オンプレ')).toEqual(['f0']);
    expect(ids('"オンプレ サーバー"')).toEqual(['f0']);
    expect(ids('ｗｅｂ')).toEqual(['01', '02']); // full-width letters compare as ASCII
  });

  it('matches platform, ping (by prefix too), account, region, state and type', () => {
    expect(ids('platform:windows')).toEqual(['03']);
    expect(ids('platform:win')).toEqual(['03']);
    expect(ids('ping:online')).toEqual(['01', '02']);
    expect(ids('ping:notmanaged')).toEqual(['05']);
    expect(ids('-ping:online')).toEqual(['03', 'f0', '05']);
    expect(ids('account:111111111111')).toEqual(['01', '03']);
    expect(ids('region:eu-*')).toEqual(['02']);
    expect(ids('region:ap-northeast-1,eu-west-1')).toEqual(['02', '03']);
    expect(ids('state:running type:t3.*')).toEqual(['01']);
    expect(ids('profile:dev-keys')).toEqual(['01']);
  });

  it('matches private or public IPs by glob, exact address or CIDR', () => {
    expect(ids('ip:10.0.*')).toEqual(['01', '02']);
    expect(ids('ip:54.1.2.3')).toEqual(['01']);
    expect(ids('ip:10.0.0.0/8')).toEqual(['01', '02', '03']);
    expect(ids('ip:192.168.0.0/16')).toEqual(['f0']);
    expect(ids('-ip:10.0.0.0/8')).toEqual(['f0', '05']);
  });

  it('ignores terms with errors instead of matching nothing', () => {
    expect(ids('tag:Environment=prod name:')).toEqual(['01', '03']);
    expect(ids('')).toHaveLength(fleet.length);
  });

  it('gives the same matches on a list prepared up front (prepareInstances) as on a fresh one', () => {
    const queries = ['web', 'tag:Team=決済', 'ｗｅｂ', 'region:EU-*', 'account:111111111111 -ping:online', 'type:t3.*'];
    const fresh = () => fleet.map((i) => ({ ...i }));
    const prepared = fresh();
    prepareInstances(prepared);
    prepareInstances(prepared); // twice is harmless
    for (const q of queries) {
      const expected = filterInstances(fresh(), q).map((i) => i.instanceId);
      expect(filterInstances(prepared, q).map((i) => i.instanceId)).toEqual(expected);
    }
    expect(filterInstances(prepared, 'region:eu-*').map((i) => i.instanceId)).toEqual(['i-0aaa0000000000002']);
  });

  it('matches a key written twice (Env and env) by either of its values', () => {
    const list = [
      instance({ instanceId: 'i-0aaa00000000000a1', tags: [...tags({ Env: 'prod' }), ...tags({ env: 'dev' })] }),
      instance({ instanceId: 'i-0aaa00000000000a2', tags: tags({ env: 'dev' }) }),
      instance({ instanceId: 'i-0aaa00000000000a3', tags: tags({ Team: 'x' }) }),
    ];
    const matched = (q: string) => filterInstances(list, q).map((i) => i.instanceId.slice(-2));
    expect(matched('tag:ENV=prod')).toEqual(['a1']);
    expect(matched('tag:env=dev')).toEqual(['a1', 'a2']);
    expect(matched('-tag:env=dev')).toEqual(['a3']);
    expect(matched('tag:e*=prod,dev')).toEqual(['a1', 'a2']);
    expect(matched('tag:nothing*')).toEqual([]);
  });

  it('a list gives each instance the answer it gets alone, with a mask of the positions (property)', () => {
    const words = fc.constantFrom(
      'web',
      '-web',
      'tag:Environment=prod',
      'tag:Team=決済,platform',
      '-tag:Team',
      'tag:Env*',
      'name:web-*',
      'platform:windows',
      '-ping:online',
      'region:eu-*',
      'account:111111111111',
      'ip:10.0.0.0/16',
      'type:t3.*',
      'ｗｅｂ',
      'name:',
      'tag:',
    );
    fc.assert(
      fc.property(fc.array(words, { maxLength: 4 }), (parts) => {
        const query = parts.join(' ');
        const alone = compileQuery(query);
        const expected = fleet.filter((i) => alone(i));
        const { shown, mask } = selectInstances(fleet, query);
        expect(shown).toEqual(expected);
        expect([...mask].map((m, k) => (m ? fleet[k] : undefined)).filter(Boolean)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('selectInstances reads a list again by position and selects everything for an empty query', () => {
    const list = fleet.map((i) => ({ ...i }));
    expect(selectInstances(list, 'tag:Environment=prod').shown.map((i) => i.instanceId)).toEqual(
      filterInstances(list, 'tag:Environment=prod').map((i) => i.instanceId),
    );
    const all = selectInstances(list, '  ');
    expect(all.shown).toBe(list);
    expect([...all.mask].every((m) => m === 1)).toBe(true);
  });
});

describe('TagIndex', () => {
  it('counts keys and values, most used first', () => {
    const index = TagIndex.of(fleet);
    expect(index.size).toBe(5);
    expect(index.keys().slice(0, 2)).toEqual([
      { key: 'Environment', count: 4, values: 3 },
      { key: 'Name', count: 3, values: 3 },
    ]);
    expect(index.values('Environment')).toEqual([
      { value: 'prod', count: 2 },
      { value: 'dev', count: 1 },
      { value: 'staging', count: 1 },
    ]);
    expect(index.values('Team')).toEqual([
      { value: 'payments', count: 1 },
      { value: '決済', count: 1 },
    ]);
    expect(index.field('region')[0]).toEqual({ value: 'us-east-1', count: 3 });
    expect(index.field('ping')).toContainEqual({ value: 'NotManaged', count: 1 });
  });

  it('updates incrementally and matches a rebuild', () => {
    const index = TagIndex.of(fleet);
    const refreshed = fleet.slice(0, 2).map((i) => ({ ...i, tags: tags({ Environment: 'prod', 新しい: 'はい' }) }));
    index.replace(fleet.slice(0, 2), refreshed);
    const rebuilt = TagIndex.of([...refreshed, ...fleet.slice(2)]);
    expect(index.keys()).toEqual(rebuilt.keys());
    expect(index.values('Environment')).toEqual(rebuilt.values('Environment'));
    expect(index.values('Team')).toEqual([]);
    expect(index.count('新しい', 'はい')).toBe(2);
    index.remove(fleet.slice(2));
    index.remove(refreshed);
    expect(index.keys()).toEqual([]);
    expect(index.size).toBe(0);
  });
});

describe('suggest', () => {
  const index = TagIndex.of(fleet);
  const apply = (query: string, s: { from: number; to: number }, insert: string) =>
    query.slice(0, s.from) + insert + query.slice(s.to);

  it('offers fields and tag keys for a first word', () => {
    const s = suggest('pl', 2, index);
    expect(s.items.map((i) => i.label)).toEqual(['platform:']);
    const keys = suggest('env', 3, index);
    expect(keys.items[0]).toMatchObject({ kind: 'tagKey', label: 'tag:Environment', insert: 'tag:Environment=' });
  });

  it('offers tag keys after tag: and values with counts after the =', () => {
    expect(suggest('tag:T', 5, index).items.map((i) => i.label)).toEqual(['Team']);
    const values = suggest('web tag:Environment=p', 21, index);
    expect(values).toMatchObject({ from: 4, to: 21 });
    expect(values.items).toEqual([{ kind: 'tagValue', label: 'prod', insert: 'tag:Environment=prod', count: 2 }]);
  });

  it('quotes keys and values that need it, keeps the dash and earlier alternatives', () => {
    const s = suggest('-tag:Cost', 9, index);
    expect(s.items[0]?.insert).toBe('-tag:"Cost Center"=');
    const v = suggest('tag:担当者=', 8, index);
    expect(v.items[0]?.insert).toBe('tag:担当者="山田 太郎"');
    const alt = suggest('tag:Environment=prod,st', 23, index);
    expect(alt.items.map((i) => i.insert)).toEqual(['tag:Environment=prod,staging']);
    const query = 'tag:Environment=prod,st';
    expect(parseQuery(apply(query, alt, alt.items[0]!.insert)).errors).toEqual([]);
  });

  it('completes platform, ping and region values from the index', () => {
    expect(suggest('platform:w', 10, index).items).toEqual([
      { kind: 'value', label: 'windows', insert: 'platform:windows', count: 1 },
    ]);
    expect(suggest('ping:', 5, index).items.map((i) => i.label)).toEqual(PING_ORDER);
    expect(suggest('region:eu', 9, index).items.map((i) => i.insert)).toEqual(['region:eu-west-1']);
  });

  it('suggests fields at an empty position', () => {
    const s = suggest('web ', 4, index);
    expect(s).toMatchObject({ from: 4, to: 4 });
    expect(s.items.map((i) => i.label)).toContain('tag:');
  });
});

const PING_ORDER = ['online', 'connectionlost', 'inactive', 'notmanaged'];
