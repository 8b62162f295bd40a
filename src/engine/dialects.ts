// Which SQL dialect a file is read in, without configuration where the project says it already:
//   1. `overrides[].dialect` of the config (the last matching glob wins);
//   2. a directory of the file's path named after a database (`versions/sqlite/`, `db/mysql/`,
//      `postgres`, `postgresql`, `mariadb`, `mssql`), the nearest one;
//   3. the literal `sqlalchemy.url` of the nearest env.py or alembic.ini above the file (an env.py
//      that sets the URL from something computed leaves the database unknown);
//   4. the default: `--dialect`, else the config's `dialect`, else postgresql.
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { databaseUrlInEnv, databaseUrlInIni, type ConfiguredUrl } from "../extract/alembic/database-url.js";
import type { SqlDialect } from "../types.js";
import type { GonogoConfig } from "./config.js";
import { configGlobMatcher, parentDirectory, walkTop, walksAbove, type ConfigBase } from "./config-paths.js";

const SEGMENTS: Record<string, SqlDialect> = {
  postgresql: "postgresql",
  postgres: "postgresql",
  mysql: "mysql",
  mariadb: "mysql",
  sqlite: "sqlite",
  mssql: "mssql",
};

/** How far above a versions directory alembic.ini is looked for (`<root>/alembic.ini`, `<root>/db/migrations/versions/`). */
const MAX_LEVELS = 5;
/** An env.py or alembic.ini larger than this is not a configuration file worth parsing. */
const MAX_CONFIG_BYTES = 512 * 1024;

export interface DialectResolverInput {
  cwd: string;
  config: GonogoConfig;
  /** Texts of the scanned files (POSIX paths relative to cwd), so env.py is not read twice. */
  texts: ReadonlyMap<string, string>;
  /** Where the config's paths are relative to (its directory); also how far up alembic.ini and env.py are looked for. */
  base?: ConfigBase;
}

/** The dialect of each file, or undefined where the default applies. */
export function dialectResolver(input: DialectResolverInput): (file: string) => SqlDialect | undefined {
  const overrides = (input.config.overrides ?? [])
    .filter((o): o is typeof o & { dialect: SqlDialect } => o.dialect !== undefined)
    .map((o) => ({ match: configGlobMatcher(o.files, input.base), dialect: o.dialect }));
  const top = walkTop(input.base);
  const byDirectory = new Map<string, SqlDialect | undefined>();
  const configured = new Map<string, ConfiguredUrl>();

  const readConfigured = (file: string, read: (text: string) => ConfiguredUrl): ConfiguredUrl => {
    let found = configured.get(file);
    if (found) return found;
    let text = input.texts.get(file);
    if (text === undefined) {
      try {
        const absolute = path.resolve(input.cwd, file);
        text = statSync(absolute).size <= MAX_CONFIG_BYTES ? readFileSync(absolute, "utf8") : undefined;
      } catch {
        text = undefined;
      }
    }
    try {
      found = text === undefined ? { kind: "none" } : read(text);
    } catch {
      found = { kind: "none" };
    }
    configured.set(file, found);
    return found;
  };

  const fromAlembicConfig = (directory: string): SqlDialect | undefined => {
    let env: ConfiguredUrl | undefined;
    let ini: ConfiguredUrl | undefined;
    let dir = directory;
    for (let level = 0; level <= MAX_LEVELS && (env === undefined || ini === undefined); level++) {
      const join = (name: string) => (dir === "." ? name : `${dir}/${name}`);
      if (env === undefined) {
        const found = readConfigured(join("env.py"), databaseUrlInEnv);
        if (found.kind !== "none") env = found;
      }
      if (ini === undefined) {
        const found = readConfigured(join("alembic.ini"), databaseUrlInIni);
        if (found.kind !== "none") ini = found;
      }
      if (!walksAbove(dir, top)) break;
      dir = parentDirectory(dir);
    }
    if (env?.kind === "literal") return env.dialect;
    if (env?.kind === "computed") return undefined;
    return ini?.kind === "literal" ? ini.dialect : undefined;
  };

  const ofDirectory = (directory: string): SqlDialect | undefined => {
    if (byDirectory.has(directory)) return byDirectory.get(directory);
    const segments = directory.split("/").reverse();
    const named = segments.map((s) => (Object.hasOwn(SEGMENTS, s.toLowerCase()) ? SEGMENTS[s.toLowerCase()] : undefined)).find((d) => d !== undefined);
    const dialect = named ?? fromAlembicConfig(directory);
    byDirectory.set(directory, dialect);
    return dialect;
  };

  return (file) => {
    let forced: SqlDialect | undefined;
    for (const override of overrides) if (override.match(file)) forced = override.dialect;
    return forced ?? ofDirectory(path.posix.dirname(file));
  };
}
