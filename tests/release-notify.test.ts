// Webhook notifications through the library API: which outcome sends what, the payload of each
// format, and redaction. Real HTTP to a receiver on 127.0.0.1; steps, health and decisions injected.
import { afterAll, describe, expect, it } from "vitest";
import { rechainLog } from "./release-helpers.js";
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { deploy, releaseConfigFrom, rollback, type Clock, type ExecRequest, type Executor, type Preflight, type ReleaseConfig } from "../src/release/index.js";
import type { Decision, DecisionReason, DecisionValue } from "../src/types.js";
import { notificationPayload, type Notification } from "../src/release/notify-format.js";
import { startWebhook, type WebhookServer } from "./notify-helpers.js";

const servers: WebhookServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

async function webhook(mode: "ok" | "error" | "slow" | "endless" = "ok", errorStatus = 500): Promise<WebhookServer> {
  const s = await startWebhook(mode, 2000, errorStatus);
  servers.push(s);
  return s;
}

function preflight(value: DecisionValue, reasons?: DecisionReason[]): Preflight {
  return async (options) =>
    ({
      decision: value,
      environment: options.environment,
      project: "shop",
      version: options.version,
      reasons: reasons ?? (value === "go" ? [] : [{ code: value === "no-go" ? "blocking-finding" : "approval-required", effect: value, message: `because ${value}` }]),
      requiredApprovals: value === "needs-approval" ? 1 : 0,
      autoRollback: value !== "needs-approval",
      policyHash: "p",
      inputsHash: "i",
      evaluatedAt: "2024-06-01T00:00:00.000Z",
    }) satisfies Decision;
}

/** Steps whose argv contains `fail` exit 2; every step prints `output`. */
function executor(fail = "", output = "done\n"): Executor {
  return {
    async run(request: ExecRequest) {
      const failed = fail !== "" && request.argv.join(" ").includes(fail);
      return { exitCode: failed ? 2 : 0, signal: null, timedOut: false, interrupted: false, output, outputBytes: output.length, truncated: false, durationMs: 5 };
    },
  };
}

const healthy = { check: async () => ({ ok: true, status: 200, durationMs: 1 }) };

/** A clock that moves 1.5 s each time it is read, so durations are not 0. */
function steppingClock(): Clock {
  let t = Date.parse("2024-06-01T12:00:00.000Z");
  return { now: () => new Date((t += 1500)), sleep: async () => undefined };
}

function config(notify: unknown[], env: Record<string, string> = {}): ReleaseConfig {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gonogo-notify-"));
  const environment = {
    steps: [{ name: "deploy", run: ["./deploy", "{environment}", "{version}"] }],
    rollback: [{ name: "rollback", run: ["./rollback", "{environment}", "{previousVersion}"] }],
  };
  return releaseConfigFrom({ project: "shop", environments: { development: environment, production: environment }, notify }, { baseDir: dir, env });
}

function seedCompleted(cfg: ReleaseConfig, environment: string, version: string): void {
  mkdirSync(path.dirname(cfg.logPath), { recursive: true });
  appendFileSync(cfg.logPath, JSON.stringify({ v: 1, ts: "2024-05-01T12:00:00.000Z", releaseId: `r-seed-${environment}-${version}`, event: "completed", project: cfg.project, environment, version }) + "\n");
  rechainLog(cfg.logPath);
}

const common = { healthProbe: healthy, env: {}, warn: () => undefined };

