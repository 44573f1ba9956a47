import { memo, useCallback, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { TagIndex } from '../../../../shared/query';
import { useT } from '../../app/i18n';
import { selectedTagValuesByKey, toggleTagValue } from './queryEdit';

export interface FacetSidebarProps {
  readonly index: TagIndex;
  readonly query: string;
  onQueryChange(query: string): void;
}

/** Values shown per key before "Show more". */
const FIRST_VALUES = 6;

/**
 * Tag keys with their values and instance counts (from the tag index of the whole list). Clicking a value
 * writes `tag:Key=value` into the query (several values of a key: any of them; several keys: all of them);
 * clicking it again takes it out. The query box stays the one source of truth.
 */
export function FacetSidebar({ index, query, onQueryChange }: FacetSidebarProps) {
  const t = useT();
  // The index object is replaced whenever the list changes.
  // A key whose every value is different (Name, serial numbers) groups nothing: the list shows it already.
  const keys = useMemo(() => index.keys().filter((k) => k.count <= 1 || k.values < k.count), [index]);
  // One parse per keystroke; each key gets its selection as a string, so a keystroke re-renders only the keys
  // whose selection changed.
  const selections = useMemo(() => selectedTagValuesByKey(query), [query]);
  const queryRef = useRef(query);
  useLayoutEffect(() => {
    queryRef.current = query;
  }, [query]);
  const onToggle = useCallback(
    (key: string, value: string) => onQueryChange(toggleTagValue(queryRef.current, key, value)),
    [onQueryChange],
  );
  return (
    <nav className="facets" aria-label={t('fleet.facets.label')}>
      <h2 className="facets__title">{t('fleet.facets.label')}</h2>
      {keys.length === 0 && <p className="facets__none">{t('fleet.facets.none')}</p>}
      {keys.map((k) => (
        <FacetKey
          key={k.key}
          tagKey={k.key}
          count={k.count}
          index={index}
          selection={selections.get(k.key)?.join(SEPARATOR) ?? ''}
          onToggle={onToggle}
        />
      ))}
    </nav>
  );
}

/** Joins a key's selected values into one comparable prop (a value never holds this character). */
const SEPARATOR = '\u0000';

const FacetKey = memo(function FacetKey({
  tagKey,
  count,
  index,
  selection,
  onToggle,
}: {
  tagKey: string;
  count: number;
  index: TagIndex;
  /** The selected values, joined by SEPARATOR. */
  selection: string;
  onToggle(key: string, value: string): void;
}) {
  const t = useT();
  const labelId = useId();
  const [expanded, setExpanded] = useState(false);
  const values = useMemo(() => index.values(tagKey), [index, tagKey]);
  const selected = useMemo(() => new Set(selection === '' ? [] : selection.split(SEPARATOR)), [selection]);
  // Chosen values stay visible even when they are beyond the first few.
  const shown = expanded ? values : values.filter((v, i) => i < FIRST_VALUES || selected.has(v.value));
  return (
    <div className="facet" role="group" aria-labelledby={labelId}>
      <h3 className="facet__key">
        <span id={labelId}>{tagKey}</span>
        <span className="facet__count">{count}</span>
      </h3>
      <ul className="facet__values">
        {shown.map((v) => (
          <li key={v.value}>
            <button
              type="button"
              className="facet__value"
              aria-pressed={selected.has(v.value)}
              title={t('fleet.facets.filterBy', { key: tagKey, value: v.value })}
              onClick={() => onToggle(tagKey, v.value)}
            >
              <span className="facet__label">{v.value}</span>
              <span className="facet__count">{v.count}</span>
            </button>
          </li>
        ))}
      </ul>
      {values.length > FIRST_VALUES && (
        <button type="button" className="facet__more" onClick={() => setExpanded((e) => !e)}>
          {expanded ? t('fleet.facets.less') : t('fleet.facets.more', { count: values.length - FIRST_VALUES })}
        </button>
      )}
    </div>
  );
});
