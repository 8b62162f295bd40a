// Which Alembic versions directories share one revision graph: the `version_locations` of one
// alembic.ini or pyproject.toml `[tool.alembic]` (alembic-config.ts), else a group (a nested list) of the config's `migrations:`, else the directory alone.
// Decided from directory identity (files on disk), never from revision ids: two projects that both
// have a revision `0001` are two graphs, and a scan of one shard, of one staged file or of the
// whole tree joins the same directories.
import path from "node:path";
import { compareStrings } from "../types.js";
import { readAlembicLocations } from "./alembic-config.js";
import { projectRoots, parentDirectory, walkTop, walksAbove, type ConfigBase } from "./config-paths.js";

/**
 * How far above a versions directory alembic.ini / pyproject.toml is looked for. The scan root (or
 * the config's directory) bounds the walk; this only caps a pathological depth. Alembic's
 * configuration sits where alembic runs, often the repository root: sortipy's pyproject.toml is six
 * levels above src/sortipy/adapters/sqlalchemy/migrations/versions.
 */
const MAX_LEVELS = 16;

export interface VersionLocationsInput {
  /** The scan root: directories are POSIX paths relative to it; nothing outside it (and the config's directory) is read. */
  cwd: string;
  /** The config's `migrations:` (relative to `cwd`): a directory, or a list of directories of one Alembic environment. */
  migrations: (string | string[])[];
  /** The config's directory: a working directory below it reads alembic.ini files and version locations up to it. */
  base?: ConfigBase;
  /** Told about an Alembic configuration file gonogo cannot use (a pyproject.toml that is not TOML…): path relative to `cwd`, and what is wrong. */
  onProblem?: (file: string, message: string) => void;
}

export interface Environment {
  /** Identity of the environment: `alembic.ini:<path>`, `pyproject.toml:<path>`, `config` or `directory:<path>`. */
  key: string;
  /** Its versions directories (POSIX, relative to the scan root, inside it or the config's directory), sorted. */
  directories: string[];
  /** Whether migrations in subdirectories of `directories` belong to it too. */
  recursive: boolean;
  /** Named as one environment by an alembic.ini or the config (else only the directory's place says so). */
  declared: boolean;
}

/** The environment of each versions directory (cached; reads alembic.ini files from disk). */
export function versionLocationResolver(input: VersionLocationsInput): (directory: string) => Environment {
  const cwd = path.resolve(input.cwd);
  const roots = projectRoots(input.base, cwd);
  const top = walkTop(input.base);
  const relative = (absolute: string): string | undefined => {
    if (!roots.some((root) => isWithin(root, absolute))) return undefined;
    const rel = path.relative(cwd, absolute);
    return rel === "" ? "." : rel.split(path.sep).join("/");
  };
  const inside = (dirs: string[]) => [...new Set(dirs.map((d) => relative(path.resolve(cwd, d))).filter((d): d is string => d !== undefined))].sort(compareStrings);
  const configured = input.migrations.filter((entry): entry is string[] => Array.isArray(entry)).map(inside);
  // Per directory (relative to cwd): the file that declares version locations there, and them.
  const declared = new Map<string, { file: string; directories: string[] } | undefined>();
  const shown = (absolute: string) => path.relative(cwd, absolute).split(path.sep).join("/");
  const locationsIn = (dir: string) => {
    if (!declared.has(dir)) {
      const found = readAlembicLocations(path.resolve(cwd, dir), (file, message) => input.onProblem?.(shown(file), message));
      declared.set(dir, found && { file: shown(found.file), directories: found.directories.map((d) => relative(d)).filter((d): d is string => d !== undefined) });
    }
    return declared.get(dir);
  };
  const cache = new Map<string, Environment>();
  return (directory) => {
    let found = cache.get(directory);
    if (found) return found;
    found = environmentOf(directory);
    cache.set(directory, found);
    return found;
  };

  function versionsAboveCwd(directory: string): string | undefined {
    let dir = directory;
    for (let level = 0; level < MAX_LEVELS && walksAbove(dir, top); level++) {
      dir = parentDirectory(dir);
      if (!(dir === "." || dir.split("/").every((s) => s === ".."))) continue;
      const absolute = path.resolve(cwd, dir);
      if (relative(absolute) === undefined) return undefined;
      if (path.basename(absolute) === "versions") return dir;
    }
    return undefined;
  }

  function environmentOf(directory: string): Environment {
    // A directory below one named `versions` belongs to it (Alembic's recursive_version_locations;
    // OpenStack keeps `versions/<release>/expand`): the `versions` directory is the location.
    // Also one at or above the working directory (`scan 2026.1/expand/x.py` run inside `versions/`),
    // inside the scan root or the config's directory.
    const location = versionsAncestor(directory) ?? versionsAboveCwd(directory) ?? directory;
    // The nearest alembic.ini / pyproject.toml (at most MAX_LEVELS up, inside the scan root or up
    // to the config's directory above it) that names the location.
    let dir = location;
    for (let level = 0; level <= MAX_LEVELS; level++) {
      const found = relative(path.resolve(cwd, dir)) !== undefined ? locationsIn(dir) : undefined;
      if (found?.directories.includes(location)) {
        const name = path.posix.basename(found.file);
        return { key: `${name}:${found.file}`, directories: [...new Set(found.directories)].sort(compareStrings), recursive: true, declared: true };
      }
      if (!walksAbove(dir, top)) break;
      dir = parentDirectory(dir);
    }
    const group = configured.findIndex((dirs) => dirs.includes(location));
    if (group >= 0) return { key: `config:${group}`, directories: configured[group]!, recursive: true, declared: true };
    const recursive = location !== directory || path.posix.basename(directory) === "versions";
    return { key: `directory:${location}`, directories: [location], recursive, declared: false };
  }
}

