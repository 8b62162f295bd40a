// Which Alembic versions directories share one revision graph: the `version_locations` of one
// alembic.ini, else a group (a nested list) of the config's `migrations:`, else the directory alone.
// Decided from directory identity (files on disk), never from revision ids: two projects that both
// have a revision `0001` are two graphs, and a scan of one shard, of one staged file or of the
// whole tree joins the same directories.
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseIni, type IniDocument } from "../parsers/ini.js";
import { compareStrings } from "../types.js";
import { projectRoots, parentDirectory, walkTop, walksAbove, type ConfigBase } from "./config-paths.js";

/** How far above a versions directory alembic.ini is looked for (as for the dialect). */
const MAX_LEVELS = 5;
const MAX_INI_BYTES = 512 * 1024;

export interface VersionLocationsInput {
  /** The scan root: directories are POSIX paths relative to it; nothing outside it (and the config's directory) is read. */
  cwd: string;
  /** The config's `migrations:` (relative to `cwd`): a directory, or a list of directories of one Alembic environment. */
  migrations: (string | string[])[];
  /** The config's directory: a working directory below it reads alembic.ini files and version locations up to it. */
  base?: ConfigBase;
}

export interface Environment {
  /** Identity of the environment: `alembic.ini:<path>`, `config` or `directory:<path>`. */
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
  const inis = new Map<string, string[] | undefined>();
  const locationsOf = (ini: string): string[] | undefined => {
    if (!inis.has(ini)) inis.set(ini, readVersionLocations(cwd, ini)?.map((d) => relative(d)).filter((d): d is string => d !== undefined));
    return inis.get(ini);
  };
  const cache = new Map<string, Environment>();
  return (directory) => {
    let found = cache.get(directory);
    if (found) return found;
    found = environmentOf(directory);
    cache.set(directory, found);
    return found;
  };

  function environmentOf(directory: string): Environment {
    // A directory below one named `versions` belongs to it (Alembic's recursive_version_locations;
    // OpenStack keeps `versions/<release>/expand`): the `versions` directory is the location.
    const location = versionsAncestor(directory) ?? directory;
    // The nearest alembic.ini (at most MAX_LEVELS up, inside the scan root or up to the config's
    // directory above it) that names the location.
    let dir = location;
    for (let level = 0; level <= MAX_LEVELS; level++) {
      const ini = dir === "." ? "alembic.ini" : `${dir}/alembic.ini`;
      const locations = relative(path.resolve(cwd, dir)) !== undefined ? locationsOf(ini) : undefined;
      if (locations?.includes(location)) return { key: `alembic.ini:${ini}`, directories: [...new Set(locations)].sort(compareStrings), recursive: true, declared: true };
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

/**
 * The versions directories (absolute) an alembic.ini declares: `version_locations` of `[alembic]`,
 * split as Alembic splits it, else `<script_location>/versions`. Undefined when the file does not
 * exist or is not readable.
 */
export function readVersionLocations(cwd: string, ini: string): string[] | undefined {
  const absolute = path.resolve(cwd, ini);
  let text: string;
  try {
    if (statSync(absolute).size > MAX_INI_BYTES) return undefined;
    text = readFileSync(absolute, "utf8");
  } catch {
    return undefined;
  }
  let document: IniDocument;
  try {
    document = parseIni(text);
  } catch {
    return undefined;
  }
  const section = document.get("alembic");
  if (!section) return undefined;
  const here = path.dirname(absolute);
  const value = (key: string): string | undefined => {
    const raw = section.get(key)?.value ?? document.get("DEFAULT")?.get(key)?.value;
    return raw === undefined ? undefined : interpolate(raw, here, section, document);
  };
  const resolve = (location: string) => path.resolve(here, location);
  const locations = value("version_locations");
  if (locations !== undefined) {
    return splitLocations(locations, value("path_separator") ?? value("version_path_separator")).map(resolve);
  }
  const script = value("script_location");
  // A package resource (`myapp:migrations`) is not a directory gonogo can name.
  if (script === undefined || /^[\w.]+:/.test(script)) return undefined;
  return [path.join(resolve(script), "versions")];
}

/** configparser's basic interpolation: `%(here)s` (Alembic's), other keys of the section or DEFAULT, `%%`. */
function interpolate(raw: string, here: string, section: Map<string, { value: string }>, document: IniDocument, depth = 0): string {
  if (depth > 10) return raw;
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== "%") {
      out += raw[i];
      continue;
    }
    if (raw[i + 1] === "%") {
      out += "%";
      i++;
      continue;
    }
    const close = raw.indexOf(")s", i);
    if (raw[i + 1] !== "(" || close < 0) {
      out += raw[i];
      continue;
    }
    const name = raw.slice(i + 2, close).toLowerCase();
    const referenced = name === "here" ? undefined : (section.get(name) ?? document.get("DEFAULT")?.get(name))?.value;
    out += name === "here" ? here : referenced === undefined ? raw.slice(i, close + 2) : interpolate(referenced, here, section, document, depth + 1);
    i = close + 1;
  }
  return out;
}

/** Alembic's splitting of `version_locations` by `path_separator` / `version_path_separator`. */
function splitLocations(value: string, separator: string | undefined): string[] {
  const bySeparator: Record<string, string> = { space: " ", colon: ":", semicolon: ";", newline: "\n", os: path.delimiter };
  const parts =
    separator === undefined
      ? // Legacy (no separator configured): spaces or commas.
        value.split(/[\s,]+/)
      : bySeparator[separator] !== undefined
        ? value.split(bySeparator[separator]!)
        : value.split(/\s+/);
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}
