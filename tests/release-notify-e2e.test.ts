// Notifications end to end: the real CLI with real step scripts, a real health server and webhook
// receivers on 127.0.0.1 that are slow, down or answering 500. A webhook never changes a release.
import { afterAll, describe, expect, it } from "vitest";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { main } from "../src/cli/main.js";
import { FIXTURES, makeWorkspace, memoryIO, startHealthServer, type HealthServer } from "./release-helpers.js";
import { downUrl, startWebhook, type WebhookServer } from "./notify-helpers.js";

const servers: (HealthServer | WebhookServer)[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

async function workspace(notify: string) {
  const ws = makeWorkspace({ healthUrl: "http://placeholder" });
  const health = await startHealthServer(ws.dir);
  servers.push(health);
  writeFileSync(ws.config, readFileSync(ws.config, "utf8").replaceAll("http://placeholder", health.url) + notify);
  return ws;
}

async function run(cwd: string, argv: string[], env: Record<string, string> = {}) {
  const io = memoryIO(cwd, env);
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

const SECRET = "T0001/B0002/hooksecretXYZ123";

describe("a bad notify config: exit 2 naming file:line:column and the path, nothing logged or run", () => {
  const cases: [string, string, RegExp, RegExp][] = [
    ["an unknown format", "notify:\n  - url: https://hooks.example.com/x\n    format: teams\n", /notify\[0\]\.format must be one of "json", "slack", "discord"/, /^\s+format: teams/],
    ["an unknown event", "notify:\n  - url: https://hooks.example.com/x\n    events: [completed, deployed]\n", /notify\[0\]\.events\[1\] must be one of "pending", "completed", "failed", "rolled-back", "no-go", "rejected"/, /events:/],
    ["a URL that is not http", "notify:\n  - url: ftp://hooks.example.com/x\n", /notify\[0\]\.url must match/, /url: ftp/],
    ["an unknown key", "notify:\n  - url: https://hooks.example.com/x\n    token: abc\n", /notify\[0\]\.token is not a known key/, /token: abc/],
    ["too many retries", "notify:\n  - url: https://hooks.example.com/x\n    retries: 9\n", /notify\[0\]\.retries must be <= 4/, /retries: 9/],
    ["a missing environment variable", "notify:\n  - url: https://hooks.example.com/x\n  - url: ${SLACK_WEBHOOK_URL}\n", /notify\[1\]\.url needs the environment variable SLACK_WEBHOOK_URL, which is not set/, /url: \$\{SLACK_WEBHOOK_URL\}/],
    ["a variable that is not a URL", "notify:\n  - url: ${SLACK_WEBHOOK_URL}\n", /notify\[0\]\.url is not a valid URL once its \$\{…\} variables are read/, /url: \$\{SLACK/],
    ["an unknown link placeholder", "notify:\n  - url: https://hooks.example.com/x\n    link: https://ci.example.com/{sha}\n", /notify\[0\]\.link has an unknown placeholder \{sha\} \(known: \{project\}/, /link: https/],
  ];
  it.each(cases)("%s", async (name, notify, message, line) => {
    const ws = await workspace(notify);
    const env: Record<string, string> = name === "a variable that is not a URL" ? { SLACK_WEBHOOK_URL: `not a url ${SECRET}` } : {};
    const r = await run(ws.dir, ["deploy", "--env", "development", "--version", "1.0.0"], env);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    const at = new RegExp(`${ws.config.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:(\\d+):(\\d+): notify`).exec(r.err);
    expect(at).not.toBeNull();
    expect(readFileSync(ws.config, "utf8").split("\n")[Number(at![1]) - 1]).toMatch(line);
    expect(r.err).not.toContain(SECRET);
    expect(r.out).toBe("");
    expect(existsSync(ws.log)).toBe(false);
    expect(ws.calls()).toEqual([]);
  });
});

/** Three releases (completed; failed and rolled back; pending) and what they left behind. */
async function scenario(hookUrl: string | undefined, timeout = "1s") {
  const notify = hookUrl ? `notify:\n  - url: \${HOOK_URL}\n    timeout: ${timeout}\n    retries: 1\n` : "";
  const ws = await workspace(notify);
  const env: Record<string, string> = hookUrl ? { HOOK_URL: `${hookUrl}/services/${SECRET}` } : {};
  const started = Date.now();
  const runs = [
    await run(ws.dir, ["deploy", "--env", "development", "--version", "1.0.0"], env),
    await run(ws.dir, ["deploy", "--env", "development", "--version", "1.1.0-bad"], env),
    await run(ws.dir, ["deploy", "--env", "production", "--version", "2.0.0", "--junit", path.join(FIXTURES, "junit-pass.xml")], env),
  ];
  const elapsedMs = Date.now() - started;
  // What differs from one workspace to the next: ids, times, the health server's port, the directory.
  const normalize = (text: string) =>
    text
      .split(ws.dir)
      .join("<dir>")
      .replace(/r-\d{8}-\d{6}Z-[0-9a-f]{6}/g, "<id>")
      .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, "<ts>")
      .replace(/d-[0-9a-f]{12}/g, "<decision>")
      .replace(/sha256:[0-9a-f]{64}/g, "<hash>")
      .replace(/127\.0\.0\.1:\d+/g, "<host>")
      .replace(/\d+(\.\d+)?(ms|s)\b/g, "<t>");
  const log = ws.events().map((e) => {
    // `prev` (the hash chain) follows the times and ids, which differ from run to run.
    const { ts: _ts, releaseId: _id, durationMs: _d, pid: _p, user: _u, checks: _c, output: _o, evaluatedAt: _e, inputsHash: _i, decisionId: _di, prev: _prev, ...rest } = e;
    return JSON.parse(normalize(JSON.stringify(rest))) as Record<string, unknown>;
  });
  return {
    codes: runs.map((r) => r.code),
    out: runs.map((r) => normalize(r.out)),
    err: runs.map((r) => r.err).join(""),
    raw: runs.map((r) => r.out + r.err).join("") + readFileSync(ws.log, "utf8"),
    log,
    calls: ws.calls(),
    elapsedMs,
  };
}

describe("a failing webhook never changes a release", () => {
  it("slow (beyond the timeout), down (connection refused) and answering 500: same exit codes, output and log as without notify", async () => {
    const baseline = await scenario(undefined);
    expect(baseline.codes).toEqual([0, 1, 3]);
    expect(baseline.err).toBe("");

    const ok = await startWebhook("ok");
    const slow = await startWebhook("slow", 3000);
    const failing = await startWebhook("error");
    servers.push(ok, slow, failing);
    const cases = { ok: ok.url, slow: slow.url, down: await downUrl(), "500": failing.url };
    for (const [name, url] of Object.entries(cases)) {
      // Generous timeouts where the answer is quick (a loaded machine must not turn a 500 into a timeout).
      const result = await scenario(url, name === "slow" ? "300ms" : name === "ok" ? "5s" : "1s");
      expect(result.codes, name).toEqual(baseline.codes);
      expect(result.out, name).toEqual(baseline.out);
      expect(result.log, name).toEqual(baseline.log);
      expect(result.calls, name).toEqual(baseline.calls);
      expect(result.raw, name).not.toContain(SECRET);
      if (name === "ok") {
        expect(result.err).toBe("");
        continue;
      }
      // completed; rolled-back and failed; pending: each reported once on stderr, without the URL.
      const warnings = result.err.trim().split("\n");
      expect(warnings.map((w) => /: (\S+) notification of/.exec(w)?.[1]), name).toEqual(["completed", "rolled-back", "failed", "pending"]);
      const why = { slow: "timed out after 300ms", down: "ECONNREFUSED", "500": "HTTP 500" }[name]!;
      for (const warning of warnings) expect(warning, name).toMatch(new RegExp(`^⚠ notify\\[0\\] \\(json, ${url.replace(/[.]/g, "\\.")}/…\\): .* not delivered after [12] tr(y|ies): ${why} \\(the release is not affected\\)$`));
      // Retries are bounded: 2 tries for the first notification of a run, 1 after that webhook gave up once.
      expect(warnings.map((w) => /after (\d)/.exec(w)?.[1])).toEqual(["2", "2", "1", "2"]);
      expect(result.elapsedMs, name).toBeLessThan(baseline.elapsedMs + 15_000);
    }
    expect(ok.received.map((r) => r.body.event)).toEqual(["completed", "rolled-back", "failed", "pending"]);
    expect(ok.received.every((r) => r.path === `/services/${SECRET}`)).toBe(true);
    expect(failing.hits).toBe(7);
    expect(slow.hits).toBe(7);
  });
});

describe("every wrapper notifies", () => {
  it("a cascade tells each stage's outcome with its cascade id; `gonogo approve` tells the outcome of the release it carries out", async () => {
    const hook = await startWebhook("ok");
    servers.push(hook);
    const ws = await workspace(`notify:\n  - url: ${hook.url}/ops\n    link: https://ci.example.com/{project}/{environment}/{releaseId}\n`);
    const junit = path.join(FIXTURES, "junit-pass.xml");
    const cascade = await run(ws.dir, ["cascade", "--version", "1.0.0", "--junit", junit, "--answer", "yes", "--approver", "carol"]);
    expect(cascade.code).toBe(3);
    expect(cascade.err).toBe("");
    const stages = hook.received.map((r) => r.body);
    expect(stages.map((b) => `${b.event} ${b.environment} ${b.approver ?? "-"}`)).toEqual(["completed development -", "completed staging carol", "pending production -"]);
    expect(stages.every((b) => b.cascadeId === "c-credentialmate-1.0.0")).toBe(true);
    expect(stages[1]).toMatchObject({ decision: "needs-approval", reasons: expect.arrayContaining([expect.objectContaining({ code: "first-time-approval" })]) });
    const pendingId = stages[2]!.releaseId as string;
    expect(stages[2]!.link).toBe(`https://ci.example.com/credentialmate/production/${pendingId}`);

    const approved = await run(ws.dir, ["approve", pendingId, "--answer", "yes", "--approver", "alice"]);
    expect(approved.code).toBe(0);
    expect(hook.received.at(-1)!.body).toMatchObject({ event: "completed", environment: "production", version: "1.0.0", releaseId: pendingId, approver: "alice", decision: "needs-approval" });
    expect(hook.received).toHaveLength(4);
  });
});
