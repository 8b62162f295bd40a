// Issue 17, items 9 and 10 on the release side: what is read back from the deployment log is
// validated before it can reach an argv, a log line missing fields is reported (never
// dereferenced), and redaction covers the secret shapes a careless step prints. Each attack has a
// harmless twin that goes through.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { createRedactor, isSecretName, parseLog } from "../src/release/index.js";
import { makeWorkspace, memoryIO, startHealthServer, type Workspace } from "./release-helpers.js";
import { ensureBuilt, runBin, withRepoTraversableByOthers } from "./hardening-helpers.js";

const completed = (version: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ v: 1, ts: "2026-11-30T10:00:00.000Z", releaseId: "r-old", event: "completed", project: "credentialmate", environment: "development", version, ...extra });

async function withWorkspace(fn: (ws: Workspace) => Promise<void>): Promise<void> {
  const ws = makeWorkspace({ healthUrl: "http://placeholder" });
  const server = await startHealthServer(ws.dir);
  try {
    writeFileSync(ws.config, readFileSync(ws.config, "utf8").replaceAll("http://placeholder", server.url));
    mkdirSync(path.dirname(ws.log), { recursive: true });
    await fn(ws);
  } finally {
    await server.close();
  }
}

describe("{previousVersion} read back from the log is validated like --version", () => {
  it("attack: a log whose current version is `1.0.0;touch PWNED`: deploy exits 2 before any step runs and logs nothing", async () => {
    await withWorkspace(async (ws) => {
      writeFileSync(ws.log, `${completed("1.0.0;touch PWNED")}\n`);
      const io = memoryIO(ws.dir);
      const code = await main(["deploy", "--env", "development", "--version", "2.0.0"], io);
      expect(code).toBe(2);
      expect(io.err()).toMatch(/deployment log records development's current version as "1\.0\.0;touch PWNED".*shell operator/);
      expect(io.err()).not.toMatch(/\n\s+at /);
      expect(ws.calls()).toEqual([]);
      expect(readFileSync(ws.log, "utf8").trim().split("\n")).toHaveLength(1);
    });
  }, 60_000);

  it("attack: a leading dash (`--force`) is refused the same way, for rollback too", async () => {
    await withWorkspace(async (ws) => {
      writeFileSync(ws.log, `${completed("--force")}\n`);
      const io = memoryIO(ws.dir);
      expect(await main(["rollback", "--env", "development", "--to", "1.0.0"], io)).toBe(2);
      expect(io.err()).toMatch(/starts with '-'/);
      expect(ws.calls()).toEqual([]);
    });
  }, 60_000);

  it("twin: a log whose current version is 1.0.0: deploy runs and a failure rolls back to it", async () => {
    await withWorkspace(async (ws) => {
      writeFileSync(ws.log, `${completed("1.0.0")}\n`);
      const io = memoryIO(ws.dir, { FAIL_ACTION: "deploy" });
      const code = await main(["deploy", "--env", "development", "--version", "2.0.0"], io);
      expect(code).toBe(1);
      expect(ws.calls()).toEqual(["deploy development 2.0.0", "rollback development 1.0.0"]);
    });
  }, 60_000);
});

describe("a log line missing fields is a reported problem, never a crash", () => {
  it("attack: completed events without project or version, or with a numeric version: reported, skipped; deploy and log still work", async () => {
    const text = [
      JSON.stringify({ v: 1, ts: "2026-11-30T10:00:00.000Z", releaseId: "r1", event: "completed", environment: "development" }),
      completed(42),
      completed("1.0.0"),
    ].join("\n");
    const parsed = parseLog(`${text}\n`);
    expect(parsed.events).toHaveLength(1);
    expect(parsed.problems.map((p) => p.line)).toEqual([1, 2]);
    expect(parsed.problems[0]!.message).toMatch(/project and version required/);
    await withWorkspace(async (ws) => {
      writeFileSync(ws.log, `${text}\n`);
      const log = memoryIO(ws.dir);
      expect(await main(["log"], log)).toBe(0);
      expect(log.err()).not.toMatch(/\n\s+at /);
      const io = memoryIO(ws.dir);
      expect(await main(["deploy", "--env", "development", "--version", "2.0.0"], io)).toBe(0);
      expect(ws.calls()).toEqual(["deploy development 2.0.0"]);
    });
  }, 60_000);
});

describe("redaction covers the shapes a careless step prints", () => {
  const redact = createRedactor({ GH_PAT: "patvalue-123456", NPM_AUTH: "npmauth-98765", SENTRY_DSN: "https://abc123@o1.ingest.sentry.io/42" });
  const attacks: [string, string][] = [
    ['{"user": "app", "password": "hunter2-json"}', "hunter2-json"],
    ['{"client_secret": "cs-\\"quoted\\"-x"}', "quoted"],
    ["mysql --password hunter2-opt db", "hunter2-opt"],
    ["tool --api-key=apikey-val", "apikey-val"],
    ["vault --secret s3cret-val", "s3cret-val"],
    ["mysql -uroot -phunter2-short db", "hunter2-short"],
    ["curl -u admin:curlpass-1 https://x", "curlpass-1"],
    ["postgres://app:pa/ss@word@db:5432/x", "pa/ss@word"],
    ["key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY end", "wJalrXUtnFEMI"],
    ["X-Api-Key: xapikey-123", "xapikey-123"],
    ["token patvalue-123456", "patvalue-123456"],
    ["npm npmauth-98765", "npmauth-98765"],
    ["dsn https://abc123@o1.ingest.sentry.io/42", "abc123"],
    ["echo OTHER_DSN=dsn-literal-2", "dsn-literal-2"],
  ];
  it.each(attacks)("attack: %s", (line, secret) => {
    expect(redact(line)).not.toContain(secret);
    expect(redact(line)).toContain("REDACTED");
  });

  it("twins: ordinary output is left alone", () => {
    for (const line of [
      '{"user": "app", "passwordless": true}',
      "mkdir -p /tmp/dir",
      "docker run -p 8080:80 app",
      "commit 9b2d6c0a1b2c3d4e5f60718293a4b5c6d7e8f901 deployed",
      "deploying version 1.4.0 to production",
      "https://example.com/path@v2",
      "curl -u admin https://x",
    ]) expect(redact(line)).toBe(line);
    for (const name of ["GH_PAT", "NPM_AUTH", "SENTRY_DSN"]) expect(isSecretName(name)).toBe(true);
    for (const name of ["PATH", "AUTHOR", "PATCH_LEVEL"]) expect(isSecretName(name)).toBe(false);
  });
});

beforeAll(() => ensureBuilt(), 120_000);

describe("a deployment log that is not a writable regular file is a clean error (exit 2, no step runs)", () => {
  const kinds: [string, (log: string) => void, RegExp][] = [
    ["a directory", (log) => mkdirSync(log), /is a directory; expected a regular file/],
    ["a FIFO (deploy used to hang, deaf to SIGTERM)", (log) => execFileSync("mkfifo", [log]), /is a FIFO; expected a regular file/],
  ];
  it.each(kinds)("attack: the log is %s", async (_name, plant, message) => {
    await withWorkspace(async (ws) => {
      plant(ws.log);
      for (const argv of [["deploy", "--env", "development", "--version", "2.0.0"], ["log"]]) {
        const io = memoryIO(ws.dir);
        expect(await main(argv, io)).toBe(2);
        expect(io.err()).toMatch(message);
        expect(io.err()).not.toMatch(/\n\s+at /);
      }
      expect(ws.calls()).toEqual([]);
    });
  }, 30_000);

  it("attack: the log is read-only (as an unprivileged user): the real binary exits 2 with the reason, no step runs", async () => {
    await withRepoTraversableByOthers(async () => {
      await withWorkspace(async (ws) => {
        writeFileSync(ws.log, `${completed("1.0.0")}\n`);
        chmodSync(ws.log, 0o444);
        execFileSync("chmod", ["-R", "a+rwX", ws.dir]);
        chmodSync(ws.log, 0o444);
        const run = await runBin(["deploy", "--env", "development", "--version", "2.0.0"], { cwd: ws.dir, asNobody: process.getuid?.() === 0 });
        expect(run.stderr).toMatch(/cannot write deployment log .*permission denied/);
        expect(run.stderr).not.toMatch(/\n\s+at /);
        expect(run.code).toBe(2);
        expect(ws.calls()).toEqual([]);
      });
    });
  }, 60_000);

  it("twin: a regular, writable log: deploy runs and appends", async () => {
    await withWorkspace(async (ws) => {
      writeFileSync(ws.log, `${completed("1.0.0")}\n`);
      const io = memoryIO(ws.dir);
      expect(await main(["deploy", "--env", "development", "--version", "2.0.0"], io)).toBe(0);
      expect(ws.calls()).toEqual(["deploy development 2.0.0"]);
    });
  }, 60_000);
});
