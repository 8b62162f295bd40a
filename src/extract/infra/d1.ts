// Cloudflare D1: SQL passed on the command line (`wrangler d1 execute DB --command "…"`) is SQL
// like any other, read by the SQL rules in the SQLite dialect (D1 is SQLite). Shell extraction is
// synchronous and the SQL readers are not, so the shell reader records each command's SQL here and
// `readPendingD1Sql` parses them once the file's shell has been read.
import type { FileFacts } from "../facts.js";
import type { SourceText } from "../source.js";
import { extractSqlChanges } from "../sql/index.js";
import { fileOffset, type EmbeddedText } from "./common.js";

const pending = new WeakMap<FileFacts, EmbeddedText[]>();

/** `wrangler d1 execute <db> … --command <sql>` → the index in argv of the SQL word, or -1. */
export function d1CommandIndex(argv: readonly string[]): number {
  const tool = argv[0]?.slice(argv[0].lastIndexOf("/") + 1);
  if (tool !== "wrangler" || argv[1] !== "d1" || argv[2] !== "execute") return -1;
  const at = argv.indexOf("--command");
  return at === -1 || at + 1 >= argv.length ? -1 : at + 1;
}

export function recordD1Sql(facts: FileFacts, sql: EmbeddedText): void {
  const list = pending.get(facts) ?? [];
  list.push(sql);
  pending.set(facts, list);
}

/** Parses the SQL recorded for `facts` (SQLite dialect) into schema changes and parse problems. */
export async function readPendingD1Sql(facts: FileFacts, source: SourceText): Promise<void> {
  const list = pending.get(facts);
  if (!list) return;
  pending.delete(facts);
  for (const sql of list) {
    const result = await extractSqlChanges({ sql: sql.text, mapOffset: (i) => fileOffset(sql, i), source, dialect: "sqlite", origin: "sql-in-command", executedBy: "wrangler d1 execute --command" });
    for (const item of result.changes) facts.schemaChanges.push(item);
    for (const item of result.problems) facts.parseProblems.push(item);
    for (const item of result.dynamicSql) facts.dynamicSql.push(item);
  }
}
