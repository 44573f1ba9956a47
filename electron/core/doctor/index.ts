export { Doctor, DEFAULT_DOCUMENT, SESSION_MANAGER_ROLE_ACTIONS, type DoctorDeps } from './doctor';
export {
  CHECK_IDS,
  type Check,
  type CheckFix,
  type CheckId,
  type CheckStatus,
  type Diagnosis,
  type DiagnoseRequest,
} from './types';
