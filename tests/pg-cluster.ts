// A throwaway PostgreSQL cluster for the log tests: initdb into a temporary directory, started on a
// free port with its unix socket in that directory, trust authentication, stopped afterwards. No
// mock of the database. initdb refuses to run as root: as root, the cluster runs as the
// `postgres` user (or `nobody`). Without PostgreSQL the tests skip, except under CI=true (fail).
import { execFileSync, spawnSync, type SpawnSyncOptions } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";

export interface PgCluster {
  /** A connection URL of a database of its own (createDatabase) or the default one. */
  url: string;
  dir: string;
  createDatabase(name: string): Promise<string>;
  stop(): void;
}

/** The directory of initdb and pg_ctl, or undefined when PostgreSQL is not installed. */
export function postgresBin(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(path.join(root, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], "bin") : undefined;
}

/** Whether the PostgreSQL tests run: skipped without PostgreSQL, failing instead under CI=true. */
export function postgresAvailable(): boolean {
  const bin = postgresBin();
  if (!bin && process.env.CI === "true") throw new Error("PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb): .ci/run installs Debian's postgresql");
  return bin !== undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** The uid/gid to run PostgreSQL as when this process is root. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const user of ["postgres", "nobody"]) {
    const id = spawnSync("id", ["-u", user], { encoding: "utf8" });
    const gid = spawnSync("id", ["-g", user], { encoding: "utf8" });
    if (id.status === 0 && gid.status === 0) return { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
  }
  throw new Error("running as root and neither a postgres nor a nobody user exists to run PostgreSQL as");
}

export async function startCluster(): Promise<PgCluster> {
  const bin = postgresBin();
  if (!bin) throw new Error("PostgreSQL is not installed");
  const dir = mkdtempSync(path.join(os.tmpdir(), "gonogo-pg-"));
  const data = path.join(dir, "data");
  const user = runAs();
  chmodSync(dir, 0o755);
  if (user) chownSync(dir, user.uid, user.gid);
  const options: SpawnSyncOptions = { stdio: "pipe", ...(user ? user : {}), env: { ...process.env, LC_ALL: "C" } };
  const run = (file: string, args: string[]): void => {
    const result = spawnSync(path.join(bin, file), args, options);
    if (result.status !== 0) throw new Error(`${file} ${args.join(" ")} failed: ${String(result.stderr)}${String(result.stdout)}`);
  };
  run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
  const port = await freePort();
  run("pg_ctl", ["-D", data, "-l", path.join(dir, "server.log"), "-w", "-t", "60", "-o", `-p ${port} -k ${dir} -c listen_addresses= -c fsync=off -c max_connections=200`, "start"]);
  const urlOf = (database: string) => `postgresql://postgres@localhost:${port}/${database}?host=${encodeURIComponent(dir)}`;
  let stopped = false;
  return {
    url: urlOf("postgres"),
    dir,
    async createDatabase(name: string) {
      execFileSync(path.join(bin, "createdb"), ["-h", dir, "-p", String(port), "-U", "postgres", name], { stdio: "pipe" });
      return urlOf(name);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      spawnSync(path.join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], options);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
