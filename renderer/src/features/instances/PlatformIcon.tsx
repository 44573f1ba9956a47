import type { Platform } from '../../../../shared/model/instance';
import { useT } from '../../app/i18n';
import { AppleMark, LinuxMark, ServerIcon, WindowsMark } from '../../ui/icons';

/**
 * A platform mark with an accessible name ("Linux", "Windows", "macOS"). `drawn="css"` draws the same mark as the
 * box's background (`.platform-mark--*` in theme.css): one box instead of an SVG tree, for the rows of the
 * instance list, which are rebuilt at every keystroke of the filter.
 */
export function PlatformIcon({
  platform,
  size = 16,
  drawn = 'svg',
}: {
  platform: Platform;
  size?: number;
  drawn?: 'svg' | 'css';
}) {
  const t = useT();
  const label = t(`platform.${platform}`);
  const name = platform.toLowerCase();
  return (
    <span
      role="img"
      aria-label={label}
      title={label}
      className={drawn === 'css' ? `platform-mark platform-mark--${name}` : `platform-icon platform-icon--${name}`}
    >
      {drawn === 'css' ? null : platform === 'Linux' ? (
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
