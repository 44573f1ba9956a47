import { useEffect, useState } from 'react';
import { BUILTIN_SHELL_DOCUMENTS } from '../../../../shared/model/session';
import { useT } from '../../app/i18n';
import type { DocumentChoice, SessionTarget } from '../../state/sessions';
import { useSessions, useTerminals } from '../../state/sessionsContext';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { AuditNotice } from '../audit/AuditNotice';

type Kind = 'shell' | 'command' | 'other';

function kindOf(choice: DocumentChoice): Kind {
  if (choice.document === BUILTIN_SHELL_DOCUMENTS.shell) return 'shell';
  if (choice.document === BUILTIN_SHELL_DOCUMENTS.interactiveCommand) return 'command';
  return 'other';
}

/** Connect with…: the default shell, an interactive command, or another Session document; optionally remembered. */
export function DocumentPicker({ target }: { target: SessionTarget }) {
  const t = useT();
  const terminals = useTerminals();
  const documents = useSessions((s) => s.documents) ?? [];
  const initial = terminals?.store.getState().choiceFor(target.instanceId) ?? {
    document: BUILTIN_SHELL_DOCUMENTS.shell,
  };
  const [kind, setKind] = useState<Kind>(kindOf(initial));
  const [command, setCommand] = useState(initial.parameters?.command?.[0] ?? '');
  const [other, setOther] = useState(kindOf(initial) === 'other' ? initial.document : '');
  const [remember, setRemember] = useState(true);
  const [problem, setProblem] = useState<string | undefined>();

  useEffect(() => {
    void terminals?.store.getState().loadDocuments(target.profile, target.region);
  }, [terminals, target.profile, target.region]);

  if (!terminals) return null;
  const store = terminals.store;
  const others = documents.filter((d) => !Object.values<string>(BUILTIN_SHELL_DOCUMENTS).includes(d.name));

  const submit = () => {
    let choice: DocumentChoice;
    if (kind === 'command') {
      if (!command.trim()) {
        setProblem(t('picker.commandRequired'));
        return;
      }
      choice = { document: BUILTIN_SHELL_DOCUMENTS.interactiveCommand, parameters: { command: [command.trim()] } };
    } else if (kind === 'other' && other) {
      choice = { document: other };
    } else {
      choice = { document: BUILTIN_SHELL_DOCUMENTS.shell };
    }
    void store.getState().open(target, choice, { remember });
  };

  return (
    <Dialog
      title={t('picker.title', { name: target.title })}
      className="picker"
      onCancel={() => store.getState().openPicker(undefined)}
      actions={
        <>
          <Button variant="ghost" onClick={() => store.getState().openPicker(undefined)}>
            {t('picker.cancel')}
          </Button>
          <Button variant="primary" onClick={submit}>
            {t('picker.open')}
          </Button>
        </>
      }
    >
      <form
        className="picker__form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <fieldset className="picker__choices">
          <legend>{t('picker.document')}</legend>
          <label className="picker__choice">
            <input type="radio" name="kind" checked={kind === 'shell'} onChange={() => setKind('shell')} />
            <span>
              {t('picker.defaultShell')}
              <span className="picker__doc mono">{BUILTIN_SHELL_DOCUMENTS.shell}</span>
            </span>
          </label>
          <label className="picker__choice">
            <input type="radio" name="kind" checked={kind === 'command'} onChange={() => setKind('command')} />
            <span>
              {t('picker.interactive')}
              <span className="picker__doc mono">{BUILTIN_SHELL_DOCUMENTS.interactiveCommand}</span>
            </span>
          </label>
          {kind === 'command' && (
            <label className="picker__command">
              <span>{t('picker.command')}</span>
              <input
                className="picker__input mono"
                value={command}
                autoFocus
                placeholder={t('picker.commandPlaceholder')}
                aria-invalid={problem ? true : undefined}
                onChange={(e) => {
                  setCommand(e.target.value);
                  setProblem(undefined);
                }}
              />
              {problem && <span className="picker__problem">{problem}</span>}
            </label>
          )}
          {others.length > 0 && (
            <label className="picker__choice">
              <input type="radio" name="kind" checked={kind === 'other'} onChange={() => setKind('other')} />
              <span>{t('picker.other')}</span>
            </label>
          )}
          {kind === 'other' && others.length > 0 && (
            <select
              className="picker__input"
              aria-label={t('picker.other')}
              value={other}
              onChange={(e) => setOther(e.target.value)}
            >
              <option value="" disabled>
                …
              </option>
              {others.map((d) => (
                <option key={d.name} value={d.name}>
                  {d.name}
                  {d.owner ? ` (${d.owner})` : ''}
                </option>
              ))}
            </select>
          )}
        </fieldset>
        <AuditNotice profile={target.profile} region={target.region} />
        <label className="picker__remember">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
          <span>{t('picker.remember')}</span>
        </label>
        <button type="submit" hidden />
      </form>
    </Dialog>
  );
}
