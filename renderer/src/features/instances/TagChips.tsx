import type { Tag } from '../../../../shared/model/instance';
import { useT } from '../../app/i18n';

/** Tags shown in the list: the Name tag is already the row's title. */
export function visibleTags(tags: readonly Tag[]): Tag[] {
  return tags.filter((tag) => tag.key !== 'Name');
}

export function TagChip({ tag }: { tag: Tag }) {
  return (
    <span className="chip" title={`${tag.key}=${tag.value}`}>
      <span className="chip__key">{tag.key}</span>
      {tag.value !== '' && <span className="chip__value">{tag.value}</span>}
    </span>
  );
}

/** Up to `max` chips, then a "+N" chip whose tooltip and accessible name list the rest. */
export function TagChips({ tags, max = 3 }: { tags: readonly Tag[]; max?: number }) {
  const t = useT();
  const shown = visibleTags(tags);
  if (shown.length === 0) return <span className="muted">—</span>;
  const head = shown.slice(0, max);
  const rest = shown.slice(max);
  const restText = rest.map((tag) => `${tag.key}=${tag.value}`).join(', ');
  return (
    <span className="chips">
      {head.map((tag) => (
        <TagChip key={tag.key} tag={tag} />
      ))}
      {rest.length > 0 && (
        <span
          className="chip chip--more"
          title={restText}
          aria-label={t('tags.moreLabel', { count: rest.length, tags: restText })}
        >
          {t('tags.more', { count: rest.length })}
        </span>
      )}
    </span>
  );
}
