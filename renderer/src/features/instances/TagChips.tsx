import { useLayoutEffect, useRef, useState } from 'react';
import type { Tag } from '../../../../shared/model/instance';
import { useT } from '../../app/i18n';

/** Tags shown in the list: the Name tag is already the row's title. */
export function visibleTags(tags: readonly Tag[]): Tag[] {
  return tags.filter((tag) => tag.key !== 'Name');
}

const tagText = (tag: Tag) => `${tag.key}=${tag.value}`;

export function TagChip({ tag, hidden }: { tag: Tag; hidden?: boolean }) {
  return (
    <span className={hidden ? 'chip chip--hidden' : 'chip'} title={tagText(tag)} aria-hidden={hidden || undefined}>
      <span className="chip__key">{tag.key}</span>
      {tag.value !== '' && <span className="chip__value">{tag.value}</span>}
    </span>
  );
}

/** Room kept for the "+N" chip (and its gap) when not every chip fits. */
const MORE_CHIP_WIDTH = 32;
const GAP = 5;

/**
 * Up to `max` chips on one line, each shown whole or not at all (measured after layout), then a "+N" chip
 * whose tooltip and accessible name list the tags not shown.
 */
export function TagChips({ tags, max = 4 }: { tags: readonly Tag[]; max?: number }) {
  const t = useT();
  const shown = visibleTags(tags);
  const head = shown.slice(0, max);
  const listRef = useRef<HTMLSpanElement>(null);
  // How many of `head` fit, and where the "+N" chip goes; without layout (tests, first paint) all are shown.
  const [fit, setFit] = useState({ count: head.length, moreLeft: -1 });

  const key = shown.map(tagText).join('\n');
  useLayoutEffect(() => {
    const list = listRef.current;
    if (!list || typeof ResizeObserver !== 'function') return;
    const measure = () => {
      const chips = Array.from(list.children) as HTMLElement[];
      const width = list.clientWidth;
      const rights = chips.map((c) => c.offsetLeft + c.offsetWidth);
      const overflow = shown.length > chips.length;
      let count = chips.length;
      if (overflow || (rights.at(-1) ?? 0) > width) {
        count = rights.filter((right) => right <= width - MORE_CHIP_WIDTH).length;
      }
      const moreLeft = count > 0 ? (rights[count - 1] ?? 0) + GAP : 0;
      setFit((prev) => (prev.count === count && prev.moreLeft === moreLeft ? prev : { count, moreLeft }));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(list);
    return () => observer.disconnect();
    // `key` stands for the tag list's content.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  if (shown.length === 0) return <span className="muted">—</span>;
  const rest = shown.slice(Math.min(fit.count, head.length));
  const restText = rest.map(tagText).join(', ');
  return (
    <span className="chips" title={shown.map(tagText).join('\n')}>
      <span className="chips__list" ref={listRef}>
        {head.map((tag, i) => (
          <TagChip key={tag.key} tag={tag} hidden={i >= fit.count} />
        ))}
      </span>
      {rest.length > 0 && (
        <span
          className="chip chip--more"
          style={fit.moreLeft >= 0 ? { left: fit.moreLeft } : undefined}
          aria-label={t('tags.moreLabel', { count: rest.length, tags: restText })}
        >
          {t('tags.more', { count: rest.length })}
        </span>
      )}
    </span>
  );
}
