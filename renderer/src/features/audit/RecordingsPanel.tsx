import { useCallback, useEffect, useState } from 'react';
import type { InvokeResponse } from '../../../../shared/ipc/contract';
import type { RecordingInfo } from '../../../../shared/model/tools';
import { useLocale, useT } from '../../app/i18n';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { useTools } from '../doctor/tools';
import { errorText } from '../instances/errorText';
import '../doctor/tools.css';
import { ReplayView } from './ReplayView';

/** Local recordings: the setting that turns recording on, the list with search, and replay. */
export function RecordingsPanel() {
  const t = useT();
  const locale = useLocale();
  const tools = useTools();
  const [enabled, setEnabled] = useState<boolean | undefined>();
  const [query, setQuery] = useState('');
  const [list, setList] = useState<RecordingInfo[] | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const [replay, setReplay] = useState<InvokeResponse<'audit.read'> | undefined>();

  useEffect(() => {
    void tools?.bridge.invoke('audit.settings', {}).then((r) => r.ok && setEnabled(r.value.enabled));
  }, [tools]);

  const load = useCallback(
    async (q: string) => {
      if (!tools) return;
      const r = q.trim()
        ? await tools.bridge.invoke('audit.search', { query: q })
        : await tools.bridge.invoke('audit.list', {});
      if (r.ok) {
        setList(r.value.recordings);
        setProblem(undefined);
      } else setProblem(t('audit.loadFailed', { message: errorText(t, r).message }));
    },
    [tools, t],
  );

  useEffect(() => {
    const timer = setTimeout(() => void load(query), query ? 200 : 0);
    return () => clearTimeout(timer);
  }, [load, query]);

  if (!tools) return null;
  const close = () => tools.store.getState().close();
  const open = async (id: string) => {
    const r = await tools.bridge.invoke('audit.read', { id });
    if (r.ok) setReplay(r.value);
    else setProblem(t('audit.loadFailed', { message: errorText(t, r).message }));
  };

  return (
    <Dialog
      title={t('audit.title')}
      className="recordings"
      onCancel={close}
      actions={
        <>
          {replay && <Button onClick={() => setReplay(undefined)}>{t('audit.back')}</Button>}
          <Button variant="primary" onClick={close}>
            {t('audit.close')}
          </Button>
        </>
      }
    >
      <div className="recordings__body">
        {replay ? (
          <>
            <p>
              <strong>{replay.info.title}</strong> <span className="mono muted">{replay.info.instanceId}</span>
            </p>
            <ReplayView recording={replay} />
          </>
        ) : (
          <>
            <label>
              <input
                type="checkbox"
                checked={enabled ?? false}
                disabled={enabled === undefined}
                onChange={(e) => {
                  const next = e.target.checked;
                  void tools.bridge
                    .invoke('audit.setSettings', { enabled: next })
                    .then((r) => r.ok && setEnabled(r.value.enabled));
                }}
              />{' '}
              {t('audit.enable')}
            </label>
            <input
              type="search"
              aria-label={t('audit.search')}
              placeholder={t('audit.search')}
              value={query}
              onChange={(e) => setQuery(e.target.value)}
            />
            {problem && (
              <p className="policy__error" role="alert">
                {problem}
              </p>
            )}
            {list && list.length === 0 && (
              <p className="muted">{query.trim() ? t('audit.noMatch', { query }) : t('audit.empty')}</p>
            )}
            {list && list.length > 0 && (
              <ul className="recordings__list" aria-label={t('audit.title')}>
                {list.map((r) => (
                  <li key={r.id} className="recordings__item" data-recording={r.id}>
                    <div className="recordings__meta">
                      <strong>{r.title}</strong> <span className="mono muted">{r.instanceId}</span>
                      <div className="muted">
                        {new Date(r.startedAt).toLocaleString(locale)} ·{' '}
                        {[r.profile, r.region].filter(Boolean).join(' / ')} ·{' '}
                        {t('audit.duration', { seconds: r.durationSeconds.toFixed(1) })}
                      </div>
                      {r.match && <div className="recordings__match">{r.match}</div>}
                    </div>
                    <Button onClick={() => void open(r.id)}>{t('audit.replay')}</Button>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </div>
    </Dialog>
  );
}
