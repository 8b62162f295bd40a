// JUnit XML for CI systems that only understand test reports: one test case per scanned file
// with findings, one failure per error-level finding.
import type { FileResult } from "../types.js";
import { eslintSeverity } from "../types.js";

/** Characters XML 1.0 cannot hold at all (C0 controls other than tab, LF, CR). */
function isXmlForbidden(code: number): boolean {
  return code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d;
}

function xml(s: string): string {
  const escaped = s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  return [...escaped].filter((ch) => !isXmlForbidden(ch.charCodeAt(0))).join("");
}

export function formatJunit(results: FileResult[]): string {
  const cases: string[] = [];
  let failures = 0;
  let tests = 0;
  for (const r of results) {
    for (const f of r.findings) {
      tests++;
      const name = `${f.file}:${f.line}:${f.column} ${f.ruleId}`;
      const body = `${f.message}\n${f.file}:${f.line}:${f.column}\nWhy: ${f.why}\nInstead: ${f.instead}\n${f.docsUrl}`;
      if (eslintSeverity(f.severity) === 2) {
        failures++;
        cases.push(`    <testcase classname="${xml(f.file)}" name="${xml(name)}"><failure type="${xml(f.ruleId)}" message="${xml(f.message)}">${xml(body)}</failure></testcase>`);
      } else {
        cases.push(`    <testcase classname="${xml(f.file)}" name="${xml(name)}"><system-out>${xml(`warning: ${body}`)}</system-out></testcase>`);
      }
    }
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="gonogo" tests="${tests}" failures="${failures}">`,
    `  <testsuite name="gonogo scan" tests="${tests}" failures="${failures}" errors="0" skipped="0">`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}
