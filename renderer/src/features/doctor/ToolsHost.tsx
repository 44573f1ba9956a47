import { RecordingsPanel } from '../audit/RecordingsPanel';
import { PolicyPanel } from '../policy/PolicyPanel';
import { DiagnoseTargetDialog } from './DiagnoseTargetDialog';
import { DoctorPanel } from './DoctorPanel';
import { useToolPanel } from './tools';

/** Shows the open tool panel (connect doctor, policy helper, recordings). */
export function ToolsHost() {
  const panel = useToolPanel();
  if (!panel) return null;
  if (panel.kind === 'doctor') {
    return <DoctorPanel key={`${panel.target.profile}/${panel.target.target}`} target={panel.target} />;
  }
  if (panel.kind === 'doctor-target') return <DiagnoseTargetDialog />;
  if (panel.kind === 'policy') return <PolicyPanel />;
  if (panel.kind === 'recordings') return <RecordingsPanel />;
  return null;
}
