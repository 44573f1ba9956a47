import { useState } from 'react';
import type { MfaPromptEvent } from '../../../../shared/model/fleet';
import { useLocale, useT } from '../../app/i18n';
import { useApp } from '../../state/context';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { errorText } from '../instances/errorText';

/** The credential dialogs: the oldest open MFA prompt, and a running SSO sign-in. */
export function AuthDialogs() {
  const prompt = useApp((s) => s.mfaPrompts[0]);
  const sso = useApp((s) => s.sso);
  return (
    <>
      {prompt && <MfaDialog key={prompt.id} prompt={prompt} />}
      {!prompt && sso && <SsoDialog />}
    </>
  );
}

/** Asks for an MFA code (profile and device shown); Cancel answers without a code, so the listing fails cleanly. */
export function MfaDialog({ prompt }: { prompt: MfaPromptEvent }) {
  const t = useT();
  const answerMfa = useApp((s) => s.answerMfa);
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (value: string | undefined) => {
    if (value !== undefined && !/^\d{6}$/.test(value)) {
      setProblem(t('auth.mfa.invalid'));
      return;
    }
    setBusy(true);
    const error = await answerMfa(prompt.id, value);
    setBusy(false);
    if (error) setProblem(error.code === 'BAD_PAYLOAD' ? t('auth.mfa.invalid') : errorText(t, error).message);
  };

  return (
    <Dialog
      title={t('auth.mfa.title')}
      className="auth-dialog"
      onCancel={() => void submit(undefined)}
      actions={
        <>
          <Button variant="ghost" disabled={busy} onClick={() => void submit(undefined)}>
            {t('auth.mfa.cancel')}
          </Button>
          <Button variant="primary" type="submit" form="mfa-form" disabled={busy}>
            {t('auth.mfa.submit')}
          </Button>
        </>
      }
    >
      <form
        id="mfa-form"
        className="auth-form"
        // Our own check explains the problem in the dialog's words (the browser's bubble would not).
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit(code.trim());
        }}
      >
        <p>{t('auth.mfa.body', { profile: prompt.profile })}</p>
        <p className="muted mono auth-form__serial">{t('auth.mfa.device', { serial: prompt.serial })}</p>
        <label className="auth-form__field">
          <span>{t('auth.mfa.code')}</span>
          <input
            className="auth-form__code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="\d{6}"
            maxLength={6}
            autoFocus
            value={code}
            aria-invalid={problem ? true : undefined}
            aria-describedby="mfa-hint"
            onChange={(e) => {
              // Full-width digits from a Japanese IME count as digits.
              setCode(e.target.value.normalize('NFKC').replace(/\s/g, ''));
              setProblem(undefined);
            }}
          />
        </label>
        <p id="mfa-hint" className={problem ? 'auth-form__problem' : 'muted'} aria-live="polite">
          {problem ?? t('auth.mfa.codeHint')}
        </p>
      </form>
    </Dialog>
  );
}

/** SSO device sign-in: the user code and the verification link while the browser approval is pending. */
export function SsoDialog() {
  const t = useT();
  const locale = useLocale();
  const sso = useApp((s) => s.sso);
  const cancel = useApp((s) => s.ssoCancel);
  const dismiss = useApp((s) => s.dismissSso);
  if (!sso) return null;
  const failed = sso.status === 'failed';
  const expires = sso.code ? new Date(sso.code.expiresAt) : undefined;
  return (
    <Dialog
      title={t('auth.sso.title')}
      className="auth-dialog"
      onCancel={() => (failed ? dismiss() : void cancel())}
      actions={
        failed ? (
          <Button variant="primary" onClick={dismiss}>
            {t('auth.sso.close')}
          </Button>
        ) : (
          <Button variant="ghost" onClick={() => void cancel()}>
            {t('auth.sso.cancel')}
          </Button>
        )
      }
    >
      {failed && sso.error && (
        <p className="auth-form__problem" role="alert">
          {t('auth.sso.failed', { profile: sso.profile, message: errorText(t, sso.error).message })}
        </p>
      )}
      {!failed && !sso.code && (
        <p aria-live="polite">
          <span className="spinner" aria-hidden="true" /> {t('auth.sso.starting', { profile: sso.profile })}
        </p>
      )}
      {!failed && sso.code && (
        <div className="auth-form">
          <p>{t('auth.sso.body', { profile: sso.profile })}</p>
          <p className="auth-sso__code" aria-label={t('auth.sso.code')}>
            {sso.code.userCode}
          </p>
          <p>
            <a href={sso.code.verificationUriComplete} target="_blank" rel="noreferrer noopener">
              {t('auth.sso.open')}
            </a>
          </p>
          <p className="muted mono auth-sso__uri">{sso.code.verificationUri}</p>
          {expires && !Number.isNaN(expires.getTime()) && (
            <p className="muted">{t('auth.sso.expires', { time: expires.toLocaleTimeString(locale) })}</p>
          )}
        </div>
      )}
    </Dialog>
  );
}
