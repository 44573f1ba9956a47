import type { ReactNode, SelectHTMLAttributes } from 'react';

export interface SelectProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'onChange'> {
  id: string;
  label: string;
  icon?: ReactNode;
  options: readonly { value: string; label: string }[];
  onChange(value: string): void;
}

/** A native select with a visible label (native: full keyboard and screen-reader support for free). */
export function Select({ id, label, icon, options, onChange, className, ...rest }: SelectProps) {
  return (
    <div className={['field', className].filter(Boolean).join(' ')}>
      <label htmlFor={id} className="field__label">
        {icon}
        <span>{label}</span>
      </label>
      <select id={id} className="field__select" onChange={(e) => onChange(e.target.value)} {...rest}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
