import './settings.css';
import { useId, useState } from 'react';
import { useT } from '../../app/i18n';
import { useTerminalSettings, useTerminals } from '../../state/sessionsContext';
import {
  TERMINAL_PREFERENCE_RANGES,
  type FieldErrors,
  type TerminalPreferenceKey,
  type TerminalPreferences,
} from '../../state/terminalSettings';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';

type Draft = Record<'fontFamily' | 'fontSize' | 'scrollback', string>;

function draftOf(p: TerminalPreferences): Draft {
  return { fontFamily: p.fontFamily, fontSize: String(p.fontSize), scrollback: String(p.scrollback) };
}

/**
 * Terminal settings (Ctrl+, or the tab menu). Every valid change applies to the open terminals at once; a value out
 * of range is shown with the reason and not applied, so the terminals keep the last good one.
 */
export function SettingsDialog() {
  const t = useT();
  const terminals = useTerminals();
  const preferences = useTerminalSettings((s) => s.preferences);
  const [draft, setDraft] = useState<Draft | undefined>(() => (preferences ? draftOf(preferences) : undefined));
  const [errors, setErrors] = useState<FieldErrors>({});
  const ids = { fontFamily: useId(), fontSize: useId(), scrollback: useId() };
  if (!terminals || !preferences || !draft) return null;
  const settings = terminals.settings;
  const close = () => settings.getState().closePanel();

  const change = (key: TerminalPreferenceKey, value: string | boolean) => {
    if (typeof value === 'string') setDraft({ ...draft, [key]: value });
    const refused = settings.getState().update({ [key]: value });
    setErrors((old) => {
      const next = { ...old };
      if (refused[key]) next[key] = refused[key];
      else delete next[key];
      return next;
    });
  };

  const textField = (key: keyof Draft, label: string, hint: string, props: Record<string, unknown>) => {
    const error = errors[key];
    const hintId = `${ids[key]}-hint`;
    return (
      <div className="settings__field">
        <label htmlFor={ids[key]}>{label}</label>
        <input
          id={ids[key]}
          className={`picker__input${key === 'fontFamily' ? ' mono' : ''}`}
          value={draft[key]}
          aria-invalid={error ? true : undefined}
          aria-describedby={hintId}
          onChange={(e) => change(key, e.target.value)}
          {...props}
        />
        <span id={hintId} className={error ? 'picker__problem' : 'settings__hint'} role={error ? 'alert' : undefined}>
          {error ? t(error.key, error.params) : hint}
        </span>
      </div>
    );
  };

  const { fontSize, scrollback } = TERMINAL_PREFERENCE_RANGES;
  return (
    <Dialog
      title={t('settings.title')}
      className="settings"
      onCancel={close}
      actions={
        <>
          <Button
            variant="ghost"
            onClick={() => {
              settings.getState().reset();
              setDraft(draftOf(settings.getState().preferences));
              setErrors({});
            }}
          >
            {t('settings.reset')}
          </Button>
          <Button variant="primary" onClick={close}>
            {t('settings.done')}
          </Button>
        </>
      }
    >
      <form
        className="settings__form"
        onSubmit={(e) => {
          e.preventDefault();
          close();
        }}
      >
        <p className="settings__intro">{t('settings.intro')}</p>
        {textField('fontFamily', t('settings.fontFamily'), t('settings.fontFamilyHint'), {
          autoFocus: true,
          spellCheck: false,
          maxLength: TERMINAL_PREFERENCE_RANGES.fontFamilyLength.max + 50,
        })}
        <div className="settings__row">
          {textField('fontSize', t('settings.fontSizeLabel'), t('settings.rangeHint', fontSize), {
            type: 'number',
            inputMode: 'numeric',
            min: fontSize.min,
            max: fontSize.max,
            step: 1,
          })}
          {textField('scrollback', t('settings.scrollback'), t('settings.rangeHint', scrollback), {
            type: 'number',
            inputMode: 'numeric',
            min: scrollback.min,
            max: scrollback.max,
            step: 1000,
          })}
        </div>
        <label className="picker__remember">
          <input
            type="checkbox"
            checked={preferences.copyOnSelect}
            onChange={(e) => change('copyOnSelect', e.target.checked)}
          />
          <span>{t('settings.copyOnSelect')}</span>
        </label>
        <label className="picker__remember">
          <input
            type="checkbox"
            checked={preferences.pasteWarning}
            onChange={(e) => change('pasteWarning', e.target.checked)}
          />
          <span>{t('settings.pasteWarning')}</span>
        </label>
        <button type="submit" hidden />
      </form>
    </Dialog>
  );
}
