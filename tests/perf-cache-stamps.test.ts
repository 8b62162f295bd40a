// --cache stat stamps: a file whose stamp (size, mtime, ctime, inode) is the recorded one is not
// opened, unless a finding needs its text; a stamp taken within the racy window is never recorded,
// so an edit that keeps size and mtime is read; the stamps are under the cache's MAC.
import { readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { tempProject } from "./helpers.js";

const calls = vi.hoisted(() => ({ opened: [] as string[], extracted: [] as string[], vanished: "" }));

vi.mock("../src/engine/read.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("../src/engine/read.js")>();
  return {
    ...original,
    readSourceFileSync: (...args: Parameters<typeof original.readSourceFileSync>) => {
      calls.opened.push(args[0]);
      if (calls.vanished !== "" && args[0].endsWith(calls.vanished)) return { ok: false as const, reason: "file vanished during the scan" };
      return original.readSourceFileSync(...args);
    },
  };
});
vi.mock("../src/extract/index.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("../src/extract/index.js")>();
  return {
    ...original,
    extractFile: (...args: Parameters<typeof original.extractFile>) => {
      calls.extracted.push(args[0]);
      return original.extractFile(...args);
    },
  };
});

const { scan } = await import("../src/engine/scan.js");
const { FactsCache, contentHash } = await import("../src/engine/cache.js");
const { SETTLED_MS } = await import("../src/engine/file-stamp.js");
const { decodeBody, encodeBody } = await import("../src/engine/cache-body.js");

const migration = (rev: string, parent: string | null, body: string, down = "pass") =>
  `from alembic import op\n\nrevision = "${rev}"\ndown_revision = ${parent ? `"${parent}"` : "None"}\n\n\ndef upgrade():\n    ${body}\n\n\ndef downgrade():\n    ${down}\n`;

const FILES = {
  "alembic/versions/a1.py": migration("a1", null, 'op.execute("SELECT 123456")', 'op.execute("SELECT 2")'),
  "alembic/versions/b2.py": migration("b2", "a1", 'op.drop_table("orders")'),
  "sql/clean.sql": "SELECT 1;\n",
  "sql/caf\u00e9.sql": "DROP TABLE caf\u00e9_r\u00e9sum\u00e9;\n",
};

const KEY = "k".repeat(64);
const run = (cwd: string) => scan({ cwd, cache: true, cacheKey: KEY, configFile: false });
const opened = (cwd: string) => calls.opened.map((f) => path.relative(cwd, f).split(path.sep).join("/")).sort();
const reset = () => {
  calls.opened.length = 0;
  calls.extracted.length = 0;
  calls.vanished = "";
};
const body = (cwd: string) => JSON.parse(readFileSync(path.join(cwd, ".gonogocache"), "utf8").split("\n")[1]!) as { stamps: Record<string, unknown> };