describe("which outcomes notify", () => {
  it("one notification per outcome, in order: completed, rolled-back + failed, pending, rejected, no-go, a manual rollback", async () => {
    const hook = await webhook();
    const cfg = config([{ url: `${hook.url}/all` }]);
    const clock = steppingClock();
    const base = { ...common, config: cfg, clock };
    expect((await deploy({ ...base, environment: "development", version: "1.0.0", executor: executor(), preflight: preflight("go") })).status).toBe("completed");
    const failed = await deploy({ ...base, environment: "development", version: "1.1.0", executor: executor("./deploy"), preflight: preflight("go") });
    expect(failed.status).toBe("failed");
    expect((await deploy({ ...base, environment: "production", version: "2.0.0", executor: executor(), preflight: preflight("needs-approval") })).status).toBe("pending");
    const rejected = await deploy({ ...base, environment: "production", version: "2.0.0", executor: executor(), preflight: preflight("needs-approval"), approver: { ask: async () => ({ answer: "rejected", approver: "bob" }) } });
    expect(rejected.status).toBe("rejected");
    expect((await deploy({ ...base, environment: "production", version: "2.0.1", executor: executor(), preflight: preflight("no-go") })).status).toBe("no-go");
    expect((await rollback({ ...base, environment: "development", to: "1.0.0", executor: executor() })).status).toBe("completed");

    const got = hook.received.map((r) => r.body);
    expect(got.map((b) => `${b.event} ${b.environment} ${b.version}`)).toEqual([
      "completed development 1.0.0",
      "rolled-back development 1.1.0",
      "failed development 1.1.0",
      "pending production 2.0.0",
      "rejected production 2.0.0",
      "no-go production 2.0.1",
      "rolled-back development 1.0.0",
    ]);
    expect(got[1]).toMatchObject({ kind: "deploy", rolledBackTo: "1.0.0", previousVersion: "1.0.0" });
    expect(got[2]).toMatchObject({ message: "step deploy failed", previousVersion: "1.0.0" });
    expect(got[3]).toMatchObject({ decision: "needs-approval", reasons: [{ code: "approval-required", effect: "needs-approval", message: "because needs-approval" }] });
    expect(got[4]).toMatchObject({ approver: "bob" });
    expect(got[5]).toMatchObject({ decision: "no-go", reasons: [{ code: "blocking-finding" }] });
    expect(got[6]).toMatchObject({ kind: "rollback", rolledBackTo: "1.0.0", previousVersion: "1.0.0" });
    // Every delivery is in the outcome.
    expect(failed.notifications?.map((d) => [d.event, d.ok, d.tries])).toEqual([
      ["rolled-back", true, 1],
      ["failed", true, 1],
    ]);
  });

  it("`events` picks what a webhook gets", async () => {
    const hook = await webhook();
    const cfg = config([{ url: hook.url, events: ["failed", "no-go"] }]);
    const base = { ...common, config: cfg, clock: steppingClock() };
    await deploy({ ...base, environment: "development", version: "1.0.0", executor: executor(), preflight: preflight("go") });
    await deploy({ ...base, environment: "development", version: "1.1.0", executor: executor("./deploy"), preflight: preflight("go") });
    await deploy({ ...base, environment: "production", version: "2.0.0", executor: executor(), preflight: preflight("no-go") });
    expect(hook.received.map((r) => r.body.event)).toEqual(["failed", "no-go"]);
  });
});

