import { useApp } from '../state/context';
import { ToolsMenu } from '../features/doctor/ToolsMenu';
import { REGION_SELECT_ID } from '../features/instances/InstancesView';
import { IconButton } from '../ui/Button';
import { GlobeIcon, MoonIcon, PortholeMark, RefreshIcon, SunIcon, UserIcon } from '../ui/icons';
import { Select } from '../ui/Select';
import { useT } from './i18n';
import type { Theme } from './theme';

function endpointLabel(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export function Header({ theme }: { theme: Theme }) {
  const t = useT();
  const profiles = useApp((s) => s.profiles);
  const profilesReady = useApp((s) => s.profilesStatus === 'ready');
  const profile = useApp((s) => s.profile);
  const region = useApp((s) => s.region);
  const regions = useApp((s) => s.regions);
  const status = useApp((s) => s.inventoryStatus);
  const refreshing = useApp((s) => s.refreshing);
  const endpointUrl = useApp((s) => s.info?.endpointUrl);
  const selectProfile = useApp((s) => s.selectProfile);
  const selectRegion = useApp((s) => s.selectRegion);
  const refresh = useApp((s) => s.refresh);
  const setTheme = useApp((s) => s.setTheme);

  const regionOptions = (region && !regions.includes(region) ? [region, ...regions] : regions).map((r) => ({
    value: r,
    label: r,
  }));
  const profileOptions =
    profiles.length > 0
      ? profiles.map((p) => ({ value: p.name, label: p.name }))
      : [{ value: '', label: profilesReady ? t('header.noProfiles') : '…' }];
  const busy = status === 'loading' || refreshing;

  return (
    <header className="header">
      <div className="brand">
        <PortholeMark size={22} />
        <h1 className="brand__name">{t('app.title')}</h1>
      </div>
      <div className="header__pickers">
        <Select
          id="profile-select"
          label={t('header.profile')}
          icon={<UserIcon size={14} />}
          value={profile ?? ''}
          options={profileOptions}
          disabled={profiles.length === 0}
          onChange={(name) => void selectProfile(name)}
        />
        <Select
          id={REGION_SELECT_ID}
          label={t('header.region')}
          icon={<GlobeIcon size={14} />}
          value={region ?? ''}
          options={regionOptions.length > 0 ? regionOptions : [{ value: '', label: '…' }]}
          disabled={!profile}
          onChange={(r) => void selectRegion(r)}
        />
      </div>
      <div className="header__spacer" />
      {endpointUrl && (
        <span className="endpoint" title={endpointUrl}>
          <span className="endpoint__dot" aria-hidden="true" />
          {t('header.endpoint', { endpoint: endpointLabel(endpointUrl) })}
        </span>
      )}
      <ToolsMenu />
      <IconButton
        label={t('header.refresh')}
        icon={<RefreshIcon className={busy ? 'spin' : undefined} />}
        disabled={!profile || status === 'loading'}
        aria-busy={busy || undefined}
        onClick={() => void refresh()}
      />
      <IconButton
        label={t('header.theme')}
        aria-pressed={theme === 'dark'}
        icon={theme === 'dark' ? <SunIcon /> : <MoonIcon />}
        onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
      />
    </header>
  );
}
