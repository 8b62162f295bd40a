// Inline Lambda code of CloudFormation / SAM templates (`AWS::Lambda::Function` `Code.ZipFile`, SAM
// `InlineCode`), read by the Python (boto3) or JS/TS (SDK) reader by the function's `Runtime`: a
// custom resource whose handler empties or deletes a bucket on stack deletion is found where its
// code is written. Locations are mapped back through the YAML/JSON string to the template's lines.
import type { SourceLocation } from "../../types.js";
import type { FileFacts } from "../facts.js";
import { SourceText } from "../source.js";
import { embeddedLocation } from "./common.js";
import { child, stringValue, type DataNode } from "./data.js";
import { analyseJavaScript } from "./javascript.js";
import { analysePython } from "./python.js";

function offsetOf(text: SourceText, line: number, column: number): number {
  const start = text.lineStarts[line - 1] ?? text.text.length;
  return Math.min(text.text.length, start + column - 1);
}

export function analyseInlineFunctions(root: DataNode | undefined, source: SourceText, facts: FileFacts): void {
  const resources = child(root, "Resources");
  if (resources?.kind !== "map") return;
  const globalRuntime = stringValue(child(child(child(root, "Globals"), "Function"), "Runtime"));
  for (const resource of resources.entries) {
    const type = stringValue(child(resource.value, "Type"));
    const props = child(resource.value, "Properties");
    const sam = type === "AWS::Serverless::Function";
    const code = type === "AWS::Lambda::Function" ? child(child(props, "Code"), "ZipFile") : sam ? child(props, "InlineCode") : undefined;
    if (code?.kind !== "scalar" || typeof code.value !== "string") continue;
    const runtime = stringValue(child(props, "Runtime")) ?? (sam ? globalRuntime : undefined);
    const language = runtime?.startsWith("python") ? "py" : runtime?.startsWith("nodejs") ? "js" : undefined;
    if (!language) continue;
    const embedded = code.embedded();
    const file = `${source.file}#${resource.key}.${language}`;
    const analysis = language === "py" ? analysePython(file, embedded.text) : analyseJavaScript(file, embedded.text);
    const inline = new SourceText(file, embedded.text);
    const remap = (at: SourceLocation): SourceLocation => {
      const start = offsetOf(inline, at.line, at.column);
      return embeddedLocation(source, embedded, start, Math.max(start, offsetOf(inline, at.endLine, at.endColumn)));
    };
    for (const action of analysis.facts.storageActions) facts.storageActions.push({ ...action, resource: action.resource ?? `${resource.key} (inline code)`, location: remap(action.location) });
    for (const problem of analysis.facts.parseProblems) facts.parseProblems.push({ ...problem, message: `${problem.message} (inline code of ${resource.key})`, location: remap(problem.location) });
  }
}
