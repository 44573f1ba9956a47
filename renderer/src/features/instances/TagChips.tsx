import { memo } from 'react';
import type { Tag } from '../../../../shared/model/instance';
import { useT } from '../../app/i18n';
import { canvasTextWidth, fitChips, type TextWidth } from './chipFit';

/** Tags shown in the list: the Name tag is already the row's title. */
export function visibleTags(tags: readonly Tag[]): Tag[] {
  return tags.filter((tag) => tag.key !== 'Name');
}

const tagText = (tag: Tag) => `${tag.key}=${tag.value}`;

export function TagChip({ tag }: { tag: Tag }) {
  return (
    <span className={tag.value === '' ? 'chip chip--key-only' : 'chip'} title={tagText(tag)}>
      <span className="chip__key">{tag.key}</span>
      {tag.value !== '' && <span className="chip__value">{tag.value}</span>}
    </span>
  );
}

/**
 * Up to `max` chips on one line, each shown whole or not at all, then a "+N" chip whose tooltip and accessible
 * name list the tags not shown. `width` is the room in px (the tags column, measured once by the table, not per
 * row); the chips' widths come from cached text widths, so the chips that do not fit are never rendered. Without
 * a width (tests, first paint) all are shown.
 */
export const TagChips = memo(function TagChips({
  tags,
  max = 4,
  width,
  textWidth = canvasTextWidth,
}: {
  tags: readonly Tag[];
  max?: number;
  width?: number | undefined;
  textWidth?: TextWidth;
}) {
  const t = useT();
  const shown = visibleTags(tags);
  const head = shown.slice(0, max);
  const count = width === undefined ? head.length : fitChips(head, shown.length, width, textWidth);

  if (shown.length === 0) return <span className="muted">—</span>;
  const rest = shown.slice(count);
  const restText = rest.map(tagText).join(', ');
  return (
    <span className="chips" title={shown.map(tagText).join('\n')}>
      {head.slice(0, count).map((tag) => (
        <TagChip key={tag.key} tag={tag} />
      ))}
      {rest.length > 0 && (
        <span className="chip chip--more" aria-label={t('tags.moreLabel', { count: rest.length, tags: restText })}>
          {t('tags.more', { count: rest.length })}
        </span>
      )}
    </span>
  );
});
