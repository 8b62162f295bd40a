// Issue 17, item 1: Python read as CPython reads it. Each attack below was checked against CPython
// 3.11 (compile() of the file's bytes, as importlib and so Alembic load a migration): the table
// really is dropped, while gonogo used to read the text another way and answer needs-approval with
// zero findings. Production must now be a no-go; each harmless twin of the same shape needs approval.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { scan } from "../src/index.js";
import { decodePythonSource, findCodingCookie } from "../src/parsers/python-source.js";
import { runCli, tempProject } from "./helpers.js";
import { cleanProject, JUNIT_PASS, type CheckJson } from "./hardening-helpers.js";

const header = 'from alembic import op\nimport sqlalchemy as sa\n\nrevision = "0003"\ndown_revision = "0002"\n\n\n';
const DOWN = '\n\ndef downgrade():\n    op.drop_column("orders", "note")\n';
const DROP = 'op.drop_table("orders")';
const ADD = 'op.add_column("orders", sa.Column("note", sa.Text(), nullable=True))';

async function production(content: string | Buffer) {
  const dir = cleanProject();
  writeFileSync(path.join(dir, "alembic/versions/0003_attack.py"), content);
  const run = await runCli(["check", "--env", "production", "--junit", JUNIT_PASS, "--format", "json"], { cwd: dir });
  expect(run.stderr).toBe("");
  return JSON.parse(run.stdout) as CheckJson;
}

const blockedBy = (result: CheckJson, rule: string) => result.reasons.some((r) => r.message.includes("0003_attack.py") && r.message.includes(rule));

/** name → the migration with {c} standing for the dangerous or the harmless call. */
const terminators: [string, (c: string) => string][] = [
  ["a lone CR ends a comment (tree-sitter read the call as part of it)", (c) => `${header}def upgrade():\n    # tidy up\r    ${c}\n${DOWN}`],
  ["CRLF line ends", (c) => `${header}def upgrade():\n    # tidy up\n    ${c}\n${DOWN}`.split("\n").join("\r\n")],
  ["a form feed in the indentation resets it, as CPython does", (c) => `${header}def upgrade():\n    if False:\n        pass\n\f    ${c}\n${DOWN}`],
  ["\\N{LINE FEED} ends the SQL comment in op.execute", (c) => `${header}def upgrade():\n    op.execute("-- tidy up\\N{LINE FEED}${c === DROP ? "DROP TABLE orders" : "SELECT 1"}")\n    ${ADD}\n${DOWN}`],
];

describe("line terminators and \\N{…}: the drop is found, production no-go; the twin needs approval", () => {
  it.each(terminators)("%s", async (_name, shape) => {
    const attack = await production(shape(DROP));
    expect(attack.decision).toBe("no-go");
    expect(blockedBy(attack, "sql/drop-table"), JSON.stringify(attack.reasons)).toBe(true);
    const twin = await production(shape(ADD));
    expect(twin.decision, JSON.stringify(twin.reasons)).toBe("needs-approval");
  }, 60_000);
});

const cookies: [string, string, string, RegExp][] = [
  // The comment hides a line break that only the codec produces.
  ["unicode_escape", "# -*- coding: unicode_escape -*-\n", "#\\u000a", /coding cookie "unicode_escape" on line 1/],
  ["utf-7", "# -*- coding: utf-7 -*-\n", "#+AAo-", /coding cookie "utf-7" on line 1/],
  ["raw_unicode_escape on line 2", "#!/usr/bin/env python\n# vim: set fileencoding=raw_unicode_escape :\n", "#\\u000a", /coding cookie "raw_unicode_escape" on line 2/],
  ["an unknown codec", "# coding=no-such-codec\n", "#\\u000a", /coding cookie "no-such-codec" on line 1/],
  ["unicode_escape on line 2 after a 10,000-character first line", `#${"=".repeat(10_000)}\n# coding: unicode_escape\n`, "#\\u000a", /coding cookie "unicode_escape" on line 2/],
];

describe("a coding cookie gonogo cannot honour is alembic/parse-error naming it (production fails closed)", () => {
  it.each(cookies)("%s", async (_name, cookie, hide, message) => {
    const attack = await production(`${cookie}${header}${hide}${DROP}\n\n\ndef upgrade():\n    pass\n${DOWN}`);
    expect(attack.decision).toBe("no-go");
    const reason = attack.reasons.find((r) => r.code === "unanalysed-file");
    expect(reason?.message).toMatch(message);
    expect(reason?.message).toMatch(/alembic\/parse-error/);
  }, 60_000);

  it("twin: the same text under a utf-8 cookie is a comment, and needs approval", async () => {
    const twin = await production(`# -*- coding: utf-8 -*-\n${header}#\\u000a${DROP}\n\n\ndef upgrade():\n    ${ADD}\n${DOWN}`);
    expect(twin.decision, JSON.stringify(twin.reasons)).toBe("needs-approval");
  }, 60_000);

  it("latin-1 and cp1252 files are decoded as Python decodes them (they used to be 'invalid UTF-8', a false alarm)", async () => {
    for (const cookie of ["# -*- coding: latin-1 -*-\n", "# vim: set fileencoding=cp1252 :\n"]) {
      const twin = await production(Buffer.from(`${cookie}${header}# Gr\xf6\xdfe \xe9\xa9\ndef upgrade():\n    ${ADD}\n${DOWN}`, "latin1"));
      expect(twin.decision, JSON.stringify(twin.reasons)).toBe("needs-approval");
      const attack = await production(Buffer.from(`${cookie}${header}# Gr\xf6\xdfe\ndef upgrade():\n    ${DROP}\n${DOWN}`, "latin1"));
      expect(blockedBy(attack, "sql/drop-table")).toBe(true);
    }
  }, 60_000);

  it("a byte the declared codec leaves undefined, and a cookie that contradicts a BOM, are refused as CPython refuses them", async () => {
    const undefinedByte = await production(Buffer.from(`# coding: cp1252\n${header}# \x81\ndef upgrade():\n    ${ADD}\n${DOWN}`, "latin1"));
    expect(undefinedByte.reasons.find((r) => r.code === "unanalysed-file")?.message).toMatch(/byte 0x81 at offset \d+ is not valid cp1252/);
    const bom = await production(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`# coding: latin-1\n${header}def upgrade():\n    ${ADD}\n${DOWN}`)]));
    expect(bom.reasons.find((r) => r.code === "unanalysed-file")?.message).toMatch(/contradicts the UTF-8 byte order mark/);
  }, 60_000);
});

