export {
  AsciicastWriter,
  formatEvent,
  parseAsciicast,
  type Asciicast,
  type AsciicastEvent,
  type AsciicastHeader,
} from './asciicast';
export { sessionAudit, PREFERENCES_DOCUMENT } from './preferences';
export { plainText, RecordingStore, SessionRecorder, RECORDINGS_DIR, RECORDING_SETTINGS_FILE } from './recordings';
