import { useId, useMemo, useState } from 'react';
import type { TagIndex } from '../../../../shared/query';
import { useT } from '../../app/i18n';
import { selectedTagValues, toggleTagValue } from './queryEdit';

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
          query={query}
          onQueryChange={onQueryChange}
        />
      ))}
    </nav>
  );
}

function FacetKey({
  tagKey,
  count,
  index,
  query,
  onQueryChange,
}: {
  tagKey: string;
  count: number;
  index: TagIndex;
  query: string;
  onQueryChange(query: string): void;
}) {
  const t = useT();
  const labelId = useId();
  const [expanded, setExpanded] = useState(false);
  const values = useMemo(() => index.values(tagKey), [index, tagKey]);
  const selected = useMemo(() => new Set(selectedTagValues(query, tagKey)), [query, tagKey]);
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
              onClick={() => onQueryChange(toggleTagValue(query, tagKey, v.value))}
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
}