describe("--cache stamps, files older than the run (settled)", () => {
  // The files were written just now: the run is moved a minute later, so they are settled.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 60_000);
    reset();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("a file whose stamp is unchanged is not opened unless a finding needs its text; the report is the cold one", async () => {
    const cwd = tempProject(FILES);
    const cold = await scan({ cwd, configFile: false });
    await run(cwd);
    expect(Object.keys(body(cwd).stamps).sort()).toEqual(Object.keys(FILES).sort());
    reset();
    const warm = await run(cwd);
    expect(calls.extracted).toEqual([]);
    // Only the files with findings are read (their excerpts); the clean ones are not opened.
    expect(opened(cwd)).toEqual(["alembic/versions/b2.py", "sql/caf\u00e9.sql"]);
    expect(warm.findings).toEqual(cold.findings);
    expect(warm.results).toEqual(cold.results);
    expect(JSON.parse(JSON.stringify(warm.facts.schemaChanges))).toEqual(JSON.parse(JSON.stringify(cold.facts.schemaChanges)));
    expect(warm.findings.map((f) => `${f.file}:${f.ruleId}`)).toEqual(expect.arrayContaining(["alembic/versions/b2.py:sql/drop-table", "sql/caf\u00e9.sql:sql/drop-table"]));
    // Non-ASCII text is written as \u escapes: the file is ASCII, and reads back the same (the table name above).
    expect([...readFileSync(path.join(cwd, ".gonogocache"))].every((byte) => byte < 0x80)).toBe(true);
    expect(warm.facts.schemaChanges.map((c) => c.table)).toContain("caf\u00e9_r\u00e9sum\u00e9");
  });

  it("a touched but unchanged file is read and hashed once, hits the cached facts, and its new stamp is recorded", async () => {
    const cwd = tempProject(FILES);
    await run(cwd);
    const later = new Date(Date.now() - 30_000);
    utimesSync(path.join(cwd, "sql/clean.sql"), later, later);
    reset();
    await run(cwd);
    expect(opened(cwd)).toContain("sql/clean.sql");
    expect(calls.extracted).toEqual([]);
    reset();
    await run(cwd);
    expect(opened(cwd)).not.toContain("sql/clean.sql");
  });

  it("an edit keeping size and mtime is read: its ctime changed", async () => {
    const cwd = tempProject(FILES);
    const cold = await run(cwd);
    const file = path.join(cwd, "alembic/versions/a1.py");
    const before = statSync(file);
    const edited = migration("a1", null, 'op.execute("DELETE FROM t")', 'op.execute("SELECT 2")');
    expect(Buffer.byteLength(edited)).toBe(before.size);
    writeFileSync(file, edited);
    utimesSync(file, before.atime, before.mtime);
    reset();
    const warm = await run(cwd);
    expect(calls.extracted).toEqual(["alembic/versions/a1.py"]);
    expect(warm.findings.map((f) => `${f.file}:${f.ruleId}`)).toContain("alembic/versions/a1.py:sql/delete-without-where");
    expect(cold.findings.map((f) => `${f.file}:${f.ruleId}`)).not.toContain("alembic/versions/a1.py:sql/delete-without-where");
  });

  it("a file known by its stamp that must be analysed after all but vanished is one whole-file problem, never empty facts", async () => {
    const cwd = tempProject(FILES);
    await run(cwd);
    // A one-file scan reads a1 as context (header only): not in the cache yet, so a1 must be read, and it is gone.
    calls.vanished = "alembic/versions/a1.py";
    const result = await scan({ cwd, paths: ["alembic/versions/b2.py"], cache: true, cacheKey: KEY, configFile: false });
    expect(result.facts.parseProblems.map((p) => p.message)).toContain("alembic/versions/a1.py cannot be analysed: file vanished during the scan");
  });

  it("a tampered stamp is not believed: the cache does not verify, every file is read and analysed", async () => {
    const cwd = tempProject(FILES);
    await run(cwd);
    const location = path.join(cwd, ".gonogocache");
    const text = readFileSync(location, "utf8");
    const hash = contentHash(FILES["sql/clean.sql"]);
    expect(text).toContain(hash);
    // Point clean.sql's stamp at the drop file's hash: believed, the drop's facts would hide nothing, but the MAC no longer holds.
    writeFileSync(location, text.replace(`,"${hash}"]`, `,"${contentHash(FILES["alembic/versions/b2.py"])}"]`));
    reset();
    await run(cwd);
    expect(opened(cwd)).toEqual(Object.keys(FILES).sort());
    expect(calls.extracted.sort()).toEqual(Object.keys(FILES).sort());
  });
});

describe("--cache stamps, the racy window", () => {
  beforeEach(reset);

  it("a file changed in the last two seconds before the run gets no stamp, so an edit keeping size, mtime and ctime is read", async () => {
    const cwd = tempProject(FILES);
    await run(cwd);
    expect(body(cwd).stamps).toEqual({});
    reset();
    await run(cwd);
    expect(opened(cwd)).toEqual(Object.keys(FILES).sort());
  });

  it("a stamp not older than the run recording it by the margin is never trusted; an older one is", () => {
    const dir = tempProject({});
    const file = path.join(dir, "cache.json");
    const writer = new FactsCache(file, {}, "1.0.0", KEY);
    const racy: [number, number, number, number] = [10, writer.startedAt - SETTLED_MS + 1, writer.startedAt - SETTLED_MS + 1, 7];
    const old: [number, number, number, number] = [10, writer.startedAt - SETTLED_MS - 1, writer.startedAt - SETTLED_MS - 1, 8];
    writer.recordStamp("racy.sql", racy, "h1");
    writer.recordStamp("old.sql", old, "h2");
    writer.save();
    const reader = new FactsCache(file, {}, "1.0.0", KEY);
    expect(reader.knownHash("racy.sql", racy)).toBeUndefined();
    expect(reader.knownHash("old.sql", old)).toBe("h2");
    // Any field of the stamp differing: not known.
    for (const index of [0, 1, 2, 3]) {
      const other = [...old] as typeof old;
      other[index]! += 1;
      expect(reader.knownHash("old.sql", other)).toBeUndefined();
    }
  });
});

