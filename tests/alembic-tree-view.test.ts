// The cursor-backed tree view the Alembic extractor reads (src/extract/alembic/nodes.ts) must
// answer exactly as the binding's own SyntaxNode API does, node for node; and string literals
// decoded from the source text (no children read) must keep every character's source offset.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { parsePython, type SyntaxNode } from "../src/parsers/python.js";
import { TreeView, type PyNode } from "../src/extract/alembic/nodes.js";
import { decodeStringNode } from "../src/extract/alembic/strings.js";

function pythonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return pythonFiles(full);
    return entry.endsWith(".py") ? [full] : [];
  });
}

const shape = (n: { type: string; startIndex: number; endIndex: number; isNamed: boolean }) => `${n.type}@${n.startIndex}-${n.endIndex}${n.isNamed ? "" : "(anon)"}`;

/**
 * Every difference between the view and the binding, over the whole tree. `lent`: the view first
 * reads the module's statements (its cursor left on the last), then lends its cursor to a walk that
 * leaves it on the first leaf, as the indentation check does before the extractor reads on.
 */
function differences(text: string, lent = false): string[] {
  const tree = parsePython(text);
  const out: string[] = [];
  const compare = (view: PyNode, raw: SyntaxNode) => {
    if (shape(view) !== shape(raw)) out.push(`${shape(view)} != ${shape(raw)}`);
    if (view.text !== raw.text) out.push(`text of ${shape(raw)}`);
    const rawChildren = raw.children;
    if (view.children.length !== rawChildren.length) {
      out.push(`children of ${shape(raw)}: ${view.children.length} != ${rawChildren.length}`);
      return;
    }
    if (view.namedChildren.map(shape).join() !== raw.namedChildren.map(shape).join()) out.push(`namedChildren of ${shape(raw)}`);
    const fields = new Set([...view.children.map((c) => c.field), ...((raw.fields as string[] | undefined) ?? []).map((f) => f.replace(/Nodes?$/, "").replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`))]);
    for (const field of fields) {
      if (!field) continue;
      const a = view.childForFieldName(field);
      const b = raw.childForFieldName(field);
      if ((a ? shape(a) : "none") !== (b ? shape(b) : "none")) out.push(`${field} of ${shape(raw)}`);
      if (view.childrenForFieldName(field).map(shape).join() !== raw.childrenForFieldName(field).map(shape).join()) out.push(`${field}[] of ${shape(raw)}`);
    }
    rawChildren.forEach((child, i) => compare(view.children[i]!, child));
  };
  const treeView = new TreeView(tree, text);
  const view = treeView.root;
  if (lent) {
    expect(view.children.length).toBeGreaterThan(0);
    treeView.lendCursor((cursor) => {
      cursor.gotoDescendant(0);
      while (cursor.gotoFirstChild());
    });
  }
  compare(view, tree.rootNode);
  for (const type of ["comment", "with_item", "call"]) {
    if (view.descendantsOfType(type).map(shape).join() !== tree.rootNode.descendantsOfType(type).map(shape).join()) out.push(`descendantsOfType(${type})`);
  }
  return out;
}

const tricky = [
  '"""doc"""\nfrom alembic import op as alembic_op\nimport sqlalchemy as sa\nrevision: str = "a1"\ndown_revision = ("b", \'c\')\n',
  'def upgrade(op: "Operations") -> None:\n    x = 1 + 2 * (3 - 4)\n    with op.batch_alter_table("t", schema="s") as batch_op, open("f") as f:  # trailing\n        batch_op.drop_column(\n            "c",  # inline\n        )\n    op.execute(f"DROP TABLE {x!r:>10}" "tail" r"\\d" b"\\x00")\n',
  'def upgrade():\n    op.execute("unterminated\n    op.drop_table(\n',
  "café = '😀' ; lambda a, *b, c=1, **d: (yield from a)\n@decorator\nasync def downgrade(*, op):\n    pass\n",
];

describe("tree view", () => {
  test("answers as the binding does on every fixture migration", () => {
    const files = pythonFiles(path.join(import.meta.dirname, "../fixtures/alembic"));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) expect({ file, differences: differences(readFileSync(file, "utf8")) }).toEqual({ file, differences: [] });
  });

  test("answers as the binding does on syntax edge cases, including broken code and non-BMP text", () => {
    for (const text of tricky) expect(differences(text)).toEqual([]);
  });

  test("answers as the binding does after lending its cursor to another walk", () => {
    const files = pythonFiles(path.join(import.meta.dirname, "../fixtures/alembic"));
    for (const text of [...tricky, ...files.map((file) => readFileSync(file, "utf8"))]) expect(differences(text, true)).toEqual([]);
  });
});

describe("string literals decoded from the source text", () => {
  const firstString = (code: string) => {
    const text = `x = ${code}\n`;
    const root = new TreeView(parsePython(text), text).root;
    const value = root.namedChildren[0]!.namedChildren[0]!.childForFieldName("right")!;
    return { text, decoded: decodeStringNode(value) };
  };

  test.each([
    ['"users"', "users"],
    ["'it'", "it"],
    ['""', ""],
    ['"""\n  DELETE FROM a\n"""', "\n  DELETE FROM a\n"],
    ["'''x \"y\" z'''", 'x "y" z'],
    ['"ñ😀"', "ñ😀"],
  ])("%s → its value, each character located in the source", (code, value) => {
    const { text, decoded } = firstString(code);
    expect(decoded?.value).toBe(value);
    for (let i = 0; i < value.length; i++) expect(text[decoded!.offsets[i]!]).toBe(value[i]);
    // The end offset is where the closing quote starts.
    expect(text.slice(decoded!.offsets[value.length]!)).toMatch(/^["']/);
  });

  test("escapes, prefixes and f-string placeholders still take the general path", () => {
    expect(firstString('"a\\tb"').decoded?.value).toBe("a\tb");
    expect(firstString('r"a\\tb"').decoded?.value).toBe("a\\tb");
    expect(firstString('b"abc"').decoded).toBeUndefined();
    expect(firstString('f"{x}"').decoded).toBeUndefined();
    expect(firstString('f"plain"').decoded?.value).toBe("plain");
  });
});