describe("findings point at the exact line and column", () => {
  async function findingsOf(content: string | Buffer) {
    const cwd = tempProject({ "alembic/versions/0001_x.py": content });
    const result = await scan({ cwd, configFile: false });
    return result.findings.map((f) => `${f.ruleId}@${f.line}:${f.column}-${f.endLine}:${f.endColumn}`);
  }
  const base = 'from alembic import op\n\nrevision = "0001"\ndown_revision = None\n\n\ndef downgrade():\n    pass\n\n\ndef upgrade():\n';

  it("SQL after a \\N{…} escape: the column counts the escape as written in the source", async () => {
    // line 12: `    op.execute("SELECT 1;\N{LINE FEED}DROP TABLE orders")`: the escape is columns 26-38, DROP 39-55.
    const found = await findingsOf(`${base}    op.execute("SELECT 1;\\N{LINE FEED}DROP TABLE orders")\n`);
    expect(found).toContain("sql/drop-table@12:39-12:56");
  });

  it("SQL after a lone CR: a new line for Python, and for the position", async () => {
    // `    x = 1\r    op.execute("DROP TABLE orders")`: line 13, DROP at column 17.
    const found = await findingsOf(`${base}    x = 1\r    op.execute("DROP TABLE orders")\n`);
    expect(found).toContain("sql/drop-table@13:17-13:34");
  });

  it("SQL in a CRLF triple-quoted string and in a latin-1 file", async () => {
    const crlf = await findingsOf(`${base}    op.execute("""\r\n    -- note\r\n    DROP TABLE orders\r\n    """)\r\n`);
    expect(crlf).toContain("sql/drop-table@14:5-14:22");
    // One character per latin-1 byte: `é` is column 25, DROP 29-45.
    const latin1 = await findingsOf(Buffer.from(`# coding: latin-1\n${base}    op.execute("SELECT '\xe9'; DROP TABLE orders")\n`, "latin1"));
    expect(latin1).toContain("sql/drop-table@13:29-13:46");
  });
});

describe("decoding details (CPython's tokenizer rules)", () => {
  it("a cookie counts on line 2 only after a blank or comment line, and only with a line break after it", () => {
    expect(findCodingCookie("x = 1\n# coding: utf-7\n")).toBeUndefined();
    expect(findCodingCookie("# coding: utf-7")).toBeUndefined();
    expect(findCodingCookie("\n  # coding: utf-7\n")?.line).toBe(2);
    expect(findCodingCookie("x = 1  # coding: utf-7\n")).toBeUndefined();
    expect(findCodingCookie("#!python\r# -*- coding: latin-1 -*-\r")).toMatchObject({ name: "latin-1", line: 2, column: 15, codec: "latin_1" });
  });

  it("codec names resolve through CPython's aliases; others are not honoured", () => {
    const codec = (name: string) => findCodingCookie(`# coding: ${name}\n`)?.codec;
    expect([codec("UTF8"), codec("utf-8-sig"), codec("Latin1"), codec("iso8859_15"), codec("windows-1252"), codec("646"), codec("koi8-r")]).toEqual(["utf_8", "utf_8", "latin_1", "iso8859_15", "cp1252", "ascii", "koi8_r"]);
    expect([codec("unicode_escape"), codec("utf-7"), codec("utf-16"), codec("shift_jis"), codec("rot13"), codec("..latin1")]).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it("cp1252 maps 0x80 to the euro sign (Node's TextDecoder would not), ascii refuses 0x80, a lone CR becomes LF, CRLF stays", () => {
    expect(decodePythonSource(Buffer.from("# coding: cp1252\nx = '\x80'\n", "latin1"))).toEqual({ ok: true, text: "# coding: cp1252\nx = '\u20ac'\n" });
    expect(decodePythonSource(Buffer.from("# coding: ascii\nx = '\x80'\n", "latin1")).ok).toBe(false);
    expect(decodePythonSource(Buffer.from("a\rb\r\nc"))).toEqual({ ok: true, text: "a\nb\r\nc" });
  });
});