describe("outcomes that end a release early", () => {
  it("an interrupted release is a `failed` notification with the manual rollback command", async () => {
    const hook = await webhook();
    const cfg = config([{ url: hook.url }]);
    seedCompleted(cfg, "development", "1.0.0");
    const controller = new AbortController();
    const interrupting: Executor = {
      async run() {
        controller.abort(new Error("received SIGINT"));
        return { exitCode: null, signal: "SIGINT", timedOut: false, interrupted: true, output: "", outputBytes: 0, truncated: false, durationMs: 5 };
      },
    };
    const outcome = await deploy({ ...common, config: cfg, clock: steppingClock(), environment: "development", version: "1.1.0", executor: interrupting, preflight: preflight("go"), signal: controller.signal });
    expect(outcome.status).toBe("interrupted");
    expect(hook.received.map((r) => r.body)).toMatchObject([
      { event: "failed", version: "1.1.0", previousVersion: "1.0.0", message: "interrupted by a signal", manualRollback: "gonogo rollback --env development --to 1.0.0" },
    ]);
  });

  it("a pending release closed as expired by the next deploy is a `failed` notification of that release", async () => {
    const hook = await webhook();
    const cfg = { ...config([{ url: hook.url }]), pendingExpiryMs: 60_000 };
    mkdirSync(path.dirname(cfg.logPath), { recursive: true });
    const old = { v: 1, releaseId: "r-20240501-120000Z-abcdef", project: "shop", environment: "production", version: "1.9.0", kind: "deploy" };
    appendFileSync(cfg.logPath, [{ ...old, ts: "2024-05-01T12:00:00.000Z", event: "requested" }, { ...old, ts: "2024-05-01T12:00:01.000Z", event: "pending", reason: "approval-required" }].map((e) => JSON.stringify(e)).join("\n") + "\n");
    await deploy({ ...common, config: cfg, clock: steppingClock(), environment: "production", version: "2.0.0", executor: executor(), preflight: preflight("no-go") });
    expect(hook.received.map((r) => [r.body.event, r.body.releaseId, r.body.version, r.body.message])).toEqual([
      ["failed", "r-20240501-120000Z-abcdef", "1.9.0", "no approval within 1m00s"],
      ["no-go", expect.stringMatching(/^r-2024/), "2.0.0", "the policy said no-go"],
    ]);
  });
});

describe("payloads", () => {
  const reasons: DecisionReason[] = [
    { code: "approval-required", effect: "needs-approval", message: "production releases need an approval" },
    { code: "finding", effect: "info", message: "sql/add-column in 0003_audit.py:12" },
  ];

  async function approvedProductionRelease(format: string) {
    const hook = await webhook();
    const cfg = config([{ url: `${hook.url}/${format}`, format, link: "https://ci.example.com/releases/{releaseId}?env={environment}&v={version}&from={previousVersion}" }]);
    seedCompleted(cfg, "production", "2.0.0");
    const outcome = await deploy({
      ...common,
      config: cfg,
      clock: steppingClock(),
      environment: "production",
      version: "2.1.0",
      executor: executor(),
      preflight: preflight("needs-approval", reasons),
      approver: { ask: async () => ({ answer: "approved", approver: "alice" }) },
    });
    expect(outcome.status).toBe("completed");
    expect(hook.received).toHaveLength(1);
    const link = `https://ci.example.com/releases/${outcome.releaseId}?env=production&v=2.1.0&from=2.0.0`;
    return { hook: hook.received[0]!, link, releaseId: outcome.releaseId! };
  }

  it("json: one compact object with environment, versions, reasons, approver, duration and link", async () => {
    const { hook, link, releaseId } = await approvedProductionRelease("json");
    expect(hook.contentType).toBe("application/json");
    expect(hook.raw).not.toContain("\n");
    expect(hook.raw).toBe(JSON.stringify(hook.body));
    expect(hook.body).toEqual({
      event: "completed",
      ts: expect.any(String),
      project: "shop",
      environment: "production",
      version: "2.1.0",
      previousVersion: "2.0.0",
      kind: "deploy",
      releaseId,
      decision: "needs-approval",
      reasons,
      approver: "alice",
      durationMs: expect.any(Number),
      link,
    });
    expect(hook.body.durationMs).toBeGreaterThan(0);
  });

  it("slack: text and blocks with the same facts", async () => {
    const { hook, link, releaseId } = await approvedProductionRelease("slack");
    expect(Object.keys(hook.body).sort()).toEqual(["blocks", "text"]);
    expect(hook.body.text).toBe("✅ shop 2.1.0 is live in production (was 2.0.0)");
    const blocks = hook.body.blocks as { type: string; text?: { text: string }; elements?: { text: string }[] }[];
    const section = blocks[0]!.text!.text;
    expect(section).toContain("Previous version: 2.0.0");
    expect(section).toContain("Decision: NEEDS-APPROVAL");
    expect(section).toContain("• `approval-required` production releases need an approval");
    expect(section).toContain("Approver: alice");
    expect(section).toMatch(/Duration: \d+\.\ds/);
    expect(section).toContain(`Release: ${releaseId}`);
    expect(blocks[1]!.elements![0]!.text).toBe(`<${link.replace(/&/g, "&amp;")}|Open release ${releaseId}>`);
  });

  it("discord: content with the same facts, no mentions", async () => {
    const { hook, link } = await approvedProductionRelease("discord");
    const content = hook.body.content as string;
    expect(content.split("\n")[0]).toBe("✅ shop 2.1.0 is live in production (was 2.0.0)");
    for (const line of ["Previous version: 2.0.0", "• `approval-required` production releases need an approval", "Approver: alice", `<${link}>`]) expect(content).toContain(line);
    expect(content).toMatch(/Duration: \d+\.\ds/);
    expect(hook.body.allowed_mentions).toEqual({ parse: [] });
  });
});

