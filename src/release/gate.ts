// The two steps every release goes through: the environment's lock, and the decision (logged,
// shown, then a no-go stops it and a needs-approval asks a person).
import type { Decision, DecisionReason } from "../types.js";
import { approvalRefusal } from "../policy/approval.js";
import type { EnvironmentPolicy } from "../policy/types.js";
import { ReleaseBusyError } from "./log.js";
import { busyOutcome, decisionEventFields, decisionIdOf, finish, reasonLines, type ReleaseOutcome } from "./outcome.js";
import type { Run } from "./run.js";
import type { ApprovalRequest } from "./types.js";
import { redactDeep } from "./redact.js";
import { ReleaseInputError } from "./validate.js";

/**
 * Runs `body` holding the environment's lock (one release per environment at a time). A busy
 * environment is an outcome (`busy`), not an error; the lock is released however `body` ends.
 */
export async function withEnvironmentLock(run: Run, started: Date, body: (outcome: ReleaseOutcome) => Promise<ReleaseOutcome>): Promise<ReleaseOutcome> {
  const { config, environment, kind, version } = run;
  let lock;
  try {
    lock = await run.log.acquireEnvironment(environment.name, { releaseId: run.releaseId, kind, version, startedAt: started.toISOString() });
  } catch (error) {
    if (error instanceof ReleaseBusyError) {
      run.say(`✗ ${error.message}`);
      return busyOutcome(kind, config, environment.name, version, error);
    }
    throw error;
  }
  run.lock = lock;
  const outcome: ReleaseOutcome = { kind, releaseId: run.releaseId, project: config.project, environment: environment.name, version, status: "failed", exitCode: 1, message: "", steps: [] };
  let result: ReleaseOutcome;
  try {
    result = await body(outcome);
  } finally {
    await lock.release();
    // Webhooks are told (or given up on) before the release returns; a failing one changes nothing.
    const deliveries = await run.notifier.settle();
    if (deliveries.length > 0) outcome.notifications = deliveries;
  }
  // A library caller gets what the terminal, the log and the webhooks get: no secret in the
  // outcome (a decision reason or a message quoting a token from the steps' environment). The
  // deliveries already name each webhook by its origin only, which the caller needs to tell them apart.
  const { notifications, ...rest } = result;
  const redacted = redactDeep(rest, run.redact);
  return notifications ? { ...redacted, notifications } : redacted;
}

export interface Gate {
  /** The reasons printed (all of them unless given). */
  shown?: DecisionReason[];
  /** Extra fields of the `decision` event. */
  event?: Record<string, unknown>;
  /** On no-go: the `failed` event's message and the outcome's message. */
  noGo: { log: string; message: string };
  /** One line per migration, for the approver. */
  migrations: string[];
  /** Shown before the question (the rollback plan). */
  details?: string;
  /** The environment's policy: who may approve, and whether at a terminal only. */
  policy?: EnvironmentPolicy;
}

/**
 * Logs and shows the policy's decision, then stops on no-go and asks for approval on
 * needs-approval. Resolves to the finished outcome when the release stops here, else undefined.
 */
export async function decide(run: Run, outcome: ReleaseOutcome, decision: Decision, gate: Gate): Promise<ReleaseOutcome | undefined> {
  const decisionId = decisionIdOf(decision);
  outcome.decision = decision;
  outcome.decisionId = decisionId;
  await run.event("decision", { ...decisionEventFields(decision, decisionId), ...gate.event });
  run.say(`Decision: ${decision.decision.toUpperCase()} (${decisionId})`);
  const shown = gate.shown ?? decision.reasons;
  if (shown.length > 0) run.say(reasonLines(shown).join("\n"));
  if (decision.decision === "no-go") {
    await run.event("failed", { reason: "no-go", decisionId, message: gate.noGo.log });
    return finish(outcome, "no-go", gate.noGo.message);
  }
  if (decision.decision === "needs-approval") {
    const approval = await askApproval(run, decision, decisionId, gate.migrations, gate.details, gate.policy);
    if (approval.approver) outcome.approver = approval.approver;
    if (approval.status === "pending") return finish(outcome, "pending", "approval pending: nothing ran");
    if (approval.status === "rejected") return finish(outcome, "rejected", `rejected by ${approval.approver}: nothing ran`);
  }
  return undefined;
}

/** Asks for approval: nobody answering, a pause or a rejection stop the release with nothing run. */
async function askApproval(run: Run, decision: Decision, decisionId: string, migrations: string[], details?: string, policy?: EnvironmentPolicy): Promise<{ status: "approved" | "pending" | "rejected"; approver?: string }> {
  const approver = run.options.approver;
  const request: ApprovalRequest = {
    releaseId: run.releaseId,
    decisionId,
    kind: run.kind,
    project: run.config.project,
    environment: run.environment.name,
    version: run.version,
    migrations,
    decision,
    ...(details ? { details } : {}),
  };
  const response = approver ? await approver.ask(request) : undefined;
  if (!response) {
    await run.event("pending", { reason: "approval-required", decisionId, message: "approval required; nobody answered" });
    run.say(
      `⏸ ${run.environment.name}: approval required — nothing ran. Release ${run.releaseId} is pending.\n` +
        `  Answer with --answer yes|no|wait --approver NAME (or run on a terminal).`,
    );
    return { status: "pending" };
  }
  const name = response.approver.trim();
  if (!name || /[\r\n]/.test(name) || name.length > 200) throw new ReleaseInputError(`invalid approver name ${JSON.stringify(response.approver)}`);
  // An approval the policy does not accept (not a listed approver, or not at a terminal) is refused and logged.
  const refusal = response.answer === "approved" ? approvalRefusal(policy, run.environment.name, { approver: name, interactive: approver?.interactive === true }) : undefined;
  if (refusal) {
    await run.event("failed", { reason: "approval-refused", decisionId, approver: name, message: `approval refused: ${refusal}` });
    run.say(`✗ approval refused: ${refusal} — nothing ran.`);
    return { status: "rejected", approver: name };
  }
  await run.event("approval", { answer: response.answer, approver: name, decisionId });
  if (response.answer === "paused") {
    await run.event("pending", { reason: "paused", decisionId, approver: name, message: `${name} asked to wait` });
    run.say(`⏸ ${name} asked to wait — nothing ran. Release ${run.releaseId} is pending.`);
    return { status: "pending", approver: name };
  }
  if (response.answer === "rejected") {
    await run.event("failed", { reason: "rejected", decisionId, approver: name, message: `rejected by ${name}` });
    run.say(`✗ rejected by ${name} — nothing ran.`);
    return { status: "rejected", approver: name };
  }
  run.say(`✓ approved by ${name}`);
  return { status: "approved", approver: name };
}
