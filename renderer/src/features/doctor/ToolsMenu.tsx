import { useT } from '../../app/i18n';
import { Button } from '../../ui/Button';
import { useTools } from './tools';

/** Header entries for the IAM policy helper and the recordings (only when the app has a bridge for them). */
export function ToolsMenu() {
  const t = useT();
  const tools = useTools();
  if (!tools) return null;
  const open = tools.store.getState().open;
  return (
    <div className="tools-menu" role="group" aria-label={t('tools.menu')}>
      <Button variant="ghost" onClick={() => open({ kind: 'doctor-target' })}>
        {t('tools.doctor')}
      </Button>
      <Button variant="ghost" onClick={() => open({ kind: 'policy' })}>
        {t('tools.policy')}
      </Button>
      <Button variant="ghost" onClick={() => open({ kind: 'recordings' })}>
        {t('tools.recordings')}
      </Button>
    </div>
  );
}
