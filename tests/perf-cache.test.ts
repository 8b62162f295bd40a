// --cache: per-file facts are reused only while the content, the gonogo version and the analysis
// settings are unchanged; a hit never calls the extractor and yields the same facts.
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { tempProject } from "./helpers.js";

const extractFile = vi.hoisted(() => ({ calls: [] as string[] }));

vi.mock("../src/extract/index.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("../src/extract/index.js")>();
  return {
    ...original,
    extractFile: (...args: Parameters<typeof original.extractFile>) => {
      extractFile.calls.push(args[0]);
      return original.extractFile(...args);
    },
  };
});

const { scan } = await import("../src/engine/scan.js");
const { FactsCache, contentHash } = await import("../src/engine/cache.js");
const { decodeBody, encodeBody } = await import("../src/engine/cache-body.js");

const CREATE = `"""create invoices

Revision ID: a1
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = "a1"
down_revision = None


def upgrade():
    op.create_table("invoices", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade():
    op.drop_table("invoices")
`;

const DROP = `"""drop legacy

Revision ID: b2
Revises: a1
"""
from alembic import op

revision = "b2"
down_revision = "a1"


def upgrade():
    op.drop_table("legacy_invoices")


def downgrade():
    pass
`;

const SQL = "CREATE INDEX idx_invoices_total ON invoices (total);\nDELETE FROM sessions;\n";

function project(): string {
  return tempProject({
    "db/versions/a1_create_invoices.py": CREATE,
    "db/versions/b2_drop_legacy.py": DROP,
    "sql/0003_cleanup.sql": SQL,
  });
}

function withoutTimes<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

describe("scan --cache", () => {
  beforeEach(() => {
    extractFile.calls.length = 0;
  });

  it("misses on the first run, then hits without calling the extractor and yields equal facts and findings", async () => {
    const cwd = project();
    const cold = await scan({ cwd, cache: true });
    expect(extractFile.calls.sort()).toEqual(["db/versions/a1_create_invoices.py", "db/versions/b2_drop_legacy.py", "sql/0003_cleanup.sql"]);
    expect(existsSync(path.join(cwd, ".gonogocache"))).toBe(true);

    extractFile.calls.length = 0;
    const warm = await scan({ cwd, cache: true });
    expect(extractFile.calls).toEqual([]);
    expect(withoutTimes(warm.facts.schemaChanges)).toEqual(withoutTimes(cold.facts.schemaChanges));
    expect(withoutTimes(warm.facts.migrations)).toEqual(withoutTimes(cold.facts.migrations));
    expect(warm.facts.revisionGraphs[0]!.heads).toEqual(["b2"]);
    expect(warm.findings).toEqual(cold.findings);
    expect(warm.findings.map((f) => f.ruleId)).toContain("sql/drop-table");
  });

  it("re-extracts exactly the file whose content changed", async () => {
    const cwd = project();
    await scan({ cwd, cache: true });
    writeFileSync(path.join(cwd, "sql/0003_cleanup.sql"), "DELETE FROM sessions WHERE expires_at < now();\n");
    extractFile.calls.length = 0;
    const result = await scan({ cwd, cache: true });
    expect(extractFile.calls).toEqual(["sql/0003_cleanup.sql"]);
    expect(result.findings.filter((f) => f.file === "sql/0003_cleanup.sql").map((f) => f.ruleId)).not.toContain("sql/delete-without-where");
  });

  it("is invalidated by a config change (dialect) and by a new gonogo version", async () => {
    const cwd = project();
    await scan({ cwd, cache: true });
    writeFileSync(path.join(cwd, "gonogo.config.json"), JSON.stringify({ dialect: "mysql" }));
    extractFile.calls.length = 0;
    const mysql = await scan({ cwd, cache: true });
    // The three files again (the config file itself is read as a JSON document too).
    expect(extractFile.calls).toEqual(expect.arrayContaining(["db/versions/a1_create_invoices.py", "db/versions/b2_drop_legacy.py", "sql/0003_cleanup.sql"]));
    // MySQL has no CONCURRENTLY: the index finding is gone, so the facts really were re-extracted.
    expect(mysql.findings.map((f) => f.ruleId)).not.toContain("sql/create-index-non-concurrently");

    const cacheFile = path.join(cwd, ".gonogocache");
    const [headerLine, ...body] = readFileSync(cacheFile, "utf8").split("\n");
    const header = JSON.parse(headerLine!) as { version: string };
    header.version = "0.0.0-older";
    writeFileSync(cacheFile, [JSON.stringify(header), ...body].join("\n"));
    extractFile.calls.length = 0;
    await scan({ cwd, cache: true });
    expect(extractFile.calls).toEqual(expect.arrayContaining(["db/versions/a1_create_invoices.py", "db/versions/b2_drop_legacy.py", "sql/0003_cleanup.sql"]));
  });

  it("honours cacheLocation (a directory with a trailing slash) and survives a corrupt cache file", async () => {
    const cwd = project();
    await scan({ cwd, cache: true, cacheLocation: "build/cache/" });
    const cacheFile = path.join(cwd, "build/cache/.gonogocache");
    expect(existsSync(cacheFile)).toBe(true);
    expect(existsSync(path.join(cwd, ".gonogocache"))).toBe(false);

    writeFileSync(cacheFile, "{ not json");
    extractFile.calls.length = 0;
    const result = await scan({ cwd, cache: true, cacheLocation: "build/cache/" });
    expect(extractFile.calls).toHaveLength(3);
    expect(result.findings.map((f) => f.ruleId)).toContain("sql/delete-without-where");
  });

  it("without --cache neither reads nor writes a cache", async () => {
    const cwd = project();
    await scan({ cwd });
    await scan({ cwd });
    expect(extractFile.calls).toHaveLength(6);
    expect(existsSync(path.join(cwd, ".gonogocache"))).toBe(false);
  });
});

