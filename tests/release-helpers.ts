// Shared set-up of the release tests: a workspace with a config, a health server on 127.0.0.1
// whose answer follows the version the fixture scripts "deployed", and an in-memory CLI IO.
import { cpSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { CliIO } from "../src/cli/io.js";
import { main } from "../src/cli/main.js";
import { chainEvents } from "../src/log/chain.js";
import { parseLog as parseLogText } from "../src/log/events.js";

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/release");
export const SCRIPTS = path.join(FIXTURES, "scripts");

export interface HealthServer {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

/** GET /health/<env>: 500 while the deployed version contains "bad", 200 otherwise. */
export async function startHealthServer(stateDir: string): Promise<HealthServer> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? "");
    const env = (req.url ?? "").replace(/^\/health\//, "");
    const file = path.join(stateDir, `${env}.version`);
    const version = existsSync(file) ? readFileSync(file, "utf8") : "";
    const bad = version.includes("bad");
    res.writeHead(bad ? 500 : 200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok: !bad, version }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface Workspace {
  dir: string;
  config: string;
  log: string;
  calls(): string[];
  events(): Record<string, unknown>[];
}

const ENVIRONMENTS = ["development", "staging", "production"];

/** A project directory with Alembic migrations and a gonogo.config.yaml wired to the fixture scripts. */
export function makeWorkspace(options: { healthUrl: string; stepExtra?: string; emptyDowngrade?: boolean; extraSteps?: string }): Workspace {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gonogo-release-"));
  cpSync(path.join(FIXTURES, "project"), dir, { recursive: true });
  if (options.emptyDowngrade) cpSync(path.join(FIXTURES, "empty-downgrade/0003_create_audit_log.py"), path.join(dir, "migrations/versions/0003_create_audit_log.py"));
  const node = JSON.stringify(process.execPath);
  const script = (name: string) => JSON.stringify(path.join(SCRIPTS, name));
  const env = (name: string) => `
  ${name}:
    env:
      STATE_DIR: ${JSON.stringify(dir)}
    steps:${options.extraSteps ?? ""}
      - name: deploy
        run: [${node}, ${script("deploy.mjs")}, "deploy", "{environment}", "{version}"]
        timeout: 30s
    health:
      url: ${options.healthUrl}/health/${name}
      expect: 200
      interval: 20ms
      timeout: 2s
      failures: 3
    rollback:
      - name: rollback
        run: [${node}, ${script("deploy.mjs")}, "rollback", "{environment}", "{previousVersion}"]
        timeout: 30s
    migrationRollback: [${node}, ${script("downgrade.mjs")}, "{revision}"]`;
  const config = path.join(dir, "gonogo.config.yaml");
  writeFileSync(
    config,
    `project: credentialmate
migrations: migrations/versions
log: .gonogo/deployments.jsonl
environments:${ENVIRONMENTS.map(env).join("")}
`,
  );
  const log = path.join(dir, ".gonogo/deployments.jsonl");
  return {
    dir,
    config,
    log,
    calls: () => (existsSync(path.join(dir, "calls.log")) ? readFileSync(path.join(dir, "calls.log"), "utf8").trim().split("\n").filter(Boolean) : []),
    events: () =>
      existsSync(log)
        ? readFileSync(log, "utf8")
            .split("\n")
            .filter(Boolean)
            .map((line) => JSON.parse(line) as Record<string, unknown>)
        : [],
  };
}

export interface MemoryIO extends CliIO {
  out(): string;
  err(): string;
}

export function memoryIO(cwd: string, env: Record<string, string | undefined> = {}): MemoryIO {
  let out = "";
  let err = "";
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    out: () => out,
    err: () => err,
  };
}

/** Whether a process is running (a zombie waiting to be reaped by a container's init does not count). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/**
 * Gives a log file edited by a test (lines appended or changed by hand to stage history) a whole
 * hash chain again, as if gonogo had written every line: the readers that decide refuse a broken one.
 */
export function rechainLog(file: string): void {
  const { events } = parseLogText(readFileSync(file, "utf8"));
  writeFileSync(file, chainEvents(undefined, events).map((e) => `${JSON.stringify(e)}\n`).join(""));
}

/**
 * makeWorkspace with its health checks pointed at a fresh 127.0.0.1 health server; the server is
 * pushed onto `servers` for the test file's afterAll to close.
 */
export async function servedWorkspace(servers: HealthServer[], options: Omit<Parameters<typeof makeWorkspace>[0], "healthUrl"> = {}): Promise<Workspace> {
  const ws = makeWorkspace({ healthUrl: "http://placeholder", ...options });
  const server = await startHealthServer(ws.dir);
  servers.push(server);
  writeFileSync(ws.config, readFileSync(ws.config, "utf8").replaceAll("http://placeholder", server.url));
  return ws;
}

/** Runs the gonogo CLI in this process with in-memory IO. */
export async function runMain(cwd: string, argv: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIO(cwd, env);
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}
