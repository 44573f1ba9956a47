import { useDeferredValue, useMemo, useRef, type ReactNode, type RefObject } from 'react';
import type { Instance } from '../../../../shared/model/instance';
import { useT } from '../../app/i18n';
import { useApp } from '../../state/context';
import { openCounts } from '../../state/sessions';
import { useSessions, useTerminals } from '../../state/sessionsContext';
import { Button } from '../../ui/Button';
import { targetOf } from '../terminal/TerminalsView';
import { filterInstances } from './filter';
import { InstanceDetails } from './InstanceDetails';
import { EmptyState, ErrorState, LoadingState, NoMatchState, NoProfilesState } from './InstanceStates';
import { InstanceTable } from './InstanceTable';
import { SearchBox } from './SearchBox';

export const REGION_SELECT_ID = 'region-select';

/** Search, counts, and the list with its loading / empty / error states and the details of the selection. */
export function InstancesView({ searchRef }: { searchRef?: RefObject<HTMLInputElement | null> }) {
  const t = useT();
  const profilesStatus = useApp((s) => s.profilesStatus);
  const profilesError = useApp((s) => s.profilesError);
  const profileCount = useApp((s) => s.profiles.length);
  const profile = useApp((s) => s.profile);
  const region = useApp((s) => s.region);
  const status = useApp((s) => s.inventoryStatus);
  const refreshing = useApp((s) => s.refreshing);
  const instances = useApp((s) => s.instances);
  const error = useApp((s) => s.inventoryError);
  const query = useApp((s) => s.query);
  const selectedId = useApp((s) => s.selectedId);
  const setQuery = useApp((s) => s.setQuery);
  const select = useApp((s) => s.select);
  const retry = useApp((s) => s.retry);
  const ownSearchRef = useRef<HTMLInputElement>(null);
  const inputRef = searchRef ?? ownSearchRef;
  const listRef = useRef<HTMLDivElement>(null);
  const terminals = useTerminals();
  const tabs = useSessions((s) => s.tabs);
  const counts = useMemo(() => (tabs ? openCounts(tabs) : undefined), [tabs]);
  const connect =
    terminals && profile && region
      ? (instance: Instance) => void terminals.store.getState().open(targetOf(instance, profile, region))
      : undefined;

  const deferredQuery = useDeferredValue(query);
  const shown = useMemo(() => filterInstances(instances, deferredQuery), [instances, deferredQuery]);
  const selected = useMemo(() => instances.find((i) => i.instanceId === selectedId), [instances, selectedId]);
  const context = { profile: profile ?? '', region: region ?? '' };

  const countText =
    status !== 'ready'
      ? ''
      : deferredQuery.trim() === ''
        ? instances.length === 1
          ? t('instances.count.one')
          : t('instances.count.other', { count: instances.length })
        : t('instances.filtered', { shown: shown.length, total: instances.length });

  let body: ReactNode;
  if (profilesStatus === 'loading') {
    body = <LoadingState label="app.loadingProfiles" />;
  } else if (profilesStatus === 'failed' && profilesError) {
    body = <ErrorState title="failure.profiles" error={profilesError} context={context} onRetry={() => void retry()} />;
  } else if (profileCount === 0) {
    body = <NoProfilesState onRetry={() => void retry()} />;
  } else if (status === 'failed' && error) {
    body = <ErrorState title="failure.instances" error={error} context={context} onRetry={() => void retry()} />;
  } else if (status === 'loading' || status === 'idle') {
    body = <LoadingState />;
  } else if (instances.length === 0) {
    body = (
      <EmptyState
        profile={profile ?? ''}
        region={region ?? ''}
        onChooseRegion={() => document.getElementById(REGION_SELECT_ID)?.focus()}
      />
    );
  } else if (shown.length === 0) {
    body = (
      <NoMatchState
        query={deferredQuery.trim()}
        onClear={() => {
          setQuery('');
          inputRef.current?.focus();
        }}
      />
    );
  } else {
    body = (
      <InstanceTable
        instances={shown}
        selectedId={selectedId}
        busy={refreshing}
        onSelect={select}
        {...(connect ? { onConnect: connect } : {})}
        {...(counts ? { openCounts: counts } : {})}
      />
    );
  }

  return (
    <section className="instances" aria-label={t('instances.label')}>
      <div className="toolbar">
        <SearchBox
          ref={inputRef}
          value={query}
          onChange={setQuery}
          onEnterList={() => listRef.current?.querySelector<HTMLElement>('tr[tabindex="0"]')?.focus()}
        />
        <p className="toolbar__count" role="status" aria-live="polite">
          {countText}
        </p>
      </div>
      <div className="instances__body">
        <div className="instances__list" ref={listRef}>
          {body}
        </div>
        {selected && status === 'ready' && (
          <InstanceDetails
            instance={selected}
            onClose={() => select(undefined)}
            actions={
              connect && terminals && profile && region ? (
                <>
                  <Button variant="primary" onClick={() => connect(selected)}>
                    {t('connect.button')}
                  </Button>
                  <Button onClick={() => terminals.store.getState().openPicker(targetOf(selected, profile, region))}>
                    {t('connect.with')}
                  </Button>
                </>
              ) : undefined
            }
          />
        )}
      </div>
    </section>
  );
}
