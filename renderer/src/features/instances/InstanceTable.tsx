import {
  memo,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type RefObject,
} from 'react';
import type { Instance } from '../../../../shared/model/instance';
import { useT } from '../../app/i18n';
import type { GroupRow, ListRow } from '../fleet/grouping';
import { PlatformIcon } from './PlatformIcon';
import { StatusBadge } from './StatusBadge';
import { TagChips } from './TagChips';

/** Row height in px; must match `.grid__row` in theme.css (rows are windowed for large fleets). */
export const ROW_HEIGHT = 40;
/**
 * Rows beyond the view (plus this overscan) are not rendered, however short the list: a keystroke that filters the
 * fleet down to a few hundred rows costs no more than one that shows all of it.
 */
/** The header of each column before the tags: its label and its width class (`.col-*` in theme.css). */
const COLUMNS = [
  ['column.name', 'col-name'],
  ['column.instanceId', 'col-id'],
  ['column.status', 'col-status'],
  ['column.platform', 'col-platform'],
  ['column.privateIp', 'col-ip'],
] as const;
/** With several sources: the account and region columns. */
const SOURCE_COLUMNS = [
  ['fleet.column.account', 'col-account'],
  ['fleet.column.region', 'col-region'],
] as const;

/** Rows rendered beyond each edge of the view: a few, as every rendered row costs each keystroke of the filter. */
const OVERSCAN = 3;

export interface InstanceTableProps {
  readonly instances: readonly Instance[];
  /** Rows to show (group headers and instances); defaults to one row per instance. */
  readonly rows?: readonly ListRow[];
  /** Shows the account and region columns (several sources). */
  readonly sourceColumns?: boolean;
  /** Favourite instance ids: a star per row toggles them (when onToggleFavourite is given). */
  readonly favourites?: ReadonlySet<string>;
  onToggleFavourite?(instance: Instance): void;
  /** Expands or collapses a group row. */
  onToggleGroup?(row: GroupRow): void;
  readonly selectedId: string | undefined;
  readonly busy: boolean;
  onSelect(instanceId: string | undefined): void;
  /** Double-click or Enter on a row: open a session (when the app has terminals). */
  onConnect?(instance: Instance): void;
  /** Open sessions per instance id, shown next to the name. */
  readonly openCounts?: ReadonlyMap<string, number>;
}

/** One row object per instance for the flat list, reused across filters. */
const flatRows = new WeakMap<Instance, ListRow>();
function flatRow(instance: Instance): ListRow {
  let row = flatRows.get(instance);
  if (!row) flatRows.set(instance, (row = { kind: 'instance', depth: 0, instance }));
  return row;
}

/** The last viewport height and tags column width seen: a list mounted again (after "no match") starts with them. */
let lastHeight = 800;
let lastTagsWidth: number | undefined;

/**
 * The scroll position and height of the list. Layout is read only in scroll and resize callbacks (after layout),
 * never while mounting, and an unchanged viewport does not re-render the table.
 */
function useViewport(ref: RefObject<HTMLDivElement | null>) {
  const [viewport, setViewport] = useState({ top: 0, height: lastHeight });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = () => {
      const top = el.scrollTop;
      const height = el.clientHeight || 800;
      lastHeight = height;
      setViewport((prev) => (prev.top === top && prev.height === height ? prev : { top, height }));
    };
    el.addEventListener('scroll', update, { passive: true });
    // The observer reports the size once when observing starts (after layout); without it, read it now.
    const observer = typeof ResizeObserver === 'function' ? new ResizeObserver(update) : undefined;
    if (observer) observer.observe(el);
    else update();
    return () => {
      el.removeEventListener('scroll', update);
      observer?.disconnect();
    };
  }, [ref]);
  return viewport;
}

/** Horizontal padding of a cell (`.grid__cell` / `.grid__colheader`: 12px each side). */
const CELL_PADDING = 24;

/**
 * The content width of a column, from its header cell: one measurement per resize for the whole table (rows
 * never measure themselves). Undefined where there is no layout (tests).
 */
