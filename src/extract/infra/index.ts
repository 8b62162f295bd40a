// Infrastructure code → StorageAction facts (S3 and R2 bucket deletion). One entry point per file;
// each format has its own module, and grammars load only when a file of their kind is seen.
import { emptyFileFacts, type FileFacts } from "../facts.js";
import { SourceText } from "../source.js";
import { infraProblem, verbatimText, type InfraAnalysis } from "./common.js";
import { readPendingD1Sql } from "./d1.js";
import { analyseDocument } from "./documents.js";
import { analyseJavaScript } from "./javascript.js";
import { analysePython } from "./python.js";
import { extractShellActions } from "./shell.js";
import { analyseTerraform } from "./terraform.js";

export { infraFileKind, isInfraCandidate, type InfraFileKind } from "./kinds.js";
export { localModuleDirectories } from "./terraform-local-modules.js";
import { documentKind, infraFileKind } from "./kinds.js";

/**
 * Makefile recipes as a shell script at the same offsets: recipe lines (tab-indented) keep their
 * text with the tab and the `@`/`-`/`+` prefixes blanked, comment lines stay, everything else
 * (targets, variables, directives) is blanked. Line breaks are kept, so offsets are the file's.
 */
export function makefileRecipes(text: string): string {
  const lines = text.split("\n");
  let continued = false;
  const out = lines.map((line) => {
    const wasContinued = continued;
    const isRecipe = line.startsWith("\t") || wasContinued;
    continued = isRecipe && line.replace(/\r$/, "").endsWith("\\");
    if (!isRecipe) return line.trimStart().startsWith("#") ? line : " ".repeat(line.length);
    if (wasContinued) return line;
    let i = 0;
    const chars = [...line];
    while (i < chars.length && (chars[i] === "\t" || chars[i] === " " || chars[i] === "@" || chars[i] === "-" || chars[i] === "+")) {
      chars[i] = " ";
      i++;
    }
    return chars.join("");
  });
  return out.join("\n");
}

/** Facts and the bucket inventory of one infra file. `siblings` help Terraform resolve variables. */
export function analyseInfraFile(file: string, text: string, siblings: { file: string; text: string }[] = []): InfraAnalysis {
  const kind = infraFileKind(file);
  try {
    switch (kind) {
      case "terraform": {
        const dir = file.includes("/") ? file.slice(0, file.lastIndexOf("/") + 1) : "";
        const terraform = siblings.filter((s) => s.file !== file && infraFileKind(s.file) === "terraform");
        const inDirectory = (s: { file: string }) => s.file.startsWith(dir) && !s.file.slice(dir.length).includes("/");
        return analyseTerraform(file, text, terraform.filter(inDirectory), terraform.filter((s) => !inDirectory(s)));
      }
      case "javascript":
        // Its siblings are the scan's files that may define command wrappers it imports.
        return analyseJavaScript(file, text, siblings.filter((s) => s.file !== file));
      case "python":
        return analysePython(file, text);
      case "shell":
      case "makefile": {
        const facts = emptyFileFacts(file, kind);
        const script = kind === "makefile" ? makefileRecipes(text) : text;
        extractShellActions(verbatimText(script, 0), new SourceText(file, text), facts, { directives: true, reportErrors: kind === "shell" });
        return { facts, buckets: [] };
      }
      case "document":
        // A YAML file's siblings are the other files of its GitLab CI pipelines (engine/siblings.ts).
        return analyseDocument(file, text, documentKind(file)!, siblings.filter((s) => s.file !== file));
      default:
        return { facts: emptyFileFacts(file, "infra"), buckets: [] };
    }
  } catch (error) {
    // A bug or a parser crash must not pass silently: the file is reported as not analysed.
    const facts = emptyFileFacts(file, kind ?? "infra");
    facts.parseProblems.push(infraProblem("file", `could not analyse infrastructure file: ${(error as Error).message}`, new SourceText(file, text).location(0, 0)));
    return { facts, buckets: [] };
  }
}

export interface InfraExtractContext {
  /**
   * Other files of the scan (POSIX paths relative to the same root): for a Terraform file, the
   * .tf files of its directory (`var.*` defaults across a module) and of the local modules it calls;
   * for a YAML file, the other files of the GitLab CI pipelines it belongs to (local `include:`s).
   */
  siblings?: { file: string; text: string }[];
}

/** Extracts storage actions (and parse problems, directives) from one infrastructure file. */
export async function extractInfraFacts(file: string, text: string, context: InfraExtractContext = {}): Promise<FileFacts> {
  const facts = analyseInfraFile(file, text, context.siblings ?? []).facts;
  await readPendingD1Sql(facts, new SourceText(file, text));
  return facts;
}