describe("FactsCache", () => {
  it("keys entries by the sha256 of the content (the one-shot hash agrees with a Hash object)", async () => {
    const { createHash } = await import("node:crypto");
    for (const text of ["", "DROP TABLE a;", "caf\u00e9 \u{1F600}\n".repeat(500)]) {
      expect(contentHash(text)).toBe(createHash("sha256").update(text).digest("hex"));
    }
    expect(contentHash("DROP TABLE a;")).not.toBe(contentHash("DROP TABLE b;"));
  });

  it("hits only for the same content hash, version and settings", () => {
    const dir = tempProject({});
    const file = path.join(dir, "cache.json");
    const facts = { file: "a.sql", kind: "sql", schemaChanges: [], dynamicSql: [], storageActions: [], parseProblems: [], directives: [] };
    const first = new FactsCache(file, { dialect: "postgresql" }, "1.0.0");
    first.set("a.sql", { hash: contentHash("DROP TABLE a;"), role: "sql", facts });
    first.save();

    expect(new FactsCache(file, { dialect: "postgresql" }, "1.0.0").get("a.sql", contentHash("DROP TABLE a;"))?.facts).toEqual(facts);
    expect(new FactsCache(file, { dialect: "postgresql" }, "1.0.0").get("a.sql", contentHash("DROP TABLE b;"))).toBeUndefined();
    expect(new FactsCache(file, { dialect: "postgresql" }, "1.0.1").get("a.sql", contentHash("DROP TABLE a;"))).toBeUndefined();
    expect(new FactsCache(file, { dialect: "mysql" }, "1.0.0").get("a.sql", contentHash("DROP TABLE a;"))).toBeUndefined();
    // Key order of the settings does not matter.
    const other = new FactsCache(file, { b: 1, a: 2 }, "1.0.0");
    other.set("x", { hash: "h", role: "none" });
    other.save();
    expect(new FactsCache(file, { a: 2, b: 1 }, "1.0.0").get("x", "h")).toEqual({ hash: "h", role: "none" });
  });
});

