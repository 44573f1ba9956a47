import type { ButtonHTMLAttributes, ReactNode } from 'react';

type Variant = 'primary' | 'secondary' | 'ghost';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  icon?: ReactNode;
}

export function Button({ variant = 'secondary', icon, children, className, type = 'button', ...rest }: ButtonProps) {
  return (
    <button type={type} className={['btn', `btn--${variant}`, className].filter(Boolean).join(' ')} {...rest}>
      {icon}
      {children !== undefined && <span>{children}</span>}
    </button>
  );
}

/** A square button that shows only an icon; `label` is its accessible name and tooltip. */
export function IconButton({
  label,
  icon,
  className,
  ...rest
}: Omit<ButtonProps, 'children' | 'variant'> & { label: string; icon: ReactNode }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      className={['btn', 'btn--ghost', 'btn--icon', className].filter(Boolean).join(' ')}
      {...rest}
    >
      {icon}
    </button>
  );
}
