/**
 * Tag index: tag key -> value -> number of instances, plus counts of the other facet fields (region,
 * account, profile, platform, ping). Built incrementally: `add` and `remove` instances as sources refresh,
 * so a 10,000-row list is never re-counted for one changed region. Feeds completion and facets.
 */
import type { Instance } from '../model/instance';

export interface Count {
  readonly value: string;
  readonly count: number;
}

export interface KeyCount {
  readonly key: string;
  /** Instances that have the key (whatever the value). */
  readonly count: number;
  /** Distinct values. */
  readonly values: number;
}

export type FacetField = 'region' | 'account' | 'profile' | 'platform' | 'ping';

const FACETS: Record<FacetField, (i: Instance) => string | undefined> = {
  region: (i) => i.region,
  account: (i) => i.accountId,
  profile: (i) => i.profile,
  platform: (i) => i.platform,
  ping: (i) => i.pingStatus,
};

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

function bump(map: Map<string, number>, key: string, by: number): void {
  const next = (map.get(key) ?? 0) + by;
  if (next <= 0) map.delete(key);
  else map.set(key, next);
}

function sortCounts(map: ReadonlyMap<string, number>): Count[] {
  return [...map].map(([value, count]) => ({ value, count })).sort(byCountThenText);
}

function byCountThenText(a: Count, b: Count): number {
  return (
    b.count - a.count || collator.compare(a.value, b.value) || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0)
  );
}

export class TagIndex {
  private readonly tags = new Map<string, Map<string, number>>();
  private readonly keyCounts = new Map<string, number>();
  private readonly facets = new Map<FacetField, Map<string, number>>(
    (Object.keys(FACETS) as FacetField[]).map((f) => [f, new Map()]),
  );
  private total = 0;
  private changes = 0;

  static of(instances: Iterable<Instance>): TagIndex {
    const index = new TagIndex();
    index.add(instances);
    return index;
  }

  /** Instances counted. */
  get size(): number {
    return this.total;
  }

  /** Increases on every add/remove (cheap change detection for memoised views). */
  get version(): number {
    return this.changes;
  }

  add(instances: Iterable<Instance>): void {
    this.apply(instances, 1);
  }

  /** Removes instances added before (the same data; objects need not be identical). */
  remove(instances: Iterable<Instance>): void {
    this.apply(instances, -1);
  }

  /** Swaps one source's instances for their refreshed list. */
  replace(previous: Iterable<Instance>, next: Iterable<Instance>): void {
    this.apply(previous, -1);
    this.apply(next, 1);
  }

  clear(): void {
    this.tags.clear();
    this.keyCounts.clear();
    for (const m of this.facets.values()) m.clear();
    this.total = 0;
    this.changes++;
  }

  /** Tag keys, most used first. */
  keys(): KeyCount[] {
    return [...this.keyCounts]
      .map(([key, count]) => ({ key, count, values: this.tags.get(key)?.size ?? 0 }))
      .sort((a, b) => b.count - a.count || collator.compare(a.key, b.key) || (a.key < b.key ? -1 : 1));
  }

  /** Values of one tag key (exact key), most used first; empty when the key is unknown. */
  values(key: string): Count[] {
    const values = this.tags.get(key);
    return values ? sortCounts(values) : [];
  }

  /** Instances having `key` (with `value`, when given). */
  count(key: string, value?: string): number {
    if (value === undefined) return this.keyCounts.get(key) ?? 0;
    return this.tags.get(key)?.get(value) ?? 0;
  }

  /** Values of a facet field (region, account, ...), most used first. */
  field(field: FacetField): Count[] {
    return sortCounts(this.facets.get(field)!);
  }

  private apply(instances: Iterable<Instance>, by: 1 | -1): void {
    for (const instance of instances) {
      this.total += by;
      const seen = new Set<string>();
      for (const tag of instance.tags) {
        // A key counts once per instance even if a source repeats it.
        if (seen.has(tag.key)) continue;
        seen.add(tag.key);
        bump(this.keyCounts, tag.key, by);
        let values = this.tags.get(tag.key);
        if (!values) {
          if (by < 0) continue;
          values = new Map();
          this.tags.set(tag.key, values);
        }
        bump(values, tag.value, by);
        if (values.size === 0) this.tags.delete(tag.key);
      }
      for (const [field, get] of Object.entries(FACETS) as [FacetField, (i: Instance) => string | undefined][]) {
        const value = get(instance);
        if (value !== undefined) bump(this.facets.get(field)!, value, by);
      }
    }
    if (this.total < 0) this.total = 0;
    this.changes++;
  }
}
