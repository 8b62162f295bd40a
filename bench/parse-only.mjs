#!/usr/bin/env node
// The reference for the Alembic benchmark: read every .py file under a directory and parse it with
// tree-sitter-python, single-threaded, doing nothing else. gonogo's scan does this and more.
//
//   node bench/parse-only.mjs <directory>
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const Parser = require("tree-sitter");
const Python = require("tree-sitter-python");

const root = process.argv[2];
if (!root) throw new Error("usage: parse-only.mjs <directory>");
const parser = new Parser();
parser.setLanguage(Python);

let files = 0;
let nodes = 0;
const walk = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full);
    else if (entry.name.endsWith(".py")) {
      const text = readFileSync(full, "utf8");
      const tree = parser.parse(text, undefined, { bufferSize: Math.max(32 * 1024, text.length * 2 + 2) });
      nodes += tree.rootNode.descendantCount;
      files++;
    }
  }
};
walk(root);
process.stdout.write(`parsed ${files} files, ${nodes} nodes\n`);
