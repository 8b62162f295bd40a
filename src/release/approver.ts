// Approvers: the operators' TTY prompt, and a non-interactive one for `--answer … --approver …`.
import { createInterface } from "node:readline";
import type { ApprovalAnswer, ApprovalRequest, ApprovalResponse, Approver } from "./types.js";

/** Reads an operator's answer: y/yes/approved/proceed, n/no/reject/cancel, wait/hold/not yet. */
export function parseApprovalAnswer(text: string): ApprovalAnswer | undefined {
  const answer = text.trim().toLowerCase().replace(/\s+/g, " ");
  if (["y", "yes", "approve", "approved", "proceed"].includes(answer)) return "approved";
  if (["n", "no", "reject", "rejected", "cancel"].includes(answer)) return "rejected";
  if (["wait", "hold", "not yet", "pause"].includes(answer)) return "paused";
  return undefined;
}

/** The operators' approval banner, printed before the question. */
export function approvalPrompt(request: ApprovalRequest): string {
  const lines = [
    "",
    "DEPLOYMENT APPROVAL REQUIRED",
    `Environment: ${request.environment}`,
    `Version: ${request.version}`,
    `Project: ${request.project}`,
    `Migrations: ${request.migrations.length === 0 ? "none" : request.migrations.length}`,
    ...request.migrations.map((line) => `  - ${line}`),
  ];
  if (request.kind === "rollback") lines.splice(2, 0, "Action: ROLLBACK");
  const reasons = request.decision.reasons.filter((reason) => reason.effect !== "info");
  if (reasons.length > 0) lines.push("Reasons:", ...reasons.map((reason) => `  - [${reason.code}] ${reason.message}`));
  if (request.details) lines.push(request.details.trimEnd());
  return `${lines.join("\n")}\n`;
}

/** Answers with a fixed value (`--answer yes|no|wait --approver NAME`). */
export function fixedApprover(answer: ApprovalAnswer, approver: string): Approver {
  return { ask: async () => ({ answer, approver }) };
}

/**
 * An approver that answers the first question only: later ones get no answer, so the release that
 * asked stays pending. One answer given in advance never approves two releases.
 */
export function singleAnswerApprover(approver: Approver): Approver {
  let used = false;
  return {
    ask: async (request) => {
      if (used) return undefined;
      used = true;
      return approver.ask(request);
    },
  };
}

/**
 * Where the operator answers: a readable stream such as `process.stdin`. Typed by the methods
 * readline uses, so that the package's public types do not need @types/node.
 */
export interface ApprovalInput {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  removeListener(event: string, listener: (...args: unknown[]) => void): unknown;
  pause(): unknown;
  resume(): unknown;
}

export interface TtyApproverOptions {
  input: ApprovalInput;
  output: { write(text: string): unknown };
  approver: string;
}

/**
 * Asks on a terminal: prints the banner, then `Proceed? [Y/N]` until an accepted answer arrives.
 * End of input without an answer leaves the release pending.
 */
export function ttyApprover(options: TtyApproverOptions): Approver {
  return {
    interactive: true,
    ask(request: ApprovalRequest): Promise<ApprovalResponse | undefined> {
      options.output.write(approvalPrompt(request));
      return new Promise((resolve) => {
        const rl = createInterface({ input: options.input as unknown as NodeJS.ReadableStream, terminal: false });
        let done = false;
        const finish = (value: ApprovalResponse | undefined): void => {
          if (done) return;
          done = true;
          rl.close();
          resolve(value);
        };
        options.output.write("Proceed? [Y/N] ");
        rl.on("line", (line) => {
          const answer = parseApprovalAnswer(line);
          if (answer) finish({ answer, approver: options.approver });
          else options.output.write(`Please answer yes, no or wait.\nProceed? [Y/N] `);
        });
        rl.on("close", () => finish(undefined));
      });
    },
  };
}
