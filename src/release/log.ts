// The deployment log, as the release wrappers use it: the store (src/log/) behind one interface,
// the file backend (DeploymentLog) by default, PostgreSQL when the config says so.
export { DeploymentLog } from "../log/file-store.js";
export { DEFAULT_LOG_PATH } from "../log/location.js";
export { openLogStore, readVerified, type LogLocation, type LogStore } from "../log/store.js";
export {
  DeploymentLogError,
  LOG_EVENT_NAMES,
  newReleaseId,
  parseLog,
  ReleaseBusyError,
  type ChainReport,
  type EnvironmentLock,
  type LogContents,
  type LogEvent,
  type LogEventName,
  type LogProblem,
  type OwnerRecord,
} from "../log/events.js";
