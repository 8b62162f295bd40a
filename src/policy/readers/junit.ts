// JUnit XML (pytest, vitest, jest-junit, Maven surefire …): test cases counted by outcome.
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { TestResults } from "../types.js";
import { InputFormatError } from "../../errors.js";

export { InputFormatError };

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  // Element names that may repeat are always arrays, so one test case reads like many.
  isArray: (name) => ["testsuite", "testcase", "failure", "error", "skipped", "flakyFailure", "flakyError", "rerunFailure", "rerunError"].includes(name),
  processEntities: true,
  parseTagValue: false,
  parseAttributeValue: false,
});

function children(node: XmlNode, name: string): XmlNode[] {
  const value = node[name];
  if (!Array.isArray(value)) return [];
  // `<skipped/>` parses as "" — still an element.
  return value.map((item) => (typeof item === "object" && item !== null ? (item as XmlNode) : {}));
}

function attr(node: XmlNode, name: string): string | undefined {
  const value = node[`@${name}`];
  return typeof value === "string" ? value : undefined;
}

function intAttr(node: XmlNode, name: string): number {
  const n = Number.parseInt(attr(node, name) ?? "", 10);
  return Number.isFinite(n) && n >= 0 ? n : 0;
}

function emptyResults(file: string): TestResults {
  return { files: [file], total: 0, passed: 0, failed: 0, errors: 0, skipped: 0, failures: [] };
}

/** Parses one JUnit XML document. Throws InputFormatError when it is not JUnit XML. */
export function parseJUnit(text: string, file: string): TestResults {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new InputFormatError(`invalid XML at line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`);
  }
  const root = parser.parse(text) as XmlNode;
  const suites: XmlNode[] = [];
  const collect = (node: XmlNode) => {
    for (const suite of children(node, "testsuite")) {
      suites.push(suite);
      collect(suite); // nested suites (some reporters nest by file, then by describe block)
    }
  };
  const top = root.testsuites;
  if (top !== undefined) collect(typeof top === "object" && top !== null ? (top as XmlNode) : {});
  else if (root.testsuite !== undefined) collect(root);
  else throw new InputFormatError("not JUnit XML: no <testsuites> or <testsuite> root element");

  const result = emptyResults(file);
  for (const suite of suites) {
    const cases = children(suite, "testcase");
    if (cases.length === 0) {
      // A suite without its cases (only nested suites, or a summary): trust its counters
      // only when it has no nested suites, so nothing is counted twice.
      if (children(suite, "testsuite").length > 0) continue;
      const tests = intAttr(suite, "tests");
      const failed = intAttr(suite, "failures");
      const errors = intAttr(suite, "errors");
      const skipped = intAttr(suite, "skipped") + intAttr(suite, "disabled");
      result.total += tests;
      result.failed += failed;
      result.errors += errors;
      result.skipped += skipped;
      result.passed += Math.max(0, tests - failed - errors - skipped);
      continue;
    }
    for (const testcase of cases) {
      result.total++;
      const failure = children(testcase, "failure")[0];
      const error = children(testcase, "error")[0];
      if (failure || error) {
        const kind = failure ? "failure" : "error";
        if (kind === "failure") result.failed++;
        else result.errors++;
        if (result.failures.length < 20) {
          const node = (failure ?? error) as XmlNode;
          const message = attr(node, "message") ?? (typeof node["#text"] === "string" ? node["#text"].split("\n")[0] : undefined);
          const entry: TestResults["failures"][number] = { name: attr(testcase, "name") ?? "(unnamed)", kind };
          const classname = attr(testcase, "classname");
          if (classname) entry.classname = classname;
          if (message) entry.message = message.slice(0, 300);
          result.failures.push(entry);
        }
      } else if (children(testcase, "skipped").length > 0) {
        result.skipped++;
      } else {
        // Surefire's flakyFailure/rerunFailure without <failure> means it passed on a rerun.
        result.passed++;
      }
    }
  }
  return result;
}

/** Sums the results of several JUnit files. */
export function mergeTestResults(results: TestResults[]): TestResults {
  const merged: TestResults = { files: [], total: 0, passed: 0, failed: 0, errors: 0, skipped: 0, failures: [] };
  for (const r of results) {
    merged.files.push(...r.files);
    merged.total += r.total;
    merged.passed += r.passed;
    merged.failed += r.failed;
    merged.errors += r.errors;
    merged.skipped += r.skipped;
    merged.failures.push(...r.failures.slice(0, Math.max(0, 20 - merged.failures.length)));
  }
  return merged;
}
