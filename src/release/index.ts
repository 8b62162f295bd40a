// The release wrappers' public API.
export { deploy } from "./deploy.js";
export { rollback } from "./rollback.js";
export { cascade, cascadeIdOf, runPlan } from "./cascade.js";
export { readPlanFile, writePlanStatuses, DEFAULT_COMPLETION_PROMISE } from "./plan-file.js";
export type { PlanFile, PlanItem } from "./plan-file.js";
export { approve } from "./approve.js";
export type { ApproveOptions } from "./approve.js";
export type { RecordedRequest, ApprovingRequest } from "./request.js";
export { decisionIdOf } from "./outcome.js";
export type {
  DeployOptions,
  RollbackOptions,
  CascadeOptions,
  ReleaseOptions,
  ReleaseOutcome,
  ReleaseStatus,
  CascadeOutcome,
  CascadeStage,
  PlanOptions,
  PlanOutcome,
  PlanItemOutcome,
  StepOutcome,
  RollbackOutcome,
  Preflight,
  PreflightOptions,
  PreflightResult,
  Scanner,
} from "./outcome.js";
export type { Executor, ExecRequest, ExecResult, Approver, ApprovalRequest, ApprovalResponse, ApprovalAnswer, HealthProbe, HealthRequest, HealthResult, Clock, ReleaseKind } from "./types.js";
export { processExecutor } from "./executor.js";
export { ttyApprover, fixedApprover, singleAnswerApprover, parseApprovalAnswer, approvalPrompt } from "./approver.js";
export type { ApprovalInput, TtyApproverOptions } from "./approver.js";
export { httpHealthProbe, runHealthChecks } from "./health.js";
export type { HealthOutcome, HealthPolicy } from "./health.js";
export { systemClock } from "./clock.js";
export { DeploymentLog, DeploymentLogError, parseLog, newReleaseId, ReleaseBusyError, DEFAULT_LOG_PATH, LOG_EVENT_NAMES, openLogStore, readVerified } from "./log.js";
export type { LogEvent, LogEventName, LogContents, LogProblem, EnvironmentLock, LogStore, LogLocation, ChainReport, OwnerRecord } from "./log.js";
export { summarizeReleases, currentVersion } from "./summary.js";
export type { ReleaseSummary } from "./summary.js";
export { loadReleaseConfig, releaseConfigFrom } from "./config.js";
export type { ReleaseConfig, EnvironmentSpec, StepSpec, HealthSpec } from "./config.js";
export { planDowngrade, formatPlan } from "./plan.js";
export type { RollbackPlan, PlannedDowngrade, DowngradeKind } from "./plan.js";
export { createRedactor, isSecretName } from "./redact.js";
export { validateVersion, validateEnvironment, validateRevision, expandArgv, ReleaseInputError } from "./validate.js";
export { formatHistory, formatReleaseReport } from "./report.js";
export type { LogFormat } from "./report.js";
export { readSignals, signalsSpecFrom, thresholdsFor, valueAtPath, describeSource, MAX_SIGNAL_BYTES } from "./signals.js";
export type { SignalsSpec, SignalSource, SignalThresholds, SignalsReading, ErrorRateReading, LatencyReading } from "./signals.js";
export type { HealthFailureReason } from "./health.js";
export { NOTIFY_EVENTS } from "./notify-config.js";
export type { NotifyEvent, NotifyFormat, NotifyTarget } from "./notify-config.js";
export type { NotificationDelivery } from "./notify.js";
export type { Notification, NotificationReason } from "./notify-format.js";