function useColumnWidth(ref: RefObject<HTMLDivElement | null>): number | undefined {
  const [width, setWidth] = useState<number | undefined>(lastTagsWidth);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver !== 'function') return;
    // Called once when observing starts and on every resize, after layout (no forced layout here).
    const observer = new ResizeObserver(() => {
      const w = el.clientWidth - CELL_PADDING;
      lastTagsWidth = w > 0 ? w : undefined;
      setWidth(lastTagsWidth);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

/**
 * The instance list as an ARIA grid: one focusable row at a time (roving tabindex), arrows / Home / End /
 * PageUp / PageDown move and select, Escape clears the selection.
 */
/** Memoized: typing in the query box re-renders the view at once, the list only when its rows change. */
export const InstanceTable = memo(function InstanceTable({
  instances,
  rows: givenRows,
  sourceColumns = false,
  favourites,
  onToggleFavourite,
  onToggleGroup,
  selectedId,
  busy,
  onSelect,
  onConnect,
  openCounts,
}: InstanceTableProps) {
  const t = useT();
  const scrollRef = useRef<HTMLDivElement>(null);
  const viewport = useViewport(scrollRef);
  const items = useMemo(() => givenRows ?? instances.map(flatRow), [givenRows, instances]);
  const selectedIndex = useMemo(
    () =>
      selectedId === undefined
        ? -1
        : items.findIndex((r) => r.kind === 'instance' && r.instance.instanceId === selectedId),
    [items, selectedId],
  );
  const [activeIndex, setActiveIndex] = useState(0);
  const pendingFocus = useRef(false);
  const active = Math.min(selectedIndex >= 0 ? selectedIndex : activeIndex, Math.max(items.length - 1, 0));
  const columns = sourceColumns ? 8 : 6;

  const first = Math.max(0, Math.floor(viewport.top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(items.length, Math.ceil((viewport.top + viewport.height) / ROW_HEIGHT) + OVERSCAN);
  // The focused row stays rendered even when scrolled out of view, so focus is never lost.
  const rows: number[] = [];
  for (let i = first; i < last; i++) rows.push(i);
  if (items.length > 0 && (active < first || active >= last)) {
    if (active < first) rows.unshift(active);
    else rows.push(active);
  }

  const onRowClick = useCallback(
    (index: number, instanceId: string) => {
      setActiveIndex(index);
      onSelect(instanceId);
    },
    [onSelect],
  );
  const onGroupClick = useCallback(
    (index: number, row: GroupRow) => {
      setActiveIndex(index);
      if (selectedId !== undefined) onSelect(undefined);
      onToggleGroup?.(row);
    },
    [selectedId, onSelect, onToggleGroup],
  );
  const tagsHeaderRef = useRef<HTMLDivElement>(null);
  const tagsWidth = useColumnWidth(tagsHeaderRef);

  const moveTo = useCallback(
    (index: number) => {
      const target = items[index];
      if (!target) return;
      setActiveIndex(index);
      // A group row holds the keyboard focus itself; the details close until an instance is chosen again.
      onSelect(target.kind === 'instance' ? target.instance.instanceId : undefined);
      pendingFocus.current = true;
      const el = scrollRef.current;
      if (el) {
        const header = ROW_HEIGHT;
        const top = index * ROW_HEIGHT;
        if (top < el.scrollTop) el.scrollTop = top;
        else if (top + ROW_HEIGHT + header > el.scrollTop + el.clientHeight)
          el.scrollTop = top + ROW_HEIGHT + header - el.clientHeight;
      }
    },
    [items, onSelect],
  );

  useEffect(() => {
    if (!pendingFocus.current) return;
    pendingFocus.current = false;
    scrollRef.current?.querySelector<HTMLElement>(`[data-index="${active}"]`)?.focus({ preventScroll: true });
  });

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    const keys: Record<string, number> = {
      ArrowDown: active + 1,
      ArrowUp: active - 1,
      Home: 0,
      End: items.length - 1,
      PageDown: Math.min(items.length - 1, active + page),
      PageUp: Math.max(0, active - page),
    };
    const next = keys[event.key];
    const current = items[active];
    if (next !== undefined) {
      event.preventDefault();
      moveTo(next);
    } else if (event.key === 'Escape' && selectedId) {
      event.preventDefault();
      onSelect(undefined);
    } else if (current?.kind === 'group') {
      const toggle =
        event.key === 'Enter' ||
        event.key === ' ' ||
        (event.key === 'ArrowLeft' && current.expanded) ||
        (event.key === 'ArrowRight' && !current.expanded);
      if (toggle) {
        event.preventDefault();
        pendingFocus.current = true;
        onToggleGroup?.(current);
      }
    } else if ((event.key === 'Enter' || event.key === ' ') && current) {
      event.preventDefault();
      onSelect(current.instance.instanceId);
      if (event.key === 'Enter') onConnect?.(current.instance);
    }
  };

  const visible = rows.map((i) => [i, items[i]] as const).filter((r): r is readonly [number, ListRow] => !!r[1]);

  return (
    <div className="grid-scroll" ref={scrollRef}>
      <div
        className="grid"
        role="grid"
        aria-label={t('instances.label')}
        aria-rowcount={items.length + 1}
        aria-colcount={columns}
        aria-busy={busy || undefined}
        aria-multiselectable="false"
      >
        <div role="rowgroup" className="grid__head">
          <div role="row" className="grid__headrow" aria-rowindex={1}>
            {(sourceColumns ? [...COLUMNS, ...SOURCE_COLUMNS] : COLUMNS).map(([label, className]) => (
              <div key={className} role="columnheader" className={`grid__colheader ${className}`}>
                {t(label)}
              </div>
            ))}
            <div role="columnheader" className="grid__colheader col-tags" ref={tagsHeaderRef}>
              {t('column.tags')}
            </div>
          </div>
        </div>
        {/* Rows are placed absolutely at index x ROW_HEIGHT in a body as tall as the whole list: each row is laid
            out and painted on its own (contain: strict), so a keystroke that changes a row touches that row only. */}
        <div role="rowgroup" className="grid__body" style={{ height: items.length * ROW_HEIGHT }} onKeyDown={onKeyDown}>
          {visible.map(([index, row]) => {
            const last = index === items.length - 1;
            if (row.kind === 'group') {
              return (
                <GroupHeader
                  key={`g:${row.path}`}
                  row={row}
                  index={index}
                  last={last}
                  columns={columns}
                  tabIndex={index === active ? 0 : -1}
                  onToggle={onGroupClick}
                />
              );
            }
            const { instance, depth } = row;
            return (
              // Keyed by position: a new filter updates the rows on screen in place instead of replacing them.
              <InstanceRowView
                key={`r:${index}`}
                instance={instance}
                index={index}
                last={last}
                depth={depth}
                selected={instance.instanceId === selectedId}
                focusable={index === active}
                favourite={favourites?.has(instance.instanceId) ?? false}
                openCount={openCounts?.get(instance.instanceId) ?? 0}
                sourceColumns={sourceColumns}
                tagsWidth={tagsWidth}
                onRowClick={onRowClick}
                {...(onConnect ? { onConnect } : {})}
                {...(onToggleFavourite ? { onToggleFavourite } : {})}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
});

interface InstanceRowProps {
  readonly instance: Instance;
  readonly index: number;
  /** The last row of the list (no rule under it). */
  readonly last: boolean;
  readonly depth: number;
  readonly selected: boolean;
  /** The row holding the roving tabindex. */
  readonly focusable: boolean;
  readonly favourite: boolean;
  readonly openCount: number;
  readonly sourceColumns: boolean;
  readonly tagsWidth: number | undefined;
  onRowClick(index: number, instanceId: string): void;
  onConnect?(instance: Instance): void;
  onToggleFavourite?(instance: Instance): void;
}

/** One instance row; memoized with plain props so a keystroke re-renders only rows whose content changed. */
const InstanceRowView = memo(function InstanceRowView({
  instance,
  index,
  last,
  depth,
  selected,
  focusable,
  favourite,
  openCount,
  sourceColumns,
  tagsWidth,
  onRowClick,
  onConnect,
  onToggleFavourite,
}: InstanceRowProps) {
  const t = useT();
  const label = instance.name ?? instance.instanceId;
  return (
    <div
      role="row"
      className="grid__row"
      style={{ top: index * ROW_HEIGHT }}
      data-index={index}
      data-depth={depth || undefined}
      data-last={last || undefined}
      aria-rowindex={index + 2}
      aria-selected={selected}
      tabIndex={focusable ? 0 : -1}
      onClick={() => onRowClick(index, instance.instanceId)}
      onDoubleClick={() => onConnect?.(instance)}
    >
      <div
        role="gridcell"
        className="grid__cell col-name cell-name"
        style={depth ? { paddingInlineStart: CELL_PADDING / 2 + depth * 16 } : undefined}
      >
        {onToggleFavourite && (
          <button
            type="button"
            className={favourite ? 'star star--on' : 'star'}
            aria-pressed={favourite}
            aria-label={t(favourite ? 'fleet.favourite.remove' : 'fleet.favourite.add', { name: label })}
            title={t(favourite ? 'fleet.favourite.remove' : 'fleet.favourite.add', { name: label })}
            tabIndex={-1}
            onClick={(e) => {
              e.stopPropagation();
              onToggleFavourite(instance);
            }}
            onDoubleClick={(e) => e.stopPropagation()}
          >
            <StarIcon filled={favourite} />
          </button>
        )}
        <span className={instance.name ? 'name' : 'name name--none'} title={instance.name}>
          {instance.name ?? t('instances.unnamed')}
        </span>
        {openCount > 0 && <OpenSessions count={openCount} />}
        {instance.hybrid && (
          <span className="pill" title={t('instances.hybridTitle')}>
            {t('instances.hybrid')}
          </span>
        )}
      </div>
      <div role="gridcell" className="grid__cell col-id mono">
        {instance.instanceId}
      </div>
      <div role="gridcell" className="grid__cell col-status">
        <StatusBadge status={instance.pingStatus} />
      </div>
      <div role="gridcell" className="grid__cell col-platform cell-platform">
        <PlatformIcon platform={instance.platform} drawn="css" />
        <span className="platform-name" title={instance.platformName}>
          {instance.platformName ?? t(`platform.${instance.platform}`)}
        </span>
        {instance.platformVersion && <span className="muted">{instance.platformVersion}</span>}
      </div>
      <div role="gridcell" className="grid__cell col-ip mono">
        {instance.privateIp ?? <span className="muted">—</span>}
      </div>
      {sourceColumns && (
        <div role="gridcell" className="grid__cell col-account mono" title={instance.profile}>
          {instance.accountId ?? <span className="muted">—</span>}
        </div>
      )}
      {sourceColumns && (
        <div role="gridcell" className="grid__cell col-region mono">
          {instance.region}
        </div>
      )}
      <div role="gridcell" className="grid__cell col-tags cell-tags">
        <TagChips tags={instance.tags} width={tagsWidth} />
      </div>
    </div>
  );
});

/** A node of the group-by tree: `Environment: prod (6)`, collapsible. */
const GroupHeader = memo(function GroupHeader({
  row,
  index,
  last,
  columns,
  tabIndex,
  onToggle,
}: {
  row: GroupRow;
  index: number;
  last: boolean;
  columns: number;
  tabIndex: number;
  onToggle(index: number, row: GroupRow): void;
}) {
  const t = useT();
  const value = row.value ?? t('fleet.group.missing', { key: row.key });
  return (
    <div
      role="row"
      className="grid__row grid__group"
      style={{ top: index * ROW_HEIGHT }}
      data-index={index}
      data-depth={row.depth || undefined}
      data-last={last || undefined}
      aria-rowindex={index + 2}
      aria-level={row.depth + 1}
      aria-expanded={row.expanded}
      tabIndex={tabIndex}
      onClick={() => onToggle(index, row)}
    >
      <div role="gridcell" className="grid__cell" aria-colspan={columns}>
        <span className="group-cell" style={{ paddingInlineStart: row.depth * 16 }}>
          <span className={row.expanded ? 'chevron chevron--open' : 'chevron'} aria-hidden="true">
            ▸
          </span>
          <span className="group-cell__label">{t('fleet.group.node', { key: row.key, value })}</span>
          <span className="group-cell__count">{row.count}</span>
        </span>
      </div>
    </div>
  );
});

function StarIcon({ filled }: { filled: boolean }) {
  return (
    <svg width="14" height="14" viewBox="0 0 24 24" aria-hidden="true" fill={filled ? 'currentColor' : 'none'}>
      <path
        d="m12 3 2.7 5.6 6.1.9-4.4 4.3 1 6.1L12 17l-5.4 2.9 1-6.1-4.4-4.3 6.1-.9z"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinejoin="round"
      />
    </svg>
  );
}

/** The instance has open terminal sessions in this app. */
function OpenSessions({ count }: { count: number }) {
  const t = useT();
  const label = count === 1 ? t('connect.openCount.one') : t('connect.openCount.other', { count });
  return (
    <span className="open-sessions" title={label} aria-label={label} data-count={count}>
      <svg
        width="12"
        height="12"
        viewBox="0 0 24 24"
        aria-hidden="true"
        fill="none"
        stroke="currentColor"
        strokeWidth="2.2"
      >
        <path d="m5 8 4 4-4 4M12 17h7" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      {count > 1 && <span>{count}</span>}
    </span>
  );
}
