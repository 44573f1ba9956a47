import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import type { Instance } from '../../../../shared/model/instance';
import { useT } from '../../app/i18n';
import { PlatformIcon } from './PlatformIcon';
import { StatusBadge } from './StatusBadge';
import { TagChips } from './TagChips';

/** Row height in px; must match `.grid__row` in theme.css (rows are windowed for large fleets). */
export const ROW_HEIGHT = 40;
/** Up to this many rows are all rendered; beyond it only the rows in view (plus some overscan). */
export const WINDOW_THRESHOLD = 300;
const OVERSCAN = 12;

export interface InstanceTableProps {
  readonly instances: readonly Instance[];
  readonly selectedId: string | undefined;
  readonly busy: boolean;
  onSelect(instanceId: string | undefined): void;
  /** Double-click or Enter on a row: open a session (when the app has terminals). */
  onConnect?(instance: Instance): void;
  /** Open sessions per instance id, shown next to the name. */
  readonly openCounts?: ReadonlyMap<string, number>;
}

function useViewport(ref: RefObject<HTMLDivElement | null>) {
  const [viewport, setViewport] = useState({ top: 0, height: 800 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = () => setViewport({ top: el.scrollTop, height: el.clientHeight || 800 });
    update();
    el.addEventListener('scroll', update, { passive: true });
    const observer = typeof ResizeObserver === 'function' ? new ResizeObserver(update) : undefined;
    observer?.observe(el);
    return () => {
      el.removeEventListener('scroll', update);
      observer?.disconnect();
    };
  }, [ref]);
  return viewport;
}

/**
 * The instance list as an ARIA grid: one focusable row at a time (roving tabindex), arrows / Home / End /
 * PageUp / PageDown move and select, Escape clears the selection.
 */
