/** Inline SVG icons (no external assets: the CSP allows only files from 'self', and icons must work offline). */
import type { SVGProps } from 'react';

type IconProps = SVGProps<SVGSVGElement> & { size?: number };

function Svg({ size = 16, children, ...rest }: IconProps) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      aria-hidden="true"
      focusable="false"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      {...rest}
    >
      {children}
    </svg>
  );
}

export function SearchIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <circle cx="11" cy="11" r="6.5" />
      <path d="m20 20-4.2-4.2" />
    </Svg>
  );
}

export function RefreshIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="M20 11.5A8 8 0 0 0 6.3 6.3L4 8.5" />
      <path d="M4 4v4.5h4.5" />
      <path d="M4 12.5a8 8 0 0 0 13.7 5.2L20 15.5" />
      <path d="M20 20v-4.5h-4.5" />
    </Svg>
  );
}

export function SunIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <circle cx="12" cy="12" r="4" />
      <path d="M12 2.5v2M12 19.5v2M4.6 4.6l1.4 1.4M18 18l1.4 1.4M2.5 12h2M19.5 12h2M4.6 19.4 6 18M18 6l1.4-1.4" />
    </Svg>
  );
}

export function MoonIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="M20 14.5A8 8 0 1 1 9.5 4a6.5 6.5 0 0 0 10.5 10.5z" />
    </Svg>
  );
}

export function CloseIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="M6 6l12 12M18 6 6 18" />
    </Svg>
  );
}

export function AlertIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="M12 3.5 2.5 20h19L12 3.5z" />
      <path d="M12 10v4.5M12 17.5v.01" />
    </Svg>
  );
}

export function ServerIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <rect x="3.5" y="4" width="17" height="7" rx="1.5" />
      <rect x="3.5" y="13" width="17" height="7" rx="1.5" />
      <path d="M7 7.5h.01M7 16.5h.01" />
    </Svg>
  );
}

export function GlobeIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <circle cx="12" cy="12" r="8.5" />
      <path d="M3.5 12h17M12 3.5c2.5 2.6 3.5 5.4 3.5 8.5s-1 5.9-3.5 8.5c-2.5-2.6-3.5-5.4-3.5-8.5s1-5.9 3.5-8.5z" />
    </Svg>
  );
}

export function UserIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <circle cx="12" cy="8.5" r="3.5" />
      <path d="M5 20c.8-3.6 3.6-5.5 7-5.5s6.2 1.9 7 5.5" />
    </Svg>
  );
}

/** Brand mark: a porthole (ring with a window). */
export function PortholeMark(props: IconProps) {
  return (
    <svg width={props.size ?? 20} height={props.size ?? 20} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <circle className="mark__ring" cx="12" cy="12" r="10" />
      <circle className="mark__glass" cx="12" cy="12" r="6.2" />
      <circle className="mark__pane" cx="12" cy="12" r="4.2" />
      <circle className="mark__glass" cx="12" cy="2.9" r="1.1" />
      <circle className="mark__glass" cx="12" cy="21.1" r="1.1" />
      <circle className="mark__glass" cx="2.9" cy="12" r="1.1" />
      <circle className="mark__glass" cx="21.1" cy="12" r="1.1" />
    </svg>
  );
}

/* Platform marks: simplified, drawn for this app. */

export function LinuxMark(props: IconProps) {
  const size = props.size ?? 16;
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path
        className="tux__body"
        d="M12 1.8c-3 0-4.6 2.4-4.6 5.4 0 1.3.2 2.2-.6 3.6C5.5 13 4.3 15.2 4.3 17.4c0 2.6 2.8 4.6 7.7 4.6s7.7-2 7.7-4.6c0-2.2-1.2-4.4-2.5-6.6-.8-1.4-.6-2.3-.6-3.6 0-3-1.6-5.4-4.6-5.4z"
      />
      <ellipse className="tux__belly" cx="12" cy="15.6" rx="4.4" ry="5.3" />
      <circle className="tux__eye" cx="10.3" cy="6.9" r="1.15" />
      <circle className="tux__eye" cx="13.7" cy="6.9" r="1.15" />
      <circle className="tux__pupil" cx="10.5" cy="7.1" r="0.5" />
      <circle className="tux__pupil" cx="13.5" cy="7.1" r="0.5" />
      <path className="tux__beak" d="M10.2 8.9h3.6L12 10.8z" />
      <ellipse className="tux__beak" cx="7.6" cy="21.2" rx="2.9" ry="1.3" />
      <ellipse className="tux__beak" cx="16.4" cy="21.2" rx="2.9" ry="1.3" />
    </svg>
  );
}

export function WindowsMark(props: IconProps) {
  const size = props.size ?? 16;
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d="M3 5.2 10.6 4v7.4H3z" fill="#0a7bd6" />
      <path d="M11.8 3.8 21 2.5v8.9h-9.2z" fill="#0a7bd6" />
      <path d="M3 12.6h7.6V20L3 18.8z" fill="#0a7bd6" />
      <path d="M11.8 12.6H21v8.9l-9.2-1.3z" fill="#0a7bd6" />
    </svg>
  );
}

export function AppleMark(props: IconProps) {
  const size = props.size ?? 16;
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M16.4 12.6c0-2.3 1.9-3.4 2-3.5-1.1-1.6-2.8-1.8-3.4-1.8-1.4-.2-2.8.8-3.5.8s-1.9-.8-3.1-.8C6.8 7.3 5.3 8.2 4.5 9.7c-1.7 2.9-.4 7.2 1.2 9.6.8 1.1 1.7 2.4 3 2.3 1.2 0 1.6-.8 3.1-.8s1.8.8 3.1.8c1.3 0 2.1-1.2 2.9-2.3.9-1.3 1.3-2.6 1.3-2.7 0 0-2.6-1-2.7-4z"
      />
      <path
        fill="currentColor"
        d="M14.2 5.7c.7-.8 1.1-1.9 1-3-1 0-2.1.7-2.8 1.5-.6.7-1.2 1.8-1 2.9 1.1.1 2.1-.6 2.8-1.4z"
      />
    </svg>
  );
}
