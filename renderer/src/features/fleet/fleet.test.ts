import { describe, expect, it } from 'vitest';
import { filterInstances } from '../../../../shared/query';
import { sampleFleet } from '../../state/fake-bridge';
import { groupPlan, groupRows, planRows } from './grouping';
import { selectedTagValues, selectedTagValuesByKey, toggleTagValue } from './queryEdit';

describe('toggleTagValue (facet clicks write the query)', () => {
  it('adds a term, widens one key with a comma, narrows with another key, and removes values again', () => {
    let q = toggleTagValue('', 'Environment', 'prod');
    expect(q).toBe('tag:Environment=prod');
    q = toggleTagValue(q, 'Environment', 'staging');
    expect(q).toBe('tag:Environment=prod,staging');
    q = toggleTagValue(q, 'Team', 'platform');
    expect(q).toBe('tag:Environment=prod,staging tag:Team=platform');
    expect(filterInstances(sampleFleet(), q).map((i) => i.name)).toEqual(['web-prod-1']);
    q = toggleTagValue(q, 'Environment', 'prod');
    expect(q).toBe('tag:Environment=staging tag:Team=platform');
    q = toggleTagValue(q, 'Environment', 'staging');
    expect(q).toBe('tag:Team=platform');
  });

  it('keeps the words the user typed and quotes values with spaces, Japanese included', () => {
    const q = toggleTagValue('web -ping:inactive', '担当者', '山田 太郎');
    expect(q).toBe('web -ping:inactive tag:担当者="山田 太郎"');
    expect(selectedTagValues(q, '担当者')).toEqual(['山田 太郎']);
    expect(toggleTagValue(q, '担当者', '山田 太郎')).toBe('web -ping:inactive');
  });

  it('reads the selection of every key from one query, values of repeated terms together', () => {
    const byKey = selectedTagValuesByKey(
      'tag:Environment=prod,staging web tag:担当者="山田 太郎" tag:Environment=dev -tag:Team=data',
    );
    expect(byKey.get('Environment')).toEqual(['prod', 'staging', 'dev']);
    expect(byKey.get('担当者')).toEqual(['山田 太郎']);
    expect(byKey.has('Team')).toBe(false);
  });

  it('leaves a negated term alone (it is not a selection)', () => {
    expect(selectedTagValues('-tag:Environment=prod', 'Environment')).toEqual([]);
    expect(toggleTagValue('-tag:Environment=prod', 'Environment', 'dev')).toBe(
      '-tag:Environment=prod tag:Environment=dev',
    );
  });
});

describe('groupRows (group-by tree)', () => {
  const fleet = sampleFleet();

  it('nests groups by each key in order with counts, instances without the tag last', () => {
    const rows = groupRows(fleet, ['Environment', 'Role']);
    const shape = rows.map((r) =>
      r.kind === 'group'
        ? `${'  '.repeat(r.depth)}${r.key}=${r.value ?? '∅'} (${r.count})`
        : `${'  '.repeat(r.depth)}${r.instance.name}`,
    );
    expect(shape).toEqual([
      'Environment=dev (1)',
      '  Role=∅ (1)',
      '    batch-runner',
      'Environment=prod (2)',
      '  Role=domain-controller (1)',
      '    ad-dc-1',
      '  Role=∅ (1)',
      '    web-prod-1',
      'Environment=staging (1)',
      '  Role=∅ (1)',
      '    ウェブサーバー東京',
    ]);
  });

  it('hides the children of a collapsed node and marks it', () => {
    const open = groupRows(fleet, ['Environment']);
    const prod = open.find((r) => r.kind === 'group' && r.value === 'prod');
    expect(prod?.kind === 'group' && prod.expanded).toBe(true);
    const rows = groupRows(fleet, ['Environment'], new Set([prod!.kind === 'group' ? prod!.path : '']));
    const names = rows.flatMap((r) => (r.kind === 'instance' ? [r.instance.name] : []));
    expect(names).toEqual(['batch-runner', 'ウェブサーバー東京']);
    expect(rows.find((r) => r.kind === 'group' && r.value === 'prod')).toMatchObject({ expanded: false, count: 2 });
  });

  it('without keys gives one row per instance', () => {
    expect(groupRows(fleet, []).map((r) => r.kind)).toEqual(['instance', 'instance', 'instance', 'instance']);
  });
});

describe('groupPlan / planRows (the tree built once per list, walked per filter)', () => {
  it('gives the same rows as grouping the filtered list afresh, for several queries and a collapsed node', () => {
    const fleet = sampleFleet();
    const plan = groupPlan(fleet, ['Environment', 'Role']);
    for (const query of ['', 'web', '-tag:Environment=prod', 'tag:Role', 'ウェブ', 'nothing-matches-this']) {
      const shown = filterInstances(fleet, query);
      expect(planRows(plan, shown)).toEqual(groupRows(shown, ['Environment', 'Role']));
      const collapsed = new Set(['Environment=prod']);
      expect(planRows(plan, shown, collapsed)).toEqual(groupRows(shown, ['Environment', 'Role'], collapsed));
    }
    expect(planRows(plan, filterInstances(fleet, 'nothing-matches-this'))).toEqual([]);
  });
});

describe('planRows with a mask over the list', () => {
  it('gives the same rows for a mask as for the list of shown instances', () => {
    const fleet = sampleFleet();
    const plan = groupPlan(fleet, ['Environment']);
    const shown = filterInstances(fleet, '-tag:Environment=prod');
    const mask = new Uint8Array(fleet.map((i) => (shown.includes(i) ? 1 : 0)));
    expect(planRows(plan, mask)).toEqual(planRows(plan, shown));
    expect(planRows(plan, mask).flatMap((r) => (r.kind === 'instance' ? [r.instance.name] : []))).toEqual([
      'batch-runner',
      'ウェブサーバー東京',
    ]);
    const flat = groupPlan(fleet, []);
    expect(planRows(flat, mask)).toEqual(shown.map((instance) => ({ kind: 'instance', depth: 0, instance })));
  });
});