describe("the cache body", () => {
  it("keeps each file on a line of its own: a run parses only the entries it asks for and writes the others back byte for byte", () => {
    const dir = tempProject({});
    const file = path.join(dir, "cache.json");
    const writer = new FactsCache(file, {}, "1.0.0", KEY);
    const facts = (name: string) => ({ file: name, kind: "sql", schemaChanges: [{ location: { file: name, line: 1, column: 1, endLine: 1, endColumn: 5 } }] }) as never;
    for (const name of ["a.sql", "b.sql", "c\u00e9.sql"]) writer.set(name, { hash: `h-${name}`, role: "sql", facts: facts(name) });
    writer.save();
    const lineOf = (name: string) => readFileSync(file, "latin1").split("\n").find((l) => l.startsWith(`${JSON.stringify(name).replace("\u00e9", "\\u00e9")}\t`));
    const before = lineOf("b.sql");
    expect(before).toBeDefined();
    // A second run asks for a.sql only and adds d.sql: b.sql's line is written back as it was.
    const parsed = vi.spyOn(JSON, "parse");
    const second = new FactsCache(file, {}, "1.0.0", KEY);
    expect(second.get("a.sql", "h-a.sql")?.facts).toEqual(facts("a.sql"));
    const parsedTexts = parsed.mock.calls.map(([text]) => String(text));
    parsed.mockRestore();
    expect(parsedTexts.some((t) => t.includes('"h-b.sql"'))).toBe(false);
    second.set("d.sql", { hash: "h-d.sql", role: "none" });
    second.save();
    expect(lineOf("b.sql")).toBe(before);
    const third = new FactsCache(file, {}, "1.0.0", KEY);
    expect(third.get("b.sql", "h-b.sql")?.facts).toEqual(facts("b.sql"));
    expect(third.get("c\u00e9.sql", "h-c\u00e9.sql")?.facts).toEqual(facts("c\u00e9.sql"));
    expect(third.get("d.sql", "h-d.sql")).toEqual({ hash: "h-d.sql", role: "none" });
  });


  it("writes a location's file equal to its entry's path as 0 and puts it back; an entry holding a real file: 0 is kept as is", () => {
    const at = (file: unknown) => ({ file, line: 3, column: 1 });
    const files = {
      "db/a.py": { hash: "h1", role: "migration", facts: { file: "db/a.py", kind: "alembic", schemaChanges: [{ location: at("db/a.py"), other: at("db/b.py") }] } },
      "db/a.py\u0000header": { hash: "h1", role: "migration", facts: { file: "db/a.py", kind: "alembic", schemaChanges: [] } },
      "db/z.py": { hash: "h2", role: "migration", facts: { file: "db/z.py", kind: "alembic", schemaChanges: [{ location: at(0) }, { location: at("db/z.py") }] } },
      "caf\u00e9.sql": { hash: "h3", role: "sql", facts: { file: "caf\u00e9.sql", kind: "sql", schemaChanges: [{ location: at("caf\u00e9.sql") }] } },
      "none.txt": { hash: "h4", role: "none" },
    } as unknown as Parameters<typeof encodeBody>[0]["files"];
    const stamps = { "db/a.py": [1, 2, 3, 4, "h1"] } as Parameters<typeof encodeBody>[0]["stamps"];
    const text = encodeBody({ files, stamps });
    expect([...text].every((c) => c.charCodeAt(0) < 0x80)).toBe(true);
    expect(text.split('"db/a.py"').length - 1).toBe(2); // its entry's key and its stamp's, never a location
    expect(text).toContain('"db/b.py"');
    expect(decodeBody(Buffer.from(text, "latin1").toString("latin1"))).toEqual({ files, stamps });
  });
});
