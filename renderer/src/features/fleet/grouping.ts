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

interface PlanNode {
  readonly path: string;
  readonly depth: number;
  readonly key: string;
  readonly value: string | undefined;
  readonly children: PlanNode[];
  /** Leaf nodes (depth = keys.length - 1): the members' positions in the plan's list, in list order. */
  readonly members: number[];
}

/**
 * The group tree of a whole list for `keys` (values looked up and sorted once). Filtering then only walks it:
 * a keystroke costs one pass over the tree instead of new maps and sorts.
 */
export interface GroupPlan {
  readonly instances: readonly Instance[];
  readonly keys: readonly string[];
  readonly roots: readonly PlanNode[];
}

export function groupPlan(instances: readonly Instance[], keys: readonly string[]): GroupPlan {
  const build = (items: readonly number[], level: number, prefix: string): PlanNode[] => {
    const key = keys[level]!;
    const groups = new Map<string | undefined, number[]>();
    for (const position of items) {
      const value = tagValue(instances[position]!, key);
      let list = groups.get(value);
      if (!list) groups.set(value, (list = []));
      list.push(position);
    }
    // Named values in natural order; the instances without the tag last.
    const order = [...groups.keys()].sort((a, b) =>
      a === undefined ? 1 : b === undefined ? -1 : collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0),
    );
    return order.map((value) => {
      const members = groups.get(value)!;
      const path = `${prefix}${prefix ? '/' : ''}${encodeURIComponent(key)}${value === undefined ? '' : `=${encodeURIComponent(value)}`}`;
      const leaf = level === keys.length - 1;
      return {
        path,
        depth: level,
        key,
        value,
        children: leaf ? [] : build(members, level + 1, path),
        members: leaf ? members : [],
      };
    });
  };
  return {
    instances,
    keys,
    roots:
      keys.length === 0
        ? []
        : build(
            instances.map((_, i) => i),
            0,
            '',
          ),
  };
}

/**
 * The rows of `plan` for `shown`: a subset of the plan's list in its order (e.g. the query's matches), or a mask
 * over the plan's list (1: shown), or undefined (the whole list). Groups without a shown member are left out,
 * counts are of shown members.
 */
export function planRows(
  plan: GroupPlan,
  shown: readonly Instance[] | Uint8Array | undefined,
  collapsed: ReadonlySet<string> = new Set(),
): ListRow[] {
  if (plan.keys.length === 0) {
    const flat = (instance: Instance): ListRow => ({ kind: 'instance', depth: 0, instance });
    if (shown === undefined) return plan.instances.map(flat);
    if (!(shown instanceof Uint8Array)) return shown.map(flat);
    return plan.instances.filter((_, i) => shown[i] === 1).map(flat);
  }
  const rows: ListRow[] = [];
  const included = shown === undefined || shown === plan.instances ? undefined : maskOf(plan, shown);
  const leafDepth = plan.keys.length;
  // Counts of shown members per node, then the rows of the nodes with any.
  const counts = new Map<PlanNode, number>();
  const count = (node: PlanNode): number => {
    let n = 0;
    if (node.children.length === 0) {
      if (!included) n = node.members.length;
      else for (const m of node.members) n += included[m]!;
    } else {
      for (const child of node.children) n += count(child);
    }
    counts.set(node, n);
    return n;
  };
  const emit = (node: PlanNode) => {
    const n = counts.get(node) ?? 0;
    if (n === 0) return;
    const expanded = !collapsed.has(node.path);
    rows.push({
      kind: 'group',
      path: node.path,
      depth: node.depth,
      key: node.key,
      value: node.value,
      count: n,
      expanded,
    });
    if (!expanded) return;
    if (node.children.length === 0) {
      for (const m of node.members)
        if (!included || included[m] === 1)
          rows.push({ kind: 'instance', depth: leafDepth, instance: plan.instances[m]! });
    } else {
      for (const child of node.children) emit(child);
    }
  };
  for (const root of plan.roots) count(root);
  for (const root of plan.roots) emit(root);
  return rows;
}

function maskOf(plan: GroupPlan, shown: readonly Instance[] | Uint8Array): Uint8Array {
  if (shown instanceof Uint8Array) return shown;
  const wanted = new Set(shown);
  const mask = new Uint8Array(plan.instances.length);
  plan.instances.forEach((instance, i) => {
    if (wanted.has(instance)) mask[i] = 1;
  });
  return mask;
}

/** Rows for `instances` grouped by `keys` (outermost first); without keys, one row per instance. */
export function groupRows(
  instances: readonly Instance[],
  keys: readonly string[],
  collapsed: ReadonlySet<string> = new Set(),
): ListRow[] {
  return planRows(groupPlan(instances, keys), undefined, collapsed);
}
