// The command line a JS/TS expression holds, as shell text aligned with the file: a string, a
// template whose `${…}` parts are unknown words, `"aws s3 rb s3://" + bucket + " --force"`, or the
// name of a `const` declared with one of these (`const cmd = \`…\`; execSync(cmd)`: read where the
// string is written). Anything else is not a command line known statically.
import type * as t from "@babel/types";
import { alignedText, joinEmbedded, parameterName, unknownWordAt, type EmbeddedText } from "./common.js";

type AnyNode = t.Node;

function unwrap(node: AnyNode): AnyNode {
  let n = node;
  while (n.type === "TSAsExpression" || n.type === "TSNonNullExpression" || n.type === "TSSatisfiesExpression" || n.type === "ParenthesizedExpression" || n.type === "TSTypeAssertion") n = n.expression;
  return n;
}

/** `${name}` standing for the JS value at [start, end) of `text`. */
const unknownWord = (text: string, start: number, end: number): EmbeddedText => unknownWordAt(start, end, text.slice(start, end));

/** A template literal as shell: its text verbatim, each `${expr}` as a parameter of the same length (`${process_env_B}`). */
function templateText(n: t.TemplateLiteral, text: string): EmbeddedText {
  const parts: EmbeddedText[] = [];
  for (const [i, quasi] of n.quasis.entries()) {
    const raw = text.slice(quasi.start!, quasi.end!);
    parts.push({ text: raw, offsets: Array.from({ length: raw.length + 1 }, (_, k) => quasi.start! + k) });
    const next = n.quasis[i + 1];
    if (!next) break;
    // text.slice(quasi.end, next.start) is `${…}`: the name keeps its length, so positions stay the file's.
    const inner = text.slice(quasi.end! + 2, next.start! - 1);
    const word = `\${${parameterName(inner)}}`;
    parts.push({ text: word, offsets: Array.from({ length: word.length + 1 }, (_, k) => quasi.end! + k) });
  }
  return joinEmbedded(parts);
}

/**
 * The shell texts `node` may be: one for a string, template or concatenation; for a name, the
 * initialiser of each `const` of the file so named (scopes are not told apart: each may be the one
 * passed, so each is read). Empty when it is not a command line known statically.
 */
export function commandTexts(node: AnyNode, text: string, constants: (name: string) => AnyNode[]): EmbeddedText[] {
  const n = unwrap(node);
  if (n.type !== "Identifier") {
    const one = commandText(n, text);
    return one ? [one] : [];
  }
  return constants(n.name).flatMap((init) => {
    const one = commandText(init, text);
    return one ? [one] : [];
  });
}

function commandText(node: AnyNode, text: string, depth = 0): EmbeddedText | undefined {
  const n = unwrap(node);
  if (depth > 8) return undefined;
  if (n.type === "StringLiteral") return alignedText(n.value, text, n.start! + 1, n.end! - 1);
  if (n.type === "TemplateLiteral") return templateText(n, text);
  if (n.type === "BinaryExpression" && n.operator === "+") {
    // A concatenation is a command only when it holds some literal text; other operands are unknown words.
    const operands: AnyNode[] = [];
    const flatten = (e: AnyNode): void => {
      const u = unwrap(e);
      if (u.type === "BinaryExpression" && u.operator === "+" && operands.length < 64) {
        flatten(u.left);
        flatten(u.right);
      } else operands.push(u);
    };
    flatten(n);
    if (!operands.some((o) => o.type === "StringLiteral" || o.type === "TemplateLiteral")) return undefined;
    return joinEmbedded(operands.map((o) => (o.type === "StringLiteral" || o.type === "TemplateLiteral" ? commandText(o, text, depth + 1)! : unknownWord(text, o.start!, o.end!))));
  }
  return undefined;
}

/** The initialisers of `const NAME = <string, template or concatenation>` in the file, by name. */
export function constantStrings(program: t.Program, walk: (node: AnyNode, visit: (node: AnyNode) => void) => void): (name: string) => AnyNode[] {
  const found = new Map<string, AnyNode[]>();
  walk(program, (node) => {
    if (node.type !== "VariableDeclaration" || node.kind !== "const") return;
    for (const decl of node.declarations) {
      if (decl.id.type !== "Identifier" || !decl.init) continue;
      const init = unwrap(decl.init);
      if (!(init.type === "StringLiteral" || init.type === "TemplateLiteral" || (init.type === "BinaryExpression" && init.operator === "+"))) continue;
      const list = found.get(decl.id.name) ?? [];
      list.push(init);
      found.set(decl.id.name, list);
    }
  });
  return (name) => found.get(name) ?? [];
}
