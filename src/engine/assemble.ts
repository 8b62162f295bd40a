// The assemble step of the scan: the facts of every file become the project's facts, by name
// (what rules declare they read), with what needs more than one file: the declared naming
// convention beside env.py, the revision graphs, and with --base the bucket resources removed.
import type { ProjectFacts } from "../../rules/define.js";
import { applyDeclaredNamingConventions, buildRevisionGraphs, storageActionsRemovedSince } from "../extract/index.js";
import type { FileFacts } from "../extract/facts.js";
import { isInfraCandidate } from "../extract/infra/kinds.js";
import { graphKeyResolver, type Environment } from "./version-locations.js";

export async function assembleFacts(
  allFacts: FileFacts[],
  texts: ReadonlyMap<string, string>,
  reportFiles: Set<string> | undefined,
  base: { base: string; cwd: string } | undefined,
  environmentOf?: (directory: string) => Environment,
): Promise<ProjectFacts> {
  // Reversals that depend on another file: the naming convention declared beside env.py.
  applyDeclaredNamingConventions(allFacts, texts);
  // One pass with push, not five flatMaps (each allocating an array per file): ~9 ms on 10,000 files.
  const migrations: ProjectFacts["migrations"] = [];
  const schemaChanges: ProjectFacts["schemaChanges"] = [];
  const dynamicSql: ProjectFacts["dynamicSql"] = [];
  const storageActions: ProjectFacts["storageActions"] = [];
  const parseProblems: ProjectFacts["parseProblems"] = [];
  for (const f of allFacts) {
    if (f.migration) migrations.push(f.migration);
    for (const c of f.schemaChanges) schemaChanges.push(c);
    for (const d of f.dynamicSql) dynamicSql.push(d);
    for (const a of f.storageActions) storageActions.push(a);
    for (const p of f.parseProblems) parseProblems.push(p);
  }
  const facts: ProjectFacts = {
    schemaChanges,
    dynamicSql,
    storageActions,
    parseProblems,
    migrations,
    revisionGraphs: buildRevisionGraphs(migrations, reportFiles, environmentOf ? graphKeyResolver(migrations, environmentOf) : undefined),
  };
  if (base) {
    const currentFiles = [...texts.keys()].filter(isInfraCandidate).flatMap((file) => {
      const text = texts.get(file);
      return text === undefined ? [] : [{ file, text }];
    });
    facts.storageActions.push(...(await storageActionsRemovedSince({ base: base.base, cwd: base.cwd, currentFiles })));
  }
  return facts;
}
