import { forwardRef } from 'react';
import { useT } from '../../app/i18n';
import { CloseIcon, SearchIcon } from '../../ui/icons';

export interface SearchBoxProps {
  readonly value: string;
  onChange(value: string): void;
  /** ArrowDown from the box moves into the list. */
  onEnterList(): void;
}

export const SearchBox = forwardRef<HTMLInputElement, SearchBoxProps>(function SearchBox(
  { value, onChange, onEnterList },
  ref,
) {
  const t = useT();
  return (
    <div className="search">
      <SearchIcon className="search__icon" />
      <input
        ref={ref}
        type="search"
        className="search__input"
        aria-label={t('search.label')}
        placeholder={t('search.placeholder')}
        value={value}
        spellCheck={false}
        autoComplete="off"
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && value) {
            e.preventDefault();
            onChange('');
          } else if (e.key === 'ArrowDown') {
            e.preventDefault();
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
          onClick={() => onChange('')}
        >
          <CloseIcon size={14} />
        </button>
      )}
    </div>
  );
});
