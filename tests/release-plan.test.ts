// `gonogo cascade --plan FILE`: a plan's items run in order, each a deploy, end to end with the real
// CLI, real step scripts and a real 127.0.0.1 health server — a list plan and the operators'
// work-queue file, statuses written back, the completion promise, one answer per item.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FIXTURES, SCRIPTS, type HealthServer, runMain, servedWorkspace } from "./release-helpers.js";

const servers: HealthServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

const JUNIT = path.join(FIXTURES, "junit-pass.xml");

// A migration step the plan items that say "no migrations" skip.
const MIGRATE = `
      - name: migrate
        run: [${JSON.stringify(process.execPath)}, ${JSON.stringify(path.join(SCRIPTS, "deploy.mjs"))}, "migrate", "{environment}", "{version}"]
        migrations: true`;

async function workspace() {
  const ws = await servedWorkspace(servers, { extraSteps: MIGRATE });
  return ws;
}

function run(cwd: string, argv: string[]) {
  return runMain(cwd, argv);
}

describe("gonogo cascade --plan", () => {
  it("a YAML list: items in order, migration steps skipped where the item says no migrations, statuses written back with the comments kept, DEPLOYMENT_COMPLETE last", async () => {
    const ws = await workspace();
    const plan = path.join(ws.dir, "plan.yaml");
    writeFileSync(plan, "# tonight's releases\n- environment: development\n  version: 1.0.0\n- environment: development # hotfix, code only\n  version: 1.0.1\n  migrations: false\n");
    const r = await run(ws.dir, ["cascade", "--plan", "plan.yaml", "--write-status"]);
    expect(r.code).toBe(0);
    expect(ws.calls()).toEqual(["migrate development 1.0.0", "deploy development 1.0.0", "deploy development 1.0.1"]);
    expect(r.out).toContain("no migrations in this release: skipping step(s) migrate");
    expect(r.out.trimEnd().split("\n").at(-1)).toBe("DEPLOYMENT_COMPLETE");
    expect(readFileSync(plan, "utf8")).toBe(
      "# tonight's releases\n- environment: development\n  version: 1.0.0\n  status: completed\n- environment: development # hotfix, code only\n  version: 1.0.1\n  migrations: false\n  status: completed\n",
    );
    // The release without migrations records no new revision: the environment still runs 1.0.0's.
    const completed = ws.events().filter((e) => e.event === "completed");
    expect(completed.map((e) => [e.version, e.migrations !== undefined])).toEqual([
      ["1.0.0", true],
      ["1.0.1", false],
    ]);
    // Everything done: running it again runs nothing and promises again.
    const again = await run(ws.dir, ["cascade", "--plan", "plan.yaml"]);
    expect(again.code).toBe(0);
    expect(ws.calls()).toHaveLength(3);
    expect(again.out.trimEnd().split("\n").at(-1)).toBe("DEPLOYMENT_COMPLETE");
  });

  it("the operators' work-queue JSON as it is: non-pending features skipped, unknown keys kept, stops at the first failure; no promise", async () => {
    const ws = await workspace();
    const queue = {
      project: "credentialmate",
      owner: "ops",
      features: [
        { id: "F-1", environment: "development", version: "0.9.0", run_migrations: true, status: "completed", notes: "done last week" },
        { id: "F-2", environment: "development", version: "2.1.0-bad", run_migrations: false, status: "pending", ticket: "OPS-12" },
        { id: "F-3", environment: "development", version: "2.2.0", run_migrations: true, status: "pending", completion_promise: "ALL_DONE" },
      ],
    };
    const file = path.join(ws.dir, "queue.json");
    writeFileSync(file, JSON.stringify(queue, null, 2));
    const r = await run(ws.dir, ["cascade", "--plan", file, "--write-status"]);
    expect(r.code).toBe(1);
    expect(ws.calls()).toEqual(["deploy development 2.1.0-bad"]);
    expect(r.out).toMatch(/F-1 +development +0\.9\.0 +SKIPPED +status completed in the plan: not run/);
    expect(r.out).toMatch(/F-2 +development +2\.1\.0-bad +FAILED/);
    expect(r.out).toMatch(/F-3 +development +2\.2\.0 +NOT-RUN/);
    expect(r.out).not.toContain("ALL_DONE");
    const written = JSON.parse(readFileSync(file, "utf8"));
    expect(written).toEqual({ ...queue, features: [queue.features[0], { ...queue.features[1], status: "failed" }, queue.features[2]] });
  });

  it("one --answer approves one item: staging (first time) goes, production halts pending (exit 3); the next run with an answer completes it and prints the item's promise", async () => {
    const ws = await workspace();
    const plan = path.join(ws.dir, "plan.yaml");
    writeFileSync(plan, "- environment: staging\n  version: 1.0.0\n- environment: production\n  version: 1.0.0\n  completion_promise: SHIPPED\n");
    const first = await run(ws.dir, ["cascade", "--plan", "plan.yaml", "--write-status", "--junit", JUNIT, "--answer", "yes", "--approver", "carol"]);
    expect(first.code).toBe(3);
    expect(ws.calls()).toEqual(["migrate staging 1.0.0", "deploy staging 1.0.0"]);
    expect(readFileSync(plan, "utf8")).toContain("- environment: production\n  version: 1.0.0\n  completion_promise: SHIPPED\n  status: pending\n");
    expect(first.out).not.toContain("SHIPPED\n");
    const second = await run(ws.dir, ["cascade", "--plan", "plan.yaml", "--write-status", "--junit", JUNIT, "--answer", "yes", "--approver", "alice"]);
    expect(second.code).toBe(0);
    expect(ws.calls()).toEqual(["migrate staging 1.0.0", "deploy staging 1.0.0", "migrate production 1.0.0", "deploy production 1.0.0"]);
    expect(second.out.trimEnd().split("\n").at(-1)).toBe("SHIPPED");
    // The pending production release was resumed, not doubled.
    expect(new Set(ws.events().filter((e) => e.environment === "production").map((e) => e.releaseId)).size).toBe(1);
  });

  it("a bad plan is a config error naming the file, the line and the path, or the item; nothing runs, nothing is logged", async () => {
    const ws = await workspace();
    writeFileSync(path.join(ws.dir, "typo.yaml"), "- environment: development\n  version: 1.0.0\n  migration: false\n");
    const typo = await run(ws.dir, ["cascade", "--plan", "typo.yaml"]);
    expect(typo.code).toBe(2);
    expect(typo.err).toContain("typo.yaml:3:14: [0].migration is not a known key");
    writeFileSync(path.join(ws.dir, "unknown.yaml"), "features:\n  - id: F-9\n    environment: qa\n    version: 1.0.0\n");
    const unknown = await run(ws.dir, ["cascade", "--plan", "unknown.yaml"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown.yaml: item F-9 (features[0]): environment "qa" is not configured');
    const both = await run(ws.dir, ["cascade", "--plan", "typo.yaml", "--version", "1.0.0"]);
    expect(both.code).toBe(2);
    expect(both.err).toContain("needs --version V or --plan FILE (one of them)");
    expect(ws.calls()).toEqual([]);
    expect(ws.events()).toEqual([]);
  });
});
