// readSourceFileSync reads a file with the size its one fstat gave (no second fstat, as
// `readFileSync(fd)` makes): the text is the one the stamp and the size check were taken for, and a
// file that changes between the fstat and the read gives a bounded read, never an exception.
import { appendFileSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readSourceFileSync } from "../src/engine/read.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "gonogo-read-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("readSourceFileSync", () => {
  it("reads a file larger than one read's worth of bytes whole", () => {
    const file = path.join(dir, "big.sql");
    const text = "SELECT 1;\n".repeat(200_000); // 2 MB: more than a single read() may return
    writeFileSync(file, text);
    expect(readSourceFileSync(file)).toEqual({ ok: true, text });
  });

  it("a file that grew after its fstat gives the bytes it had then", () => {
    const file = path.join(dir, "grows.sql");
    writeFileSync(file, "DROP TABLE a;\n");
    const outcome = readSourceFileSync(file, undefined, () => appendFileSync(file, "DROP TABLE b;\n"));
    expect(outcome).toEqual({ ok: true, text: "DROP TABLE a;\n" });
  });

  it("a file that shrank after its fstat gives the bytes that are left", () => {
    const file = path.join(dir, "shrinks.sql");
    writeFileSync(file, "DROP TABLE a;\nDROP TABLE b;\n");
    const outcome = readSourceFileSync(file, undefined, () => truncateSync(file, 14));
    expect(outcome).toEqual({ ok: true, text: "DROP TABLE a;\n" });
  });

  it("an empty file at its fstat that was written since is read to its end", () => {
    const file = path.join(dir, "empty.sql");
    writeFileSync(file, "");
    const outcome = readSourceFileSync(file, undefined, () => writeFileSync(file, "DROP TABLE a;\n"));
    expect(outcome).toEqual({ ok: true, text: "DROP TABLE a;\n" });
  });

  it("the analysis limit is judged on the fstat's size", () => {
    const file = path.join(dir, "over.sql");
    writeFileSync(file, "x".repeat(101));
    expect(readSourceFileSync(file, 100)).toMatchObject({ ok: false, reason: expect.stringContaining("over the") });
    expect(readSourceFileSync(file, 101)).toEqual({ ok: true, text: "x".repeat(101) });
  });
});
