#!/usr/bin/env node
// README.md = its hand-written head + the reference pages of docs/*.md, assembled here so each
// topic has one source. `npm run docs:readme` rewrites README.md; `--check` exits 1 when stale.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const MARKER = "<!-- sections below are assembled from docs/*.md by `npm run docs:readme`: edit those files, not this part -->";

/** The pages, in README order, with the title each gets as a README section. */
export const PAGES = [
  ["policy.md", "Policy, release gates and `gonogo check`"],
  ["release.md", "Release wrappers: deploy, rollback, cascade, log"],
  ["infra.md", "Storage (S3 / R2) rules"],
  ["sql.md", "SQL dialects and what is read"],
  ["reports.md", "Reports and pictures: `migrations graph`, HTML, markdown"],
  ["integrations.md", "Integrations"],
  ["performance.md", "Performance"],
  ["guarantees.md", "Guarantees"],
];

/** Demotes headings by one level outside code fences; replaces the page's own title. */
function demote(text, title) {
  let inFence = false;
  let titled = false;
  const out = [];
  for (const line of text.split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const heading = !inFence && /^(#{1,5}) (.*)$/.exec(line);
    if (heading && !titled && (heading[1] === "#" || heading[1] === "##")) {
      out.push(`## ${title}`);
      titled = true;
      continue;
    }
    out.push(heading ? `#${heading[1]} ${heading[2]}` : line);
  }
  return out.join("\n").trim();
}

/** Links relative to docs/ become links relative to the repository root. */
function relink(text) {
  return text.replace(/\]\((?!https?:|#|mailto:)([^)\s]+)\)/g, (_m, target) => {
    const resolved = path.posix.normalize(path.posix.join("docs", target));
    const page = PAGES.find(([file]) => resolved === `docs/${file}` || resolved.startsWith(`docs/${file}#`));
    if (page) return `](#${anchor(page[1])})`;
    return `](${resolved})`;
  });
}

function anchor(title) {
  return title.toLowerCase().replace(/[^a-z0-9 _-]/g, "").replace(/ /g, "-");
}

export function assemble(readme) {
  const at = readme.indexOf(MARKER);
  const head = at === -1 ? readme.trimEnd() + "\n\n" : readme.slice(0, at);
  const sections = PAGES.map(([file, title]) => relink(demote(readFileSync(path.join(root, "docs", file), "utf8"), title)));
  return `${head}${MARKER}\n\n${sections.join("\n\n")}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = path.join(root, "README.md");
  const current = readFileSync(file, "utf8");
  const next = assemble(current);
  if (process.argv.includes("--check")) {
    if (current !== next) {
      console.error("README.md is stale: run `npm run docs:readme`");
      process.exit(1);
    }
  } else {
    writeFileSync(file, next);
    console.log("README.md assembled from docs/*.md");
  }
}
