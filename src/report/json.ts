// ESLint's JSON results array, with gonogo's own fields beside ESLint's, so ESLint reporters
// and CI annotators read it as they read ESLint output.
import path from "node:path";
import type { FileResult } from "../types.js";
import { eslintSeverity } from "../types.js";

export interface EslintMessage {
  ruleId: string;
  severity: 1 | 2;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  gonogoSeverity: string;
  why: string;
  instead: string;
  docsUrl: string;
  data?: Record<string, unknown>;
}

export interface EslintResult {
  filePath: string;
  messages: EslintMessage[];
  errorCount: number;
  warningCount: number;
  fatalErrorCount: number;
  fixableErrorCount: 0;
  fixableWarningCount: 0;
  suppressedMessages: [];
  usedDeprecatedRules: [];
}

export function toEslintResults(results: FileResult[], cwd: string): EslintResult[] {
  return results.map((r) => {
    const messages: EslintMessage[] = r.findings.map((f) => {
      const m: EslintMessage = {
        ruleId: f.ruleId,
        severity: eslintSeverity(f.severity),
        message: f.message,
        line: f.line,
        column: f.column,
        endLine: f.endLine,
        endColumn: f.endColumn,
        gonogoSeverity: f.severity,
        why: f.why,
        instead: f.instead,
        docsUrl: f.docsUrl,
      };
      if (f.data) m.data = f.data;
      return m;
    });
    const errorCount = messages.filter((m) => m.severity === 2).length;
    return {
      filePath: path.resolve(cwd, r.file),
      messages,
      errorCount,
      warningCount: messages.length - errorCount,
      fatalErrorCount: 0,
      fixableErrorCount: 0,
      fixableWarningCount: 0,
      suppressedMessages: [],
      usedDeprecatedRules: [],
    };
  });
}

export function formatJson(results: FileResult[], cwd: string): string {
  return JSON.stringify(toEslintResults(results, cwd), null, 2) + "\n";
}
