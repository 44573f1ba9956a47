import { forwardRef, useEffect, useId, useImperativeHandle, useMemo, useRef, useState } from 'react';
import { describeQueryError, parseQuery, suggest, type Suggestion, type TagIndex } from '../../../../shared/query';
import { useLocale, useT } from '../../app/i18n';
import { CloseIcon, SearchIcon } from '../../ui/icons';

export interface QueryBoxProps {
  readonly value: string;
  onChange(value: string): void;
  /** Tag keys and values for completion. */
  readonly index: TagIndex;
  /** ArrowDown (or Enter) from the box moves into the list. */
  onEnterList(): void;
}

const LIMIT = 12;

/**
 * The query box: the documented query language (shared/query) with completion at the cursor, and the first
 * error underlined in place with its sentence below. Keyboard: ArrowDown/Up choose a suggestion, Tab or Enter
 * applies it, Escape closes the list (a second Escape clears the query); without suggestions ArrowDown and
 * Enter move into the list.
 */
export const QueryBox = forwardRef<HTMLInputElement, QueryBoxProps>(function QueryBox(
  { value, onChange, index, onEnterList },
  ref,
) {
  const t = useT();
  const locale = useLocale();
  const inputRef = useRef<HTMLInputElement>(null);
  const mirrorRef = useRef<HTMLDivElement>(null);
  useImperativeHandle(ref, () => inputRef.current!, []);
  const listId = useId();
  const messageId = useId();
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [cursor, setCursor] = useState(0);
  const pendingCursor = useRef<number | undefined>(undefined);

  const error = useMemo(() => parseQuery(value).errors[0], [value]);
  const suggestions = useMemo(
    () => (open ? suggest(value, cursor, index, { limit: LIMIT }) : undefined),
    [open, value, cursor, index],
  );
  const items = suggestions?.items ?? [];
  const showList = open && items.length > 0;

  useEffect(() => {
    const at = pendingCursor.current;
    if (at === undefined) return;
    pendingCursor.current = undefined;
    inputRef.current?.setSelectionRange(at, at);
  });

  const apply = (item: Suggestion) => {
    if (!suggestions) return;
    const head = value.slice(0, suggestions.from) + item.insert;
    const tail = value.slice(suggestions.to);
    // A complete term gets a space after it; a key or field (ending in = or :) waits for its value.
    const openEnded = /[=:,]$/.test(item.insert);
    const next = openEnded || /^\s/.test(tail) ? head + tail : `${head} ${tail.replace(/^\s+/, '')}`;
    const at = openEnded ? head.length : head.length + 1;
    onChange(openEnded ? next : next.replace(/\s+$/, ' '));
    pendingCursor.current = Math.min(at, next.length);
    setCursor(Math.min(at, next.length));
    setActive(-1);
    setOpen(openEnded);
  };

  const mark = error && error.end > error.start ? error : undefined;

  return (
    <div className="query-wrap">
      <div className="search query">
        <SearchIcon className="search__icon" />
        {mark && (
          <div className="query__mirror" ref={mirrorRef} aria-hidden="true">
            {value.slice(0, mark.start)}
            <span className="query__error">{value.slice(mark.start, mark.end)}</span>
            {value.slice(mark.end)}
          </div>
        )}
        <input
          ref={inputRef}
          type="search"
          className="search__input query__input"
          aria-label={t('search.label')}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? messageId : undefined}
          aria-autocomplete="list"
          aria-controls={showList ? listId : undefined}
          aria-expanded={showList}
          aria-activedescendant={showList && active >= 0 ? `${listId}-${active}` : undefined}
          placeholder={t('fleet.query.placeholder')}
          title={t('fleet.query.help')}
          value={value}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => {
            onChange(e.target.value);
            setCursor(e.target.selectionStart ?? e.target.value.length);
            setActive(-1);
            setOpen(true);
          }}
          onSelect={(e) => setCursor(e.currentTarget.selectionStart ?? value.length)}
          onScroll={(e) => {
            if (mirrorRef.current) mirrorRef.current.scrollLeft = e.currentTarget.scrollLeft;
          }}
          onBlur={() => setOpen(false)}
          onKeyDown={(e) => {
            if (showList && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
              e.preventDefault();
              const step = e.key === 'ArrowDown' ? 1 : -1;
              // -1 is "no suggestion chosen" (Enter then moves into the list).
              setActive((a) => {
                const next = a + step;
                return next >= items.length ? -1 : next < -1 ? items.length - 1 : next;
              });
              return;
            }
            if (showList && (e.key === 'Tab' || e.key === 'Enter') && (active >= 0 || e.key === 'Tab')) {
              const item = items[Math.max(active, 0)];
              if (item) {
                e.preventDefault();
                apply(item);
                return;
              }
            }
            if (e.key === 'Escape') {
              if (showList) {
                e.preventDefault();
                setOpen(false);
              } else if (value) {
                e.preventDefault();
                onChange('');
              }
              return;
            }
            if (e.key === 'ArrowDown' || e.key === 'Enter') {
              e.preventDefault();
              setOpen(false);
              onEnterList();
            }
          }}
        />
        {value && (
          <button
            type="button"
            className="search__clear"
            aria-label={t('search.clear')}
            title={t('search.clear')}
            onClick={() => {
              onChange('');
              inputRef.current?.focus();
            }}
          >
            <CloseIcon size={14} />
          </button>
        )}
        {showList && (
          <ul className="query__list" role="listbox" id={listId} aria-label={t('fleet.query.suggestions')}>
            {items.map((item, i) => (
              <li
                key={`${item.kind}:${item.insert}`}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === active}
                className="query__option"
                onMouseDown={(e) => {
                  e.preventDefault();
                  apply(item);
                }}
              >
                <span className="query__label">{item.label}</span>
                {item.kind === 'field' && <span className="query__kind">{t('fleet.query.field')}</span>}
                {item.count !== undefined && <span className="query__count">{item.count}</span>}
              </li>
            ))}
          </ul>
        )}
      </div>
      {error && (
        <p className="query__message" id={messageId} aria-live="polite">
          {describeQueryError(error, locale)}
        </p>
      )}
    </div>
  );
});
