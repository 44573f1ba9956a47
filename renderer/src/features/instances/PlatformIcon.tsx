import type { Platform } from '../../../../shared/model/instance';
import { useT } from '../../app/i18n';
import { AppleMark, LinuxMark, ServerIcon, WindowsMark } from '../../ui/icons';

/** A platform mark with an accessible name ("Linux", "Windows", "macOS"). */
export function PlatformIcon({ platform, size = 16 }: { platform: Platform; size?: number }) {
  const t = useT();
  const label = t(`platform.${platform}`);
  return (
    <span
      role="img"
      aria-label={label}
      title={label}
      className={`platform-icon platform-icon--${platform.toLowerCase()}`}
    >
      {platform === 'Linux' ? (
        <LinuxMark size={size} />
      ) : platform === 'Windows' ? (
        <WindowsMark size={size} />
      ) : platform === 'MacOS' ? (
        <AppleMark size={size} />
      ) : (
        <ServerIcon size={size} />
      )}
    </span>
  );
}

/**
 * The same marks drawn by CSS (`.platform-mark--*` in theme.css): one box instead of an SVG tree, for the rows of
 * the instance list, which are rebuilt at every keystroke of the filter.
 */
export function PlatformMark({ platform }: { platform: Platform }) {
  const t = useT();
  const label = t(`platform.${platform}`);
  return (
    <span
      role="img"
      aria-label={label}
      title={label}
      className={`platform-mark platform-mark--${platform.toLowerCase()}`}
    />
  );
}
