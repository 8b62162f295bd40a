// The sibling index (--cache in a partial scan): a one-file scan takes the header facts of the
// migrations beside the named file from the index while their stat stamp (size, mtime, ctime,
// inode) is unchanged, and reads them again when it changes or when the index does not verify
// under the user's key.
import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { tempProject } from "./helpers.js";

const opened = vi.hoisted(() => [] as string[]);
vi.mock("../src/engine/read.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("../src/engine/read.js")>();
  return {
    ...original,
    readSourceFileSync: (...args: Parameters<typeof original.readSourceFileSync>) => {
      opened.push(path.basename(args[0]));
      return original.readSourceFileSync(...args);
    },
  };
});

const { scan } = await import("../src/engine/scan.js");
const { siblingIndexLocation } = await import("../src/engine/sibling-index.js");
const { cacheMac } = await import("../src/engine/cache-key.js");

const KEY = "k".repeat(64);
const migration = (rev: string, parent: string | null, body = "pass") =>
  `from alembic import op\n\nrevision = "${rev}"\ndown_revision = ${parent ? `"${parent}"` : "None"}\n\n\ndef upgrade():\n    ${body}\n\n\ndef downgrade():\n    pass\n`;

/** A chain a1 ← b2 ← c3 ← d4, every file last modified a minute ago. */
function project() {
  const files: Record<string, string> = {
    "alembic/versions/a1.py": migration("a1", null),
    "alembic/versions/b2.py": migration("b2", "a1"),
    "alembic/versions/c3.py": migration("c3", "b2"),
    "alembic/versions/d4.py": migration("d4", "c3", 'op.drop_table("orders")'),
  };
  const cwd = tempProject(files);
  const past = new Date(Date.now() - 60_000);
  for (const file of Object.keys(files)) utimesSync(path.join(cwd, file), past, past);
  return cwd;
}

const hook = (cwd: string) => scan({ cwd, paths: ["alembic/versions/d4.py"], cache: true, cacheKey: KEY, configFile: false });
const ruleIds = (result: Awaited<ReturnType<typeof scan>>) => result.findings.map((f) => `${f.file}:${f.ruleId}`);

/** Rewrites a file keeping its size and mtime (its ctime changes: no program can keep it). */
function rewriteKeepingStat(cwd: string, file: string, text: string) {
  const full = path.join(cwd, file);
  const before = statSync(full);
  expect(Buffer.byteLength(text)).toBe(before.size);
  writeFileSync(full, text);
  utimesSync(full, before.atime, before.mtime);
}

/** The files were written just now: the run is moved a minute later, so their stamps are settled (file-stamp.ts). */
function settledRun() {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 60_000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}

describe("sibling index", () => {
  settledRun();

  it("is written next to the cache and gives the same report as reading every sibling", async () => {
    const cwd = project();
    const cold = await scan({ cwd, paths: ["alembic/versions/d4.py"], configFile: false });
    const first = await hook(cwd);
    expect(existsSync(siblingIndexLocation(path.join(cwd, ".gonogocache")))).toBe(true);
    const second = await hook(cwd);
    expect(ruleIds(first)).toEqual(ruleIds(cold));
    expect(second.findings).toEqual(cold.findings);
    expect(ruleIds(cold)).toContain("alembic/versions/d4.py:sql/drop-table");
  });

  it("trusts an unchanged stamp (the sibling is not opened), and reads a file rewritten keeping its size and mtime", async () => {
    const cwd = project();
    const clean = ruleIds(await hook(cwd));
    opened.length = 0;
    expect(ruleIds(await hook(cwd))).toEqual(clean);
    expect(opened).toEqual(["d4.py"]);
    // b2 now says it is a second root: a second head appears once it is read.
    rewriteKeepingStat(cwd, "alembic/versions/b2.py", migration("b2", "zz"));
    const reread = ruleIds(await hook(cwd));
    expect(reread).not.toEqual(clean);
    expect(reread).toEqual(ruleIds(await scan({ cwd, paths: ["alembic/versions/d4.py"], configFile: false })));
  });

  it("is ignored when it does not verify (written under another key, or edited); believed when the MAC holds", async () => {
    const other = project();
    const clean = ruleIds(await hook(other));
    opened.length = 0;
    expect(ruleIds(await scan({ cwd: other, paths: ["alembic/versions/d4.py"], cache: true, cacheKey: "o".repeat(64), configFile: false }))).toEqual(clean);
    expect(opened.sort()).toEqual(["a1.py", "b2.py", "c3.py", "d4.py"]);

    const edited = project();
    await hook(edited);
    const location = siblingIndexLocation(path.join(edited, ".gonogocache"));
    const [headLine, body] = readFileSync(location, "utf8").split("\n") as [string, string];
    const head = JSON.parse(headLine) as { format: number; version: string; settings: string; mac: string };
    // b2 said to revise an unknown revision: a second root, if believed.
    const forged = body.replace('"downRevisions":["a1"]', '"downRevisions":["zz"]');
    expect(forged).not.toBe(body);
    writeFileSync(location, `${headLine}\n${forged}`);
    expect(ruleIds(await hook(edited))).toEqual(clean);
    // The harmless twin: the same edit MACed under the key is believed, so the MAC is what refused it.
    head.mac = cacheMac(KEY, `sibling-index\n${head.format}\n${head.version}\n${head.settings}\n${forged}`);
    writeFileSync(location, `${JSON.stringify(head)}\n${forged}`);
    expect(ruleIds(await hook(edited))).not.toEqual(clean);
  });
});

describe("sibling index, the racy window", () => {
  it("does not record a file changed in the last two seconds before the run (a rewrite may keep its whole stamp)", async () => {
    const cwd = project();
    await hook(cwd);
    const location = siblingIndexLocation(path.join(cwd, ".gonogocache"));
    expect(existsSync(location) ? readFileSync(location, "utf8") : "").not.toContain("b2.py");
    rewriteKeepingStat(cwd, "alembic/versions/b2.py", migration("b2", "zz"));
    expect(ruleIds(await hook(cwd))).toEqual(ruleIds(await scan({ cwd, paths: ["alembic/versions/d4.py"], configFile: false })));
  });
});

describe("sibling index location", () => {
  it("never replaces a file at <cache>.siblings that is not a sibling index", async () => {
    const cwd = project();
    writeFileSync(path.join(cwd, ".gonogocache.siblings"), "my notes\n");
    await hook(cwd);
    await hook(cwd);
    expect(readFileSync(path.join(cwd, ".gonogocache.siblings"), "utf8")).toBe("my notes\n");
  });
});
