import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode, type RefObject } from 'react';
import type { Instance } from '../../../../shared/model/instance';
import { prepareInstances, selectInstances, TagIndex } from '../../../../shared/query';
import { useLocale, useT } from '../../app/i18n';
import { useApp } from '../../state/context';
import { REFRESH_CHOICES } from '../../state/prefs';
import { openCounts } from '../../state/sessions';
import { useSessions, useTerminals } from '../../state/sessionsContext';
import type { ListFilter } from '../../state/store';
import { Button } from '../../ui/Button';
import { StarOutline } from '../fleet/icons';
import { FacetSidebar } from '../fleet/FacetSidebar';
import { GroupByControl } from '../fleet/GroupByControl';
import { groupPlan, planRows, type GroupRow, type ListRow } from '../fleet/grouping';
import { QueryBox } from '../fleet/QueryBox';
import { offersSignIn, SourceBanner } from '../fleet/SourceBanner';
import { SourcesPicker } from '../fleet/SourcesPicker';
import '../fleet/fleet.css';
import { targetOf } from '../terminal/TerminalsView';
import { InstanceDetails } from './InstanceDetails';
import { EmptyState, ErrorState, LoadingState, NoMatchState, NoProfilesState } from './InstanceStates';
import { InstanceTable } from './InstanceTable';
import { useDiagnose } from '../doctor/tools';
import { AuditNotice } from '../audit/AuditNotice';

export const REGION_SELECT_ID = 'region-select';
/** Windows at least this wide show the tag sidebar by default. */
const WIDE_WINDOW = 1400;

interface Filtered {
  readonly shown: readonly Instance[];
  /** 1 for each shown position of the list (undefined: all shown), for the group tree. */
  readonly mask: Uint8Array | undefined;
}

/** The instances the query selects (a keystroke compiles the query once and reads the list's prepared rows). */
function useQueryFilter(instances: readonly Instance[], query: string): Filtered {
  return useMemo(
    () => (query.trim() === '' ? { shown: instances, mask: undefined } : selectInstances(instances, query)),
    [instances, query],
  );
}

/**
 * The fleet browser: sources, query box with completion, tag facets, grouping, favourites and recents, and the
 * list with its loading / empty / error states and the details of the selection.
 */