/**
 * The revision graph of each versions directory: its environment's, except that the subdirectories
 * of a `versions` directory no alembic.ini or config declares one environment are joined only where
 * a revision of one names a parent that only another defines. OpenStack's `versions/<release>/expand`
 * chain into each other and to `versions/`; Prefect's `versions/postgresql` and `versions/sqlite` are
 * two complete histories sharing ids, which its env.py picks per database, and Alembic (not
 * recursive by default) never loads together. Decided on every migration of the environment, which
 * any scan reads (a staged file or a shard reads its environment's other directories), so a shard, a
 * staged file and the whole tree still join the same directories.
 */
export function graphKeyResolver(
  migrations: readonly { directory: string; revision?: string; downRevisions: readonly string[] }[],
  environmentOf: (directory: string) => Environment,
): (directory: string) => string {
  const undeclared = new Map<string, { definedIn: Map<string, Set<string>>; members: typeof migrations[number][] }>();
  for (const m of migrations) {
    const environment = environmentOf(m.directory);
    if (environment.declared) continue;
    let group = undeclared.get(environment.key);
    if (!group) undeclared.set(environment.key, (group = { definedIn: new Map(), members: [] }));
    group.members.push(m);
    if (m.revision !== undefined) {
      let dirs = group.definedIn.get(m.revision);
      if (!dirs) group.definedIn.set(m.revision, (dirs = new Set()));
      dirs.add(m.directory);
    }
  }
  // Union-find over directories; a component is named by its smallest directory (deterministic).
  const parent = new Map<string, string>();
  const find = (d: string): string => {
    let root = d;
    while (parent.get(root) !== undefined && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(d, root);
    return root;
  };
  const union = (a: string, b: string): void => {
    const [ra, rb] = [find(a), find(b)];
    if (ra === rb) return;
    if (compareStrings(ra, rb) < 0) parent.set(rb, ra);
    else parent.set(ra, rb);
  };
  for (const group of undeclared.values()) {
    for (const m of group.members) {
      find(m.directory);
      for (const p of m.downRevisions) {
        const dirs = group.definedIn.get(p);
        if (!dirs || dirs.has(m.directory)) continue;
        for (const other of dirs) union(m.directory, other);
      }
    }
  }
  return (directory) => {
    const environment = environmentOf(directory);
    return environment.declared || !undeclared.has(environment.key) ? environment.key : `${environment.key}#${find(directory)}`;
  };
}

/** Whether `absolute` is `root` or below it. */
function isWithin(root: string, absolute: string): boolean {
  const rel = path.relative(root, absolute);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** The nearest directory named `versions` strictly above `directory` (POSIX), else undefined. */
function versionsAncestor(directory: string): string | undefined {
  const segments = directory.split("/");
  for (let i = segments.length - 2; i >= 0; i--) if (segments[i] === "versions") return segments.slice(0, i + 1).join("/");
  return undefined;
}