describe("secrets", () => {
  const TOKEN = "tok-9f8e7d6c5b4a";
  const HOOK_SECRET = "T0001/B0002/hooksecretXYZ123";

  it("a secret in a reason or a message never reaches a payload; the webhook URL never reaches the log or a warning", async () => {
    const hook = await webhook();
    const broken = await webhook("error");
    const env = { DEPLOY_TOKEN: TOKEN, HOOK_URL: `${broken.url}/services/${HOOK_SECRET}` };
    const cfg = config(
      [
        { url: `${hook.url}/services/\${HOOK_PATH}`, format: "json" },
        { url: `${hook.url}/slack`, format: "slack" },
        { url: `${hook.url}/discord`, format: "discord" },
        { url: "${HOOK_URL}", retries: 0 },
      ],
      { ...env, HOOK_PATH: HOOK_SECRET },
    );
    const warnings: string[] = [];
    const outcome = await deploy({
      ...common,
      env: { ...env, HOOK_PATH: HOOK_SECRET },
      warn: (text) => warnings.push(text),
      config: cfg,
      clock: steppingClock(),
      environment: "production",
      version: "2.1.0",
      // The step prints the webhook URL and the token; the decision's reason quotes the token and a GitHub token.
      executor: executor("", `posting to ${env.HOOK_URL} with ${TOKEN}\n`),
      preflight: preflight("no-go", [{ code: "blocking-finding", effect: "no-go", message: `DEPLOY_TOKEN=${TOKEN} and ghp_abcdefghijklmnopqrstuvwxyz0123456789 in deploy.sh` }]),
    });
    expect(outcome.status).toBe("no-go");
    expect(hook.received.map((r) => r.path)).toEqual([`/services/${HOOK_SECRET}`, "/slack", "/discord"]);
    for (const received of hook.received) {
      expect(received.raw).not.toContain(TOKEN);
      expect(received.raw).not.toContain("ghp_abcdefghijklmnopqrstuvwxyz0123456789");
      expect(received.raw).toContain("[REDACTED");
    }
    expect(broken.hits).toBe(1);
    expect(warnings.join("")).toContain(`notify[3] (json, ${broken.url}/…): no-go notification of ${outcome.releaseId} not delivered after 1 try: HTTP 500`);
    const log = readFileSync(cfg.logPath, "utf8");
    for (const text of [warnings.join(""), log, JSON.stringify(outcome.notifications)]) {
      expect(text).not.toContain(HOOK_SECRET);
      expect(text).not.toContain(TOKEN);
    }
  });

  it("a step that prints the webhook URL, or only its token path, has it redacted in the log", async () => {
    const hook = await webhook();
    const url = `${hook.url}/services/${HOOK_SECRET}`;
    const other = await webhook();
    const cfg = config([{ url: "${WEBHOOK}" }, { url: `${other.url}/hooks/\${DISCORD_PART}` }], { WEBHOOK: url, DISCORD_PART: "9988776655/discordtokenABC" });
    const output = `webhook is ${url}\npath /services/${HOOK_SECRET}\npart 9988776655/discordtokenABC\n`;
    await deploy({ ...common, config: cfg, clock: steppingClock(), environment: "development", version: "1.0.0", executor: executor("", output), preflight: preflight("go") });
    const log = readFileSync(cfg.logPath, "utf8");
    expect(log).not.toContain(HOOK_SECRET);
    expect(log).not.toContain("discordtokenABC");
    expect(log).toContain("webhook is [REDACTED:notify-url]");
    expect(log).toContain("path [REDACTED:notify-url]");
    expect(log).toContain("part [REDACTED:notify-url]");
    expect(other.received).toHaveLength(1);
    expect(hook.received).toHaveLength(1);
  });
});

