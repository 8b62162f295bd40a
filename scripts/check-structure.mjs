#!/usr/bin/env node
// Structure checks run by `npm run lint`:
//  1. no import cycles among the modules of src/ and rules/: static imports, `import type`,
//     re-exports (`export … from`), dynamic `import()` and type-level `import("…")` all count;
//  2. no source file in src/ or rules/ over MAX_LINES lines (split it by job instead).
// Imports are read with @babel/parser (no regex over source).
import { readdirSync, readFileSync, existsSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "@babel/parser";

// `--root DIR` checks another tree (the tests use it); default: this repository.
const rootArg = process.argv.indexOf("--root");
const root = rootArg > 0 ? path.resolve(process.argv[rootArg + 1]) : path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DIRS = ["src", "rules"];
const MAX_LINES = 450;
/** Files allowed over MAX_LINES for now, each with the issue that splits it. */
const OVERSIZE_ALLOWED = new Map([]);

function walk(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else if (/\.(ts|mts|cts)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) out.push(full);
  }
  return out;
}

/** Every module specifier the file names, with its line. */
function specifiersOf(file, text) {
  const ast = parse(text, { sourceType: "module", plugins: ["typescript"], errorRecovery: false });
  const found = [];
  const visit = (node) => {
    if (!node || typeof node.type !== "string") return;
    switch (node.type) {
      case "ImportDeclaration":
      case "ExportAllDeclaration":
      case "ExportNamedDeclaration":
        if (node.source) found.push({ spec: node.source.value, line: node.loc.start.line });
        break;
      case "ImportExpression":
        if (node.source?.type === "StringLiteral") found.push({ spec: node.source.value, line: node.loc.start.line });
        break;
      case "CallExpression":
        if (node.callee.type === "Import" && node.arguments[0]?.type === "StringLiteral") found.push({ spec: node.arguments[0].value, line: node.loc.start.line });
        break;
      case "TSImportType": {
        const arg = node.argument?.type === "TSLiteralType" ? node.argument.literal : node.argument;
        if (arg?.type === "StringLiteral") found.push({ spec: arg.value, line: node.loc.start.line });
        break;
      }
      case "TSImportEqualsDeclaration":
        if (node.moduleReference?.type === "TSExternalModuleReference") found.push({ spec: node.moduleReference.expression.value, line: node.loc.start.line });
        break;
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === "loc" || key === "start" || key === "end" || key === "leadingComments" || key === "trailingComments") continue;
      if (Array.isArray(value)) value.forEach(visit);
      else if (value && typeof value === "object") visit(value);
    }
  };
  visit(ast.program);
  return found;
}

/** The repository file a relative specifier names (`./x.js` → `./x.ts`), or undefined for packages. */
function resolveSpecifier(from, spec) {
  if (!spec.startsWith(".")) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  const candidates = [base, base.replace(/\.js$/, ".ts"), base.replace(/\.mjs$/, ".mts"), `${base}.ts`, path.join(base, "index.ts")];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

const files = DIRS.filter((d) => existsSync(path.join(root, d))).flatMap((d) => walk(path.join(root, d))).sort();
const rel = (f) => path.relative(root, f).split(path.sep).join("/");
const problems = [];
const graph = new Map();

for (const file of files) {
  const text = readFileSync(file, "utf8");
  const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
  if (lines > MAX_LINES && !OVERSIZE_ALLOWED.has(rel(file))) problems.push(`${rel(file)}: ${lines} lines, over the ${MAX_LINES}-line limit: split it by job`);
  const edges = [];
  let specifiers = [];
  try {
    specifiers = specifiersOf(file, text);
  } catch (error) {
    problems.push(`${rel(file)}: cannot be parsed for its imports: ${error.message}`);
  }
  for (const { spec, line } of specifiers) {
    const target = resolveSpecifier(file, spec);
    if (target && files.includes(target)) edges.push({ target, line });
  }
  graph.set(file, edges);
}
for (const [file, why] of OVERSIZE_ALLOWED) {
  const full = path.join(root, file);
  if (!existsSync(full)) continue;
  const text = readFileSync(full, "utf8");
  const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
  if (lines > MAX_LINES) console.warn(`warning: ${file}: ${lines} lines, over ${MAX_LINES} (allowed for now: ${why})`);
}

// Strongly connected components (Tarjan, iterative): every component of more than one module,
// or a module importing itself, is a cycle.
let index = 0;
const indexOf = new Map();
const low = new Map();
const onStack = new Set();
const stack = [];
const components = [];
for (const start of files) {
  if (indexOf.has(start)) continue;
  const work = [{ node: start, next: 0 }];
  indexOf.set(start, index);
  low.set(start, index++);
  stack.push(start);
  onStack.add(start);
  while (work.length > 0) {
    const top = work[work.length - 1];
    const edges = graph.get(top.node);
    if (top.next < edges.length) {
      const { target } = edges[top.next++];
      if (!indexOf.has(target)) {
        indexOf.set(target, index);
        low.set(target, index++);
        stack.push(target);
        onStack.add(target);
        work.push({ node: target, next: 0 });
      } else if (onStack.has(target)) low.set(top.node, Math.min(low.get(top.node), indexOf.get(target)));
      continue;
    }
    work.pop();
    if (work.length > 0) {
      const parent = work[work.length - 1].node;
      low.set(parent, Math.min(low.get(parent), low.get(top.node)));
    }
    if (low.get(top.node) === indexOf.get(top.node)) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== top.node);
      const selfLoop = graph.get(top.node).some((e) => e.target === top.node);
      if (component.length > 1 || selfLoop) components.push(component);
    }
  }
}

/** One concrete cycle inside a component, as `a.ts:3 → b.ts:7 → a.ts`. */
function cycleIn(component) {
  const members = new Set(component);
  const start = [...component].sort()[0];
  // Breadth-first from start back to start, inside the component.
  const previous = new Map();
  const queue = [start];
  const seen = new Set();
  while (queue.length > 0) {
    const node = queue.shift();
    for (const { target, line } of graph.get(node)) {
      if (!members.has(target)) continue;
      if (target === start) {
        const hops = [{ node, line }];
        let at = node;
        while (at !== start) {
          const p = previous.get(at);
          hops.unshift(p);
          at = p.node;
        }
        return `${hops.map((h) => `${rel(h.node)}:${h.line}`).join(" → ")} → ${rel(start)}`;
      }
      if (seen.has(target)) continue;
      seen.add(target);
      previous.set(target, { node, line });
      queue.push(target);
    }
  }
  return component.map(rel).join(", ");
}

for (const component of components) problems.push(`import cycle: ${cycleIn(component)}`);

if (problems.length > 0) {
  for (const p of problems) console.error(p);
  console.error(`\n${problems.length} structure problem(s) (scripts/check-structure.mjs)`);
  process.exit(1);
}
const allowed = [...OVERSIZE_ALLOWED.keys()].filter((f) => files.includes(path.join(root, f))).length;
console.log(`structure: ${files.length} modules, no import cycles, none over ${MAX_LINES} lines${allowed ? ` (${allowed} allow-listed)` : ""}`);
