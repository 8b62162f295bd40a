// The sibling index (--cache in a partial scan): a one-file scan takes the header facts of the
// migrations beside the named file from the index while their size and mtime are unchanged, and
// reads them again when either changes or when the index does not verify under the user's key.
import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { scan } from "../src/engine/scan.js";
import { siblingIndexLocation } from "../src/engine/sibling-index.js";
import { tempProject } from "./helpers.js";

const KEY = "k".repeat(64);
const migration = (rev: string, parent: string | null, body = "pass") =>
  `from alembic import op\n\nrevision = "${rev}"\ndown_revision = ${parent ? `"${parent}"` : "None"}\n\n\ndef upgrade():\n    ${body}\n\n\ndef downgrade():\n    pass\n`;

/** A chain a1 ← b2 ← c3 ← d4, every file last modified a minute ago (settled for the index). */
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

/** Rewrites b2 to branch from a1's parent (None): a second base, same size, same mtime. */
function rewriteKeepingStat(cwd: string, file: string, text: string) {
  const full = path.join(cwd, file);
  const before = statSync(full);
  expect(Buffer.byteLength(text)).toBe(before.size);
  writeFileSync(full, text);
  utimesSync(full, before.atime, before.mtime);
}

describe("sibling index", () => {
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

  it("trusts an unchanged size and mtime (the file is not read), and reads a file whose mtime changed", async () => {
    const cwd = project();
    const clean = ruleIds(await hook(cwd));
    // b2 now says it is a second root: a second head would appear if it were read.
    const forked = migration("b2", "zz");
    rewriteKeepingStat(cwd, "alembic/versions/b2.py", forked);
    expect(ruleIds(await hook(cwd))).toEqual(clean);
    const later = new Date(Date.now() - 30_000);
    utimesSync(path.join(cwd, "alembic/versions/b2.py"), later, later);
    const reread = ruleIds(await hook(cwd));
    expect(reread).not.toEqual(clean);
    expect(reread).toEqual(ruleIds(await scan({ cwd, paths: ["alembic/versions/d4.py"], configFile: false })));
  });

  it("is ignored when it does not verify (written under another key, or edited)", async () => {
    const forked = migration("b2", "zz");
    const other = project();
    const clean = ruleIds(await hook(other));
    rewriteKeepingStat(other, "alembic/versions/b2.py", forked);
    const expected = ruleIds(await scan({ cwd: other, paths: ["alembic/versions/d4.py"], configFile: false }));
    expect(expected).not.toEqual(clean);
    expect(ruleIds(await scan({ cwd: other, paths: ["alembic/versions/d4.py"], cache: true, cacheKey: "o".repeat(64), configFile: false }))).toEqual(expected);

    const edited = project();
    await hook(edited);
    rewriteKeepingStat(edited, "alembic/versions/b2.py", forked);
    const location = siblingIndexLocation(path.join(edited, ".gonogocache"));
    writeFileSync(location, readFileSync(location, "utf8").replace('"c3"', '"c4"'));
    expect(ruleIds(await hook(edited))).toEqual(expected);
  });

  it("does not record a file modified in the last two seconds (its mtime may not change on the next write)", async () => {
    const cwd = project();
    const now = new Date();
    utimesSync(path.join(cwd, "alembic/versions/b2.py"), now, now);
    await hook(cwd);
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
