import { useEffect, useId, useRef, useState } from 'react';
import { FLEET_LIMITS } from '../../../../shared/model/fleet';
import type { Profile } from '../../../../shared/model/instance';
import { useLocale, useT } from '../../app/i18n';
import { useApp } from '../../state/context';
import type { IdentityView } from '../../state/store';
import { Button } from '../../ui/Button';
import { GlobeIcon, UserIcon } from '../../ui/icons';
import { errorText } from '../instances/errorText';

/**
 * Several profiles and regions at once: a popover with a checklist of profiles (each with who it is: account,
 * ARN, credential expiry) and of regions; "Show these" lists every profile x region. The choice is remembered.
 */
export function SourcesPicker() {
  const t = useT();
  const profiles = useApp((s) => s.profiles);
  const regions = useApp((s) => s.regions);
  const selectedProfiles = useApp((s) => s.selectedProfiles);
  const selectedRegions = useApp((s) => s.selectedRegions);
  const setSources = useApp((s) => s.setSources);
  const [open, setOpen] = useState(false);
  const [draftProfiles, setDraftProfiles] = useState<readonly string[]>([]);
  const [draftRegions, setDraftRegions] = useState<readonly string[]>([]);
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (rootRef.current && e.target instanceof Node && !rootRef.current.contains(e.target)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const toggleOpen = () => {
    if (!open) {
      setDraftProfiles(selectedProfiles);
      setDraftRegions(selectedRegions);
    }
    setOpen(!open);
  };
  const toggle = (list: readonly string[], item: string) =>
    list.includes(item) ? list.filter((x) => x !== item) : [...list, item];
  const pairs = draftProfiles.length * draftRegions.length;
  const problem =
    pairs === 0
      ? t('fleet.sources.needOne')
      : pairs > FLEET_LIMITS.maxSources
        ? t('fleet.sources.tooMany', { max: FLEET_LIMITS.maxSources })
        : undefined;
  const summary =
    selectedProfiles.length === 1 && selectedRegions.length === 1
      ? `${selectedProfiles[0]} · ${selectedRegions[0]}`
      : t('fleet.sources.summary', { profiles: selectedProfiles.length, regions: selectedRegions.length });
  const regionChoices = [...new Set([...selectedRegions, ...regions])];

  return (
    <div className="sources" ref={rootRef}>
      <button
        type="button"
        className="btn btn--secondary sources__button"
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        disabled={profiles.length === 0}
        onClick={toggleOpen}
      >
        <span className="sources__label">{t('fleet.sources.button')}</span>
        <span className="sources__summary">{summary}</span>
      </button>
      {open && (
        <div
          className="sources__panel"
          id={panelId}
          role="dialog"
          aria-label={t('fleet.sources.title')}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              setOpen(false);
            }
          }}
        >
          <div className="sources__columns">
            <fieldset className="sources__list">
              <legend>
                <UserIcon size={14} /> {t('fleet.sources.profiles')}
              </legend>
              {profiles.map((p) => (
                <ProfileChoice
                  key={p.name}
                  profile={p}
                  checked={draftProfiles.includes(p.name)}
                  onToggle={() => setDraftProfiles(toggle(draftProfiles, p.name))}
                />
              ))}
            </fieldset>
            <fieldset className="sources__list sources__list--regions">
              <legend>
                <GlobeIcon size={14} /> {t('fleet.sources.regions')}
              </legend>
              {regionChoices.map((r) => (
                <label key={r} className="sources__choice">
                  <input
                    type="checkbox"
                    checked={draftRegions.includes(r)}
                    onChange={() => setDraftRegions(toggle(draftRegions, r))}
                  />
                  <span className="mono">{r}</span>
                </label>
              ))}
            </fieldset>
          </div>
          {problem && <p className="sources__problem">{problem}</p>}
          <div className="sources__actions">
            <Button variant="ghost" onClick={() => setOpen(false)}>
              {t('fleet.sources.cancel')}
            </Button>
            <Button
              variant="primary"
              disabled={problem !== undefined}
              onClick={() => {
                setOpen(false);
                // Keep the profiles' order as listed, regions as chosen.
                const order = profiles.map((p) => p.name).filter((n) => draftProfiles.includes(n));
                void setSources(
                  order,
                  regionChoices.filter((r) => draftRegions.includes(r)),
                );
              }}
            >
              {t('fleet.sources.apply')}
            </Button>
          </div>
        </div>
      )}
    </div>
  );
}

function ProfileChoice({ profile, checked, onToggle }: { profile: Profile; checked: boolean; onToggle(): void }) {
  const t = useT();
  const identity = useApp((s) => s.identities[profile.name]);
  const loadIdentity = useApp((s) => s.loadIdentity);
  const ssoSignIn = useApp((s) => s.ssoSignIn);
  return (
    <div className="sources__profile">
      <label className="sources__choice">
        <input type="checkbox" checked={checked} onChange={onToggle} />
        <span>{profile.name}</span>
        <span className="muted">{t(`fleet.kind.${profile.kind}`)}</span>
      </label>
      <div className="sources__identity">
        <IdentityLine
          identity={identity}
          onShow={() => void loadIdentity(profile.name)}
          onSignIn={profile.kind === 'sso' ? () => void ssoSignIn(profile.name) : undefined}
        />
      </div>
    </div>
  );
}

/** Account, ARN and expiry of a profile (never keys), or what to do to learn them. */
export function IdentityLine({
  identity,
  onShow,
  onSignIn,
}: {
  identity: IdentityView | undefined;
  onShow(): void;
  onSignIn?: () => void;
}) {
  const t = useT();
  const locale = useLocale();
  if (!identity) {
    return (
      <button type="button" className="link-button" onClick={onShow}>
        {t('fleet.identity.show')}
      </button>
    );
  }
  if (identity.status === 'loading') return <span className="muted">{t('fleet.identity.loading')}</span>;
  if (identity.status === 'failed' || !identity.identity) {
    const signIn =
      onSignIn && (identity.error?.code === 'SSO_SIGN_IN_REQUIRED' || identity.error?.params?.action === 'ssoSignIn');
    const message = identity.error ? errorText(t, identity.error).message : '';
    return (
      <span className="sources__identity-error">
        <span>{t('fleet.identity.failed', { message })}</span>
        {signIn ? (
          <button type="button" className="link-button" onClick={onSignIn}>
            {t('fleet.source.signIn')}
          </button>
        ) : (
          <button type="button" className="link-button" onClick={onShow}>
            {t('fleet.source.retry')}
          </button>
        )}
      </span>
    );
  }
  const { accountId, arn, expiresAt } = identity.identity;
  const expiry = expiresAt ? new Date(expiresAt) : undefined;
  return (
    <span className="sources__who">
      <span>{t('fleet.identity.account', { account: accountId })}</span>
      <span className="mono sources__arn" title={arn}>
        {arn}
      </span>
      {expiry && !Number.isNaN(expiry.getTime()) && (
        <span className="muted">
          {t('fleet.identity.expires', {
            time: expiry.toLocaleString(locale, { dateStyle: 'short', timeStyle: 'short' }),
          })}
        </span>
      )}
    </span>
  );
}
