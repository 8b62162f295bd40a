// Which database an Alembic environment names: a literal `sqlalchemy.url` in alembic.ini, or one
// that env.py sets. env.py runs after alembic.ini is read, so an env.py that sets the URL from
// something computed (settings, the environment) overrides whatever alembic.ini says.
import { parseIni } from "../../parsers/ini.js";
import { parsePython } from "../../parsers/python.js";
import type { SqlDialect } from "../../types.js";
import { TreeView, type PyNode } from "./nodes.js";
import { decodeStringNode } from "./strings.js";

/** What a configuration file says about the database URL. */
export type ConfiguredUrl =
  /** A literal URL; `dialect` when it is one gonogo reads. */
  | { kind: "literal"; url: string; dialect?: SqlDialect }
  /** The URL is set from something computed: the file does not tell the database. */
  | { kind: "computed" }
  /** The file does not set the URL. */
  | { kind: "none" };

const SCHEMES: Record<string, SqlDialect> = {
  postgresql: "postgresql",
  postgres: "postgresql",
  mysql: "mysql",
  mariadb: "mysql",
  sqlite: "sqlite",
  mssql: "mssql",
};

/** `postgresql+psycopg2://…` → postgresql; `driver://…` (Alembic's template) → undefined. */
export function dialectOfUrl(url: string): SqlDialect | undefined {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return undefined;
  }
  const scheme = protocol.slice(0, -1).split("+")[0]!.toLowerCase();
  return Object.hasOwn(SCHEMES, scheme) ? SCHEMES[scheme] : undefined;
}

function literal(url: string): ConfiguredUrl {
  const dialect = dialectOfUrl(url);
  return dialect ? { kind: "literal", url, dialect } : { kind: "literal", url };
}

/** Combines what several places of one file say: one dialect when they all agree on it. */
function combine(found: ConfiguredUrl[]): ConfiguredUrl {
  if (found.length === 0) return { kind: "none" };
  const first = found[0]!;
  if (first.kind !== "literal") return { kind: "computed" };
  return found.every((f) => f.kind === "literal" && f.dialect === first.dialect) ? first : { kind: "computed" };
}

/** `sqlalchemy.url` of alembic.ini: the `[alembic]` section's, or the one every section that has one agrees on. */
export function databaseUrlInIni(text: string): ConfiguredUrl {
  const found: ConfiguredUrl[] = [];
  for (const section of parseIni(text).values()) {
    const value = section.get("sqlalchemy.url")?.value;
    if (value === undefined || value === "") continue;
    // `%(here)s` interpolation or `${VAR}`: not a literal.
    found.push(value.includes("%(") || value.includes("${") ? { kind: "computed" } : literal(value));
  }
  return combine(found);
}

/**
 * The URL env.py sets: `config.set_main_option("sqlalchemy.url", …)`, `cfg["sqlalchemy.url"] = …`,
 * `create_engine(…)`, `context.configure(url=…)`. A value read back from the ini
 * (`config.get_main_option("sqlalchemy.url")`, directly or through a variable) sets nothing.
 */
export function databaseUrlInEnv(text: string): ConfiguredUrl {
  const root = new TreeView(parsePython(text), text).root;
  const assignments = new Map<string, PyNode>();
  for (const assignment of root.descendantsOfType("assignment")) {
    const left = assignment.childForFieldName("left");
    const right = assignment.childForFieldName("right");
    if (left?.type === "identifier" && right && !assignments.has(left.text)) assignments.set(left.text, right);
  }
  const found: ConfiguredUrl[] = [];
  const record = (value: PyNode | undefined | null): void => {
    const url = value ? urlOf(value, assignments, 0) : undefined;
    if (url) found.push(url);
  };
  for (const call of root.descendantsOfType("call")) {
    const fn = call.childForFieldName("function");
    const name = fn?.type === "attribute" ? fn.childForFieldName("attribute")?.text : fn?.text;
    const args = (call.childForFieldName("arguments")?.namedChildren ?? []).filter((a) => a.type !== "comment");
    const positional = args.filter((a) => a.type !== "keyword_argument");
    const keyword = (key: string) => args.find((a) => a.type === "keyword_argument" && a.childForFieldName("name")?.text === key)?.childForFieldName("value");
    if ((name === "set_main_option" || name === "set_section_option") && positional.some((a) => stringOf(a) === "sqlalchemy.url")) record(positional[positional.length - 1]);
    else if (name === "create_engine" || name === "create_async_engine") record(positional[0] ?? keyword("url"));
    else if (name === "configure" && keyword("url")) record(keyword("url"));
  }
  for (const assignment of root.descendantsOfType("assignment")) {
    const left = assignment.childForFieldName("left");
    if (left?.type !== "subscript") continue;
    const key = left.childForFieldName("subscript");
    if (key && stringOf(key) === "sqlalchemy.url") record(assignment.childForFieldName("right"));
  }
  return combine(found);
}

function stringOf(node: PyNode): string | undefined {
  if (node.type !== "string" && node.type !== "concatenated_string") return undefined;
  if (node.descendantsOfType("interpolation").length > 0) return undefined;
  return decodeStringNode(node)?.value;
}

/** What a value expression says about the URL; undefined when it reads the configured one back. */
function urlOf(node: PyNode, assignments: Map<string, PyNode>, depth: number): ConfiguredUrl | undefined {
  const value = stringOf(node);
  if (value !== undefined) return literal(value);
  if (node.type === "identifier" && depth < 4) {
    const assigned = assignments.get(node.text);
    return assigned ? urlOf(assigned, assignments, depth + 1) : { kind: "computed" };
  }
  if (node.type === "call") {
    const fn = node.childForFieldName("function");
    const name = fn?.type === "attribute" ? fn.childForFieldName("attribute")?.text : fn?.text;
    if (name === "get_main_option" || name === "get_section_option" || name === "get_section") return undefined;
    // str(url), make_url("…"): the argument decides.
    const first = node.childForFieldName("arguments")?.namedChildren[0];
    if ((name === "str" || name === "make_url") && first && depth < 4) return urlOf(first, assignments, depth + 1);
  }
  return { kind: "computed" };
}