export function InstanceTable({ instances, selectedId, busy, onSelect, onConnect, openCounts }: InstanceTableProps) {
  const t = useT();
  const scrollRef = useRef<HTMLDivElement>(null);
  const viewport = useViewport(scrollRef);
  const selectedIndex = instances.findIndex((i) => i.instanceId === selectedId);
  const [activeIndex, setActiveIndex] = useState(0);
  const pendingFocus = useRef(false);
  const active = Math.min(selectedIndex >= 0 ? selectedIndex : activeIndex, Math.max(instances.length - 1, 0));

  const windowed = instances.length > WINDOW_THRESHOLD;
  const first = windowed ? Math.max(0, Math.floor(viewport.top / ROW_HEIGHT) - OVERSCAN) : 0;
  const last = windowed
    ? Math.min(instances.length, Math.ceil((viewport.top + viewport.height) / ROW_HEIGHT) + OVERSCAN)
    : instances.length;
  // The focused row stays rendered even when scrolled out of view, so focus is never lost.
  const rows: number[] = [];
  for (let i = first; i < last; i++) rows.push(i);
  let extraAbove = 0;
  let extraBelow = 0;
  if (windowed && instances.length > 0 && (active < first || active >= last)) {
    if (active < first) {
      rows.unshift(active);
      extraAbove = 1;
    } else {
      rows.push(active);
      extraBelow = 1;
    }
  }

  const moveTo = useCallback(
    (index: number) => {
      const target = instances[index];
      if (!target) return;
      setActiveIndex(index);
      onSelect(target.instanceId);
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
    [instances, onSelect],
  );

  useEffect(() => {
    if (!pendingFocus.current) return;
    pendingFocus.current = false;
    scrollRef.current?.querySelector<HTMLElement>(`[data-index="${active}"]`)?.focus({ preventScroll: true });
  });

  const onKeyDown = (event: KeyboardEvent<HTMLTableSectionElement>) => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    const keys: Record<string, number> = {
      ArrowDown: active + 1,
      ArrowUp: active - 1,
      Home: 0,
      End: instances.length - 1,
      PageDown: Math.min(instances.length - 1, active + page),
      PageUp: Math.max(0, active - page),
    };
    const next = keys[event.key];
    if (next !== undefined) {
      event.preventDefault();
      moveTo(next);
    } else if (event.key === 'Escape' && selectedId) {
      event.preventDefault();
      onSelect(undefined);
    } else if ((event.key === 'Enter' || event.key === ' ') && instances[active]) {
      event.preventDefault();
      onSelect(instances[active].instanceId);
      if (event.key === 'Enter') onConnect?.(instances[active]);
    }
  };

  const visible = rows.map((i) => [i, instances[i]] as const).filter((r): r is readonly [number, Instance] => !!r[1]);
  const topPad = windowed ? (first - extraAbove) * ROW_HEIGHT : 0;
  const bottomPad = windowed ? (instances.length - last - extraBelow) * ROW_HEIGHT : 0;

  return (
    <div className="grid-scroll" ref={scrollRef}>
      <table
        className="grid"
        role="grid"
        aria-label={t('instances.label')}
        aria-rowcount={instances.length + 1}
        aria-busy={busy || undefined}
        aria-multiselectable="false"
      >
        <colgroup>
          <col className="col-name" />
          <col className="col-id" />
          <col className="col-status" />
          <col className="col-platform" />
          <col className="col-ip" />
          <col className="col-tags" />
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            <th scope="col">{t('column.name')}</th>
            <th scope="col">{t('column.instanceId')}</th>
            <th scope="col">{t('column.status')}</th>
            <th scope="col">{t('column.platform')}</th>
            <th scope="col">{t('column.privateIp')}</th>
            <th scope="col">{t('column.tags')}</th>
          </tr>
        </thead>
        <tbody onKeyDown={onKeyDown}>
          {topPad > 0 && <tr aria-hidden="true" className="grid__spacer" style={{ height: topPad }} />}
          {visible.map(([index, instance]) => {
            const selected = instance.instanceId === selectedId;
            return (
              <tr
                key={instance.instanceId}
                className="grid__row"
                data-index={index}
                aria-rowindex={index + 2}
                aria-selected={selected}
                tabIndex={index === active ? 0 : -1}
                onClick={() => {
                  setActiveIndex(index);
                  onSelect(instance.instanceId);
                }}
                onDoubleClick={() => onConnect?.(instance)}
              >
                <td role="gridcell" className="cell-name">
                  <span className="name-cell">
                    <span className={instance.name ? 'name' : 'name name--none'} title={instance.name}>
                      {instance.name ?? t('instances.unnamed')}
                    </span>
                    {(openCounts?.get(instance.instanceId) ?? 0) > 0 && (
                      <OpenSessions count={openCounts?.get(instance.instanceId) ?? 0} />
                    )}
                    {instance.hybrid && (
                      <span className="pill" title={t('instances.hybridTitle')}>
                        {t('instances.hybrid')}
                      </span>
                    )}
                  </span>
                </td>
                <td role="gridcell" className="mono">
                  {instance.instanceId}
                </td>
                <td role="gridcell">
                  <StatusBadge status={instance.pingStatus} />
                </td>
                <td role="gridcell" className="cell-platform">
                  <PlatformIcon platform={instance.platform} />
                  <span className="platform-name" title={instance.platformName}>
                    {instance.platformName ?? t(`platform.${instance.platform}`)}
                  </span>
                  {instance.platformVersion && <span className="muted">{instance.platformVersion}</span>}
                </td>
                <td role="gridcell" className="mono">
                  {instance.privateIp ?? <span className="muted">—</span>}
                </td>
                <td role="gridcell" className="cell-tags">
                  <TagChips tags={instance.tags} />
                </td>
              </tr>
            );
          })}
          {bottomPad > 0 && <tr aria-hidden="true" className="grid__spacer" style={{ height: bottomPad }} />}
        </tbody>
      </table>
    </div>
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