export function InstancesView({ searchRef }: { searchRef?: RefObject<HTMLInputElement | null> }) {
  const t = useT();
  const diagnose = useDiagnose();
  const locale = useLocale();
  const profilesStatus = useApp((s) => s.profilesStatus);
  const profilesError = useApp((s) => s.profilesError);
  const profileCount = useApp((s) => s.profiles.length);
  const profile = useApp((s) => s.profile);
  const region = useApp((s) => s.region);
  const selectedProfiles = useApp((s) => s.selectedProfiles);
  const selectedRegions = useApp((s) => s.selectedRegions);
  const status = useApp((s) => s.inventoryStatus);
  const refreshing = useApp((s) => s.refreshing);
  const instances = useApp((s) => s.instances);
  const sources = useApp((s) => s.sources);
  const error = useApp((s) => s.inventoryError);
  const query = useApp((s) => s.query);
  const selectedId = useApp((s) => s.selectedId);
  const favouriteIds = useApp((s) => s.favourites);
  const recentIds = useApp((s) => s.recents);
  const listFilter = useApp((s) => s.listFilter);
  const groupBy = useApp((s) => s.groupBy);
  const refreshMinutes = useApp((s) => s.refreshMinutes);
  const fetchedAt = useApp((s) => s.fetchedAt);
  const setQuery = useApp((s) => s.setQuery);
  const select = useApp((s) => s.select);
  const retry = useApp((s) => s.retry);
  const refresh = useApp((s) => s.refresh);
  const toggleFavourite = useApp((s) => s.toggleFavourite);
  const noteRecent = useApp((s) => s.noteRecent);
  const setListFilter = useApp((s) => s.setListFilter);
  const setGroupBy = useApp((s) => s.setGroupBy);
  const showFacetsChoice = useApp((s) => s.showFacets);
  const setShowFacets = useApp((s) => s.setShowFacets);
  // Until the user chooses, the sidebar shows when the window has room for it beside the columns.
  const showFacets = showFacetsChoice ?? (typeof window !== 'undefined' && window.innerWidth >= WIDE_WINDOW);
  const setRefreshMinutes = useApp((s) => s.setRefreshMinutes);
  const ssoSignIn = useApp((s) => s.ssoSignIn);
  const ownSearchRef = useRef<HTMLInputElement>(null);
  const inputRef = searchRef ?? ownSearchRef;
  const listRef = useRef<HTMLDivElement>(null);
  const terminals = useTerminals();
  const tabs = useSessions((s) => s.tabs);
  const counts = useMemo(() => (tabs ? openCounts(tabs) : undefined), [tabs]);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());

  // Auto refresh at the chosen interval (never while a listing runs).
  useEffect(() => {
    if (refreshMinutes <= 0) return;
    const timer = setInterval(() => void refresh(), refreshMinutes * 60_000);
    return () => clearInterval(timer);
  }, [refreshMinutes, refresh]);

  const connect = useMemo(
    () =>
      terminals && profile && region
        ? (instance: Instance) => {
            noteRecent(instance.instanceId);
            void terminals.store.getState().open(targetOf(instance, instance.profile ?? profile, instance.region));
          }
        : undefined,
    [terminals, profile, region, noteRecent],
  );

  const index = useMemo(() => {
    // The list's search text is normalized once when it arrives, not by the first keystroke.
    prepareInstances(instances);
    return TagIndex.of(instances);
  }, [instances]);
  const favourites = useMemo(() => new Set(favouriteIds), [favouriteIds]);
  const listed = useMemo(() => {
    if (listFilter === 'favourites') return instances.filter((i) => favourites.has(i.instanceId));
    if (listFilter === 'recents') {
      const byId = new Map(instances.map((i) => [i.instanceId, i]));
      return recentIds.map((id) => byId.get(id)).filter((i): i is Instance => i !== undefined);
    }
    return instances;
  }, [instances, listFilter, favourites, recentIds]);
  // Filtered in the same render as the keystroke (not deferred): the typed character and the list it selects appear
  // in one frame. A keystroke costs a few ms at 10,000 instances (npm run bench -- fleet).
  const { shown, mask } = useQueryFilter(listed, query);
  // The group tree is built once per (list, keys); a keystroke only walks it for the filtered rows.
  const plan = useMemo(() => (groupBy.length > 0 ? groupPlan(listed, groupBy) : undefined), [listed, groupBy]);
  const rows = useMemo(() => (plan ? planRows(plan, mask, collapsed) : undefined), [plan, mask, collapsed]);
  // The last non-empty result (see the "no match" state below): derived state, updated during render.
  const [kept, setKept] = useState<{ shown: readonly Instance[]; rows: readonly ListRow[] | undefined }>({
    shown,
    rows,
  });
  if (shown.length > 0 && (kept.shown !== shown || kept.rows !== rows)) setKept({ shown, rows });
  const selected = useMemo(() => instances.find((i) => i.instanceId === selectedId), [instances, selectedId]);
  const context = { profile: profile ?? '', region: region ?? '' };
  const sourceColumns = selectedProfiles.length > 1 || selectedRegions.length > 1;
  const tagKeys = useMemo(() => index.keys().map((k) => k.key), [index]);

  const onToggleFavourite = useCallback((i: Instance) => toggleFavourite(i.instanceId), [toggleFavourite]);
  const onToggleGroup = useCallback((row: GroupRow) => {
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (next.has(row.path)) next.delete(row.path);
      else next.add(row.path);
      return next;
    });
  }, []);

  const filtered = query.trim() !== '' || listFilter !== 'all';
  const countText =
    status !== 'ready'
      ? ''
      : !filtered
        ? instances.length === 1
          ? t('instances.count.one')
          : t('instances.count.other', { count: instances.length })
        : t('instances.filtered', { shown: shown.length, total: instances.length });

  const loadingCount = sources.filter((s) => s.state === 'loading').length;
  const progress =
    loadingCount > 0 && sources.length > 1
      ? t('fleet.sources.loading', { done: sources.length - loadingCount, total: sources.length })
      : refreshing && fetchedAt
        ? t('fleet.sources.cached', { time: new Date(fetchedAt).toLocaleTimeString(locale) })
        : '';

  let body: ReactNode;
  if (profilesStatus === 'loading') {
    body = <LoadingState label="app.loadingProfiles" />;
  } else if (profilesStatus === 'failed' && profilesError) {
    body = <ErrorState title="failure.profiles" error={profilesError} context={context} onRetry={() => void retry()} />;
  } else if (profileCount === 0) {
    body = <NoProfilesState onRetry={() => void retry()} />;
  } else if (status === 'failed' && error) {
    const signInProfile = offersSignIn(error) ? (error.params?.profile ?? profile) : undefined;
    body = (
      <ErrorState
        title="failure.instances"
        error={error}
        context={context}
        onRetry={() => void retry()}
        {...(signInProfile
          ? {
              action: (
                <Button variant="primary" onClick={() => void ssoSignIn(signInProfile)}>
                  {t('fleet.source.signIn')}
                </Button>
              ),
            }
          : {})}
      />
    );
  } else if (status === 'loading' || status === 'idle') {
    body = <LoadingState />;
  } else if (instances.length === 0) {
    body = (
      <EmptyState
        profile={selectedProfiles.join(', ')}
        region={selectedRegions.join(', ')}
        onChooseRegion={() => document.getElementById(REGION_SELECT_ID)?.focus()}
      />
    );
  } else if (listed.length === 0 && listFilter !== 'all') {
    body = (
      <div className="state">
        <div className="state__icon" aria-hidden="true">
          <StarOutline size={28} />
        </div>
        <div className="state__body">
          <p className="state__text">
            {t(listFilter === 'favourites' ? 'fleet.list.noFavourites' : 'fleet.list.noRecents')}
          </p>
        </div>
      </div>
    );
  } else {
    const noMatch = shown.length === 0;
    // While nothing matches, the last rows stay mounted (hidden, inert) under the "no match" state, so the next
    // keystroke that matches again updates them in place instead of building the table anew.
    const table = noMatch ? kept : { shown, rows };
    body = (
      <>
        <div className={noMatch ? 'list-pane list-pane--hidden' : 'list-pane'} inert={noMatch} aria-hidden={noMatch}>
          {table.shown.length > 0 && (
            <InstanceTable
              instances={table.shown}
              {...(table.rows ? { rows: table.rows } : {})}
              sourceColumns={sourceColumns}
              favourites={favourites}
              onToggleFavourite={onToggleFavourite}
              onToggleGroup={onToggleGroup}
              selectedId={selectedId}
              busy={refreshing}
              onSelect={select}
              {...(connect ? { onConnect: connect } : {})}
              {...(counts ? { openCounts: counts } : {})}
            />
          )}
        </div>
        {noMatch && (
          <div className="list-pane__state">
            <NoMatchState
              query={query.trim()}
              onClear={() => {
                setQuery('');
                inputRef.current?.focus();
              }}
            />
          </div>
        )}
      </>
    );
  }

  const filters: ListFilter[] = ['all', 'favourites', 'recents'];
  const filterLabel = {
    all: 'fleet.list.all',
    favourites: 'fleet.list.favourites',
    recents: 'fleet.list.recents',
  } as const;

  return (
    <section className="instances" aria-label={t('instances.label')}>
      <div className="toolbar">
        <SourcesPicker />
        <QueryBox
          ref={inputRef}
          value={query}
          onChange={setQuery}
          index={index}
          onEnterList={() => listRef.current?.querySelector<HTMLElement>('[role="row"][tabindex="0"]')?.focus()}
        />
        <p className="toolbar__count" role="status" aria-live="polite">
          {countText}
        </p>
      </div>
      <div className="subbar">
        <button
          type="button"
          className="btn btn--secondary btn--small"
          aria-pressed={showFacets}
          onClick={() => setShowFacets(!showFacets)}
        >
          {t('fleet.facets.label')}
        </button>
        <div className="segmented" role="radiogroup" aria-label={t('fleet.list.filter')}>
          {filters.map((f) => (
            <button
              key={f}
              type="button"
              role="radio"
              aria-checked={listFilter === f}
              className="segmented__item"
              onClick={() => setListFilter(f)}
            >
              {t(filterLabel[f])}
            </button>
          ))}
        </div>
        <GroupByControl keys={tagKeys} value={groupBy} onChange={setGroupBy} />
        <span className="subbar__spacer" />
        {progress && (
          <span className="subbar__progress" aria-live="polite">
            {progress}
          </span>
        )}
        <label className="field__label" htmlFor="refresh-interval">
          {t('fleet.refresh.label')}
        </label>
        <select
          id="refresh-interval"
          className="field__select"
          value={String(refreshMinutes)}
          onChange={(e) => setRefreshMinutes(Number(e.target.value))}
        >
          {REFRESH_CHOICES.map((m) => (
            <option key={m} value={m}>
              {m === 0 ? t('fleet.refresh.off') : t('fleet.refresh.minutes', { count: m })}
            </option>
          ))}
        </select>
      </div>
      <SourceBanner />
      <div className="instances__body">
        {showFacets && status === 'ready' && instances.length > 0 && (
          <FacetSidebar index={index} query={query} onQueryChange={setQuery} />
        )}
        {/* data-query: the query the list on screen was filtered by. */}
        <div className="instances__list" ref={listRef} data-query={query}>
          {body}
        </div>
        {selected && status === 'ready' && (
          <InstanceDetails
            instance={selected}
            onClose={() => select(undefined)}
            actions={
              connect && terminals && profile ? (
                <>
                  <Button variant="primary" onClick={() => connect(selected)}>
                    {t('connect.button')}
                  </Button>
                  {diagnose && (
                    <Button
                      onClick={() =>
                        diagnose({
                          profile: selected.profile ?? profile,
                          region: selected.region,
                          target: selected.instanceId,
                          name: selected.name ?? selected.instanceId,
                        })
                      }
                    >
                      {t('diagnose.button')}
                    </Button>
                  )}
                  <Button
                    onClick={() => {
                      noteRecent(selected.instanceId);
                      terminals.store
                        .getState()
                        .openPicker(targetOf(selected, selected.profile ?? profile, selected.region));
                    }}
                  >
                    {t('connect.with')}
                  </Button>
                  <AuditNotice profile={selected.profile ?? profile} region={selected.region} />
                </>
              ) : undefined
            }
          />
        )}
      </div>
    </section>
  );
}