describe("the cache file", () => {
  it("is never scanned as input, even when its name looks like a JSON document", async () => {
    const cwd = project();
    await scan({ cwd, cache: true, cacheLocation: "cache.json" });
    extractFile.calls.length = 0;
    const result = await scan({ cwd, cache: true, cacheLocation: "cache.json" });
    expect(extractFile.calls).toEqual([]);
    expect(result.findings.some((f) => f.file === "cache.json")).toBe(false);
  });
});

const { main } = await import("../src/cli/main.js");
const { cacheKey, cacheMac, userCacheKeyFile } = await import("../src/engine/cache-key.js");

describe("a cache file inside the checkout is never trusted (issue 17, item 7)", () => {
  const KEY = "k".repeat(40);
  const run = async (cwd: string, key = KEY) => {
    let stdout = "";
    const code = await main(["scan", "--cache", "--format", "json"], { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => {} }, cwd, env: { GONOGO_CACHE_KEY: key } });
    const ruleIds = (JSON.parse(stdout) as { messages: { ruleId: string }[] }[]).flatMap((r) => r.messages.map((m) => m.ruleId));
    return { code, ruleIds };
  };
  /** The cache a change could commit: the drop migration's facts emptied, the content hash kept. */
  const forge = (cwd: string, mac: (text: string) => string | undefined) => {
    const file = path.join(cwd, ".gonogocache");
    const text = readFileSync(file, "utf8");
    const newline = text.indexOf("\n");
    const header = JSON.parse(text.slice(0, newline)) as { format: number; version: string; settings: string; mac: string };
    const body = decodeBody(text.slice(newline + 1));
    body.files["db/versions/b2_drop_legacy.py"]!.facts!.schemaChanges = [];
    const bodyJson = encodeBody(body);
    header.mac = mac(`${header.format}\n${header.version}\n${header.settings}\n${bodyJson}`) ?? header.mac;
    writeFileSync(file, `${JSON.stringify(header)}\n${bodyJson}`);
  };

  it("a forged cache (edited, or MACed under another key) is ignored: the drop is still reported, scan exits 1", async () => {
    const cwd = project();
    const first = await run(cwd);
    expect(first.ruleIds).toContain("sql/drop-table");
    for (const mac of [() => undefined, (text: string) => cacheMac("the attacker's key", text)]) {
      forge(cwd, mac);
      extractFile.calls.length = 0;
      const forged = await run(cwd);
      expect(extractFile.calls).toContain("db/versions/b2_drop_legacy.py");
      expect(forged.ruleIds).toContain("sql/drop-table");
      expect(forged.code).toBe(1);
    }
  });

  it("harmless twin: the cache this key wrote is used (no extraction), and the same forgery under the real key would be believed", async () => {
    const cwd = project();
    await run(cwd);
    extractFile.calls.length = 0;
    const warm = await run(cwd);
    expect(extractFile.calls).toEqual([]);
    expect(warm.ruleIds).toContain("sql/drop-table");
    // Proof that the MAC is what stands between a forged file and the report: with the key, it passes.
    forge(cwd, (text) => cacheMac(KEY, text));
    const believed = await run(cwd);
    expect(believed.ruleIds).not.toContain("sql/drop-table");
    // Another key (another machine, another CI secret) does not trust it either.
    extractFile.calls.length = 0;
    expect((await run(cwd, "another key")).ruleIds).toContain("sql/drop-table");
  });

  it("without GONOGO_CACHE_KEY the key lives in the user's cache directory, outside the work tree, mode 0600", async () => {
    const home = tempProject({});
    const saved = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = home;
    try {
      const key = cacheKey(project());
      expect(userCacheKeyFile()).toBe(path.join(home, "gonogo", "cache-key"));
      expect(readFileSync(path.join(home, "gonogo", "cache-key"), "utf8").trim()).toBe(key);
      expect(statSync(path.join(home, "gonogo", "cache-key")).mode & 0o077).toBe(0);
      expect(cacheKey(project())).toBe(key);
      // A key file inside the scanned tree could be committed: not used (a key for this process only).
      expect(cacheKey(path.dirname(home))).not.toBe(key);
    } finally {
      if (saved === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = saved;
    }
  });
});
