/**
 * Group-by as a tree: instances grouped by one or more tag keys (e.g. Environment, then Role), each node with
 * the number of instances under it, flattened into the rows the virtualized list renders (collapsed nodes
 * hide their children).
 */
import type { Instance } from '../../../../shared/model/instance';

export interface GroupRow {
  readonly kind: 'group';
  /** `Environment=prod/Role=web`: stable id of the node (collapse state). */
  readonly path: string;
  readonly depth: number;
  readonly key: string;
  /** Undefined: the instances without this tag. */
  readonly value: string | undefined;
  readonly count: number;
  readonly expanded: boolean;
}

export interface InstanceRow {
  readonly kind: 'instance';
  readonly depth: number;
  readonly instance: Instance;
}

export type ListRow = GroupRow | InstanceRow;

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

function tagValue(instance: Instance, key: string): string | undefined {
  for (const tag of instance.tags) if (tag.key === key) return tag.value;
  return undefined;
}

/** Rows for `instances` grouped by `keys` (outermost first); without keys, one row per instance. */
export function groupRows(
  instances: readonly Instance[],
  keys: readonly string[],
  collapsed: ReadonlySet<string> = new Set(),
): ListRow[] {
  const rows: ListRow[] = [];
  const walk = (items: readonly Instance[], level: number, prefix: string) => {
    const key = keys[level];
    if (key === undefined) {
      for (const instance of items) rows.push({ kind: 'instance', depth: level, instance });
      return;
    }
    const groups = new Map<string | undefined, Instance[]>();
    for (const instance of items) {
      const value = tagValue(instance, key);
      let list = groups.get(value);
      if (!list) groups.set(value, (list = []));
      list.push(instance);
    }
    // Named values in natural order; the instances without the tag last.
    const order = [...groups.keys()].sort((a, b) =>
      a === undefined ? 1 : b === undefined ? -1 : collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0),
    );
    for (const value of order) {
      const members = groups.get(value)!;
      const path = `${prefix}${prefix ? '/' : ''}${encodeURIComponent(key)}${value === undefined ? '' : `=${encodeURIComponent(value)}`}`;
      const expanded = !collapsed.has(path);
      rows.push({ kind: 'group', path, depth: level, key, value, count: members.length, expanded });
      if (expanded) walk(members, level + 1, path);
    }
  };
  walk(instances, 0, '');
  return rows;
}
