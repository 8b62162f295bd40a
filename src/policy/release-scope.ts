// Where an environment stands on the migrations: `--from-revision`, else the revisions the last
// completed release recorded in the deployment log, else the config's `current:`. Nothing known:
// every migration is pending (judged as a first release). A revision that no graph holds is
// never read as "nothing pending": a given one is a usage error, a recorded one an unknown that
// fail-closed environments refuse.
import type { Migration, RevisionGraph } from "../extract/facts.js";
import { ConfigError } from "./errors.js";
import type { EnvironmentState } from "./history.js";
import { pendingMigrations } from "./scope.js";
import type { InputProblem, MigrationScope } from "./types.js";

export interface EnvironmentScopeInput {
  environment: string;
  graphs: readonly RevisionGraph[];
  migrations: readonly Migration[];
  /** `--from-revision` values ("base": nothing applied). */
  fromRevision?: string[] | undefined;
  /** The config's `environments.<env>.current`. */
  configCurrent?: string[] | undefined;
  configFile?: string | undefined;
  readState: () => Promise<EnvironmentState | undefined>;
}

export interface EnvironmentScopeResult {
  scope?: MigrationScope;
  problems: InputProblem[];
}

/** The migration scope of a release to `environment`; throws ConfigError for an unknown given revision. */
export async function environmentMigrationScope(input: EnvironmentScopeInput): Promise<EnvironmentScopeResult> {
  if (input.migrations.length === 0) return { problems: [] };
  const given = (values: string[], what: string): MigrationScope["revisions"] => {
    const revisions = values.filter((v) => v !== "base");
    const { unknownRevisions } = pendingMigrations(input.graphs, input.migrations, revisions);
    if (unknownRevisions.length > 0) {
      throw new ConfigError(`${what} ${JSON.stringify(unknownRevisions[0])}: no scanned migration has this revision (expected a revision id of the revision graph, or "base")`);
    }
    return revisions;
  };
  const build = (source: MigrationScope["source"], revisions: string[]): MigrationScope => {
    const { appliedFiles, pendingFiles } = pendingMigrations(input.graphs, input.migrations, revisions);
    return { source, revisions, appliedFiles, pendingFiles };
  };

  if (input.fromRevision !== undefined && input.fromRevision.length > 0) {
    return { scope: build("from-revision", given(input.fromRevision, "--from-revision")), problems: [] };
  }

  let state: EnvironmentState | undefined;
  try {
    state = await input.readState();
  } catch (error) {
    return { problems: [{ kind: "state", file: input.environment, message: `the deployment log could not be read (${(error as Error).message}): every migration is judged` }] };
  }
  if (state?.migrations !== undefined) {
    const revisions = state.migrations.flatMap((m) => m.revisions);
    const by = state.migrationsRecordedBy;
    const { unknownRevisions } = pendingMigrations(input.graphs, input.migrations, revisions);
    if (unknownRevisions.length > 0) {
      return {
        problems: [
          {
            kind: "state",
            file: input.environment,
            message: `revision ${unknownRevisions.join(", ")}, recorded for ${input.environment} by release ${by?.version ?? state.version}, is not in the scanned revision graph (removed, rewritten or not scanned?): every migration is judged`,
          },
        ],
      };
    }
    const scope = build("log", revisions);
    if (by) scope.recordedBy = by;
    return { scope, problems: [] };
  }

  if (input.configCurrent !== undefined && input.configCurrent.length > 0) {
    const where = `${input.configFile ?? "config"}: environments.${input.environment}.current`;
    return { scope: build("config", given(input.configCurrent, where)), problems: [] };
  }
  return { problems: [] };
}
