import { useT } from '../../app/i18n';
import { CloseIcon } from '../../ui/icons';

export interface GroupByControlProps {
  /** Tag keys to offer. */
  readonly keys: readonly string[];
  /** Chosen keys, outermost first. */
  readonly value: readonly string[];
  onChange(keys: readonly string[]): void;
}

export const GROUP_BY_SELECT_ID = 'group-by-select';

/** Group by one or more tag keys: a picker that adds a level, and the chosen levels as removable chips. */
export function GroupByControl({ keys, value, onChange }: GroupByControlProps) {
  const t = useT();
  const offered = keys.filter((k) => !value.includes(k));
  return (
    <div className="group-by">
      <label htmlFor={GROUP_BY_SELECT_ID} className="field__label">
        {t('fleet.group.label')}
      </label>
      {value.map((key) => (
        <span className="group-by__chip" key={key}>
          {key}
          <button
            type="button"
            aria-label={t('fleet.group.remove', { key })}
            title={t('fleet.group.remove', { key })}
            onClick={() => onChange(value.filter((k) => k !== key))}
          >
            <CloseIcon size={12} />
          </button>
        </span>
      ))}
      {value.length < 4 && (
        <select
          id={GROUP_BY_SELECT_ID}
          className="field__select group-by__select"
          value=""
          onChange={(e) => {
            if (e.target.value) onChange([...value, e.target.value]);
          }}
        >
          <option value="">{value.length === 0 ? t('fleet.group.none') : t('fleet.group.add')}</option>
          {offered.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      )}
    </div>
  );
}