describe("payload bounds", () => {
  const many: Notification = {
    event: "no-go",
    ts: "2024-06-01T12:00:00.000Z",
    project: "shop",
    environment: "production",
    version: "2.0.0",
    kind: "deploy",
    releaseId: "r-1",
    reasons: Array.from({ length: 150 }, (_, i) => ({ code: "blocking-finding", effect: "no-go", message: `finding ${i} @everyone` })),
  };

  it("json carries 100 reasons and counts the rest; slack and discord list 10", () => {
    const json = notificationPayload(many, "json");
    expect((json.reasons as unknown[]).length).toBe(100);
    expect(json.reasonsOmitted).toBe(50);
    const slack = notificationPayload(many, "slack") as { blocks: { text: { text: string } }[] };
    expect(slack.blocks[0]!.text.text).toContain("• `blocking-finding` finding 9 @everyone\n• … and 140 more");
    const discord = notificationPayload(many, "discord") as { content: string };
    expect(discord.content).toContain("• … and 140 more");
    expect(discord.content.length).toBeLessThanOrEqual(2000);
  });
});

describe("delivery", () => {
  it("an answer's body is not read: a webhook that streams without end is delivered at once", async () => {
    const endless = await webhook("endless");
    const cfg = config([{ url: endless.url, timeout: "3s" }]);
    const started = Date.now();
    const outcome = await deploy({ ...common, config: cfg, clock: steppingClock(), environment: "development", version: "1.0.0", executor: executor(), preflight: preflight("go") });
    expect(outcome.notifications).toEqual([{ target: `notify[0] (json, ${endless.url}/…)`, event: "completed", releaseId: outcome.releaseId, ok: true, tries: 1, status: 200 }]);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("a 4xx answer is not retried; a 5xx is, up to `retries`", async () => {
    const failing = await webhook("error");
    const warnings: string[] = [];
    const cfg = config([{ url: failing.url, retries: 3 }]);
    const outcome = await deploy({ ...common, warn: (t) => warnings.push(t), config: cfg, clock: steppingClock(), environment: "development", version: "1.0.0", executor: executor(), preflight: preflight("go") });
    expect(outcome.status).toBe("completed");
    expect(outcome.exitCode).toBe(0);
    expect(failing.hits).toBe(4);
    expect(outcome.notifications).toMatchObject([{ ok: false, tries: 4, status: 500, error: "HTTP 500" }]);
    expect(warnings).toHaveLength(1);

    const gone = await webhook("error", 404);
    const cfg404 = config([{ url: gone.url, retries: 3 }]);
    const refused = await deploy({ ...common, config: cfg404, clock: steppingClock(), environment: "development", version: "1.0.0", executor: executor(), preflight: preflight("go") });
    expect(refused.status).toBe("completed");
    expect(gone.hits).toBe(1);
    expect(refused.notifications).toMatchObject([{ ok: false, tries: 1, status: 404, error: "HTTP 404" }]);
  });
});
