// Where an Alembic environment keeps its revisions, as Alembic reads it in the directory it runs
// in: alembic.ini's `[alembic]` section and, since Alembic 1.16, pyproject.toml's `[tool.alembic]`
// table, the ini winning key by key (Alembic's Config.get_alembic_option):
//   version_locations   ini: one string split by `path_separator` (legacy: spaces or commas);
//                       pyproject.toml: a list of strings (no separator: Alembic reads no
//                       `path_separator` from the TOML)
//   script_location     when version_locations is not set: `<script_location>/versions`
// `%(here)s` is the directory of the file that says it; a relative path is taken from there.
// Not read: what env.py sets in Python (`config.set_main_option("version_locations", …)`),
// ini sections other than `[alembic]` (`alembic -n NAME`), a file named by `-c` or ALEMBIC_CONFIG,
// and a package resource (`myapp:migrations`).
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseIni, type IniDocument } from "../parsers/ini.js";
import { parseToml, TomlSyntaxError } from "../parsers/toml.js";

const MAX_CONFIG_BYTES = 512 * 1024;

/** The versions directories (absolute) an Alembic directory declares, and the file that declares them. */
export interface AlembicLocations {
  directories: string[];
  /** `alembic.ini` or `pyproject.toml` (absolute). */
  file: string;
}

/** A value and the file it came from. */
interface Setting<T> {
  value: T;
  file: string;
}

/**
 * The versions directories the Alembic configuration in `directory` (absolute) declares, from its
 * alembic.ini and pyproject.toml; undefined when neither declares any. `onProblem` hears about a
 * pyproject.toml gonogo cannot use (not TOML, `[tool.alembic]` values of the wrong type).
 */
export function readAlembicLocations(directory: string, onProblem?: (file: string, message: string) => void): AlembicLocations | undefined {
  const ini = readIni(path.join(directory, "alembic.ini"));
  const toml = readPyproject(path.join(directory, "pyproject.toml"), onProblem);
  const fromIni = (key: string): Setting<string> | undefined => (ini?.has(key) ? { value: ini.get(key)!, file: path.join(directory, "alembic.ini") } : undefined);
  const iniLocations = fromIni("version_locations");
  if (iniLocations && iniLocations.value.trim() !== "") {
    const separator = ini!.get("path_separator") ?? ini!.get("version_path_separator");
    return { directories: splitLocations(iniLocations.value, separator).map((l) => path.resolve(directory, l)), file: iniLocations.file };
  }
  if (toml?.versionLocations) return { directories: toml.versionLocations.value.map((l) => path.resolve(directory, l)), file: toml.versionLocations.file };
  const script = fromIni("script_location") ?? toml?.scriptLocation;
  // A package resource (`myapp:migrations`) is not a directory gonogo can name.
  if (script === undefined || /^[\w.]+:/.test(script.value)) return undefined;
  return { directories: [path.join(path.resolve(directory, script.value), "versions")], file: script.file };
}

function readText(file: string): string | undefined {
  try {
    if (statSync(file).size > MAX_CONFIG_BYTES) return undefined;
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** alembic.ini's `[alembic]` values, interpolated (undefined: no file, not INI, no such section). */
function readIni(file: string): Map<string, string> | undefined {
  const text = readText(file);
  if (text === undefined) return undefined;
  let document: IniDocument;
  try {
    document = parseIni(text);
  } catch {
    return undefined;
  }
  const section = document.get("alembic");
  if (!section) return undefined;
  const here = path.dirname(file);
  const out = new Map<string, string>();
  for (const key of new Set([...(document.get("DEFAULT")?.keys() ?? []), ...section.keys()])) {
    const raw = section.get(key)?.value ?? document.get("DEFAULT")?.get(key)?.value;
    if (raw !== undefined) out.set(key, interpolate(raw, here, section, document));
  }
  return out;
}

/** pyproject.toml's `[tool.alembic]` locations (undefined: no file or no table). */
function readPyproject(file: string, onProblem?: (file: string, message: string) => void): { versionLocations?: Setting<string[]>; scriptLocation?: Setting<string> } | undefined {
  const text = readText(file);
  if (text === undefined) return undefined;
  let data: Record<string, unknown>;
  try {
    data = parseToml(text);
  } catch (error) {
    const at = error instanceof TomlSyntaxError ? `:${error.line}:${error.column}` : "";
    onProblem?.(file, `${at}: not valid TOML (${(error as Error).message}); its [tool.alembic] version locations are not read`);
    return undefined;
  }
  const tool = data.tool;
  const table = tool !== null && typeof tool === "object" && !Array.isArray(tool) ? (tool as Record<string, unknown>).alembic : undefined;
  if (table === undefined) return undefined;
  if (table === null || typeof table !== "object" || Array.isArray(table) || table instanceof Date) {
    onProblem?.(file, ": tool.alembic must be a table (Alembic stops on it: \"Incorrect TOML format\"); not read");
    return undefined;
  }
  const here = path.dirname(file);
  const values = table as Record<string, unknown>;
  const out: { versionLocations?: Setting<string[]>; scriptLocation?: Setting<string> } = {};
  const locations = values.version_locations;
  if (Array.isArray(locations) && locations.every((l): l is string => typeof l === "string")) out.versionLocations = { value: locations.map((l) => hereOf(l, here)), file };
  else if (locations !== undefined) onProblem?.(file, ": tool.alembic.version_locations must be a list of strings (Alembic reads no path_separator from pyproject.toml); not read");
  const script = values.script_location;
  if (typeof script === "string") out.scriptLocation = { value: hereOf(script, here), file };
  else if (script !== undefined) onProblem?.(file, ": tool.alembic.script_location must be a string; not read");
  return out;
}

/** Python's `%` formatting with Alembic's TOML arguments: `%(here)s` and `%%`. */
function hereOf(raw: string, here: string): string {
  return raw.replace(/%\(here\)s|%%/g, (token) => (token === "%%" ? "%" : here));
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
  const bySeparator: Record<string, string> = { space: " ", colon: ":", semicolon: ";", ":": ":", ";": ";", newline: "\n", os: path.delimiter };
  const parts =
    separator === undefined
      ? // Legacy (no separator configured): spaces or commas.
        value.split(/[\s,]+/)
      : bySeparator[separator] !== undefined
        ? value.split(bySeparator[separator]!)
        : value.split(/\s+/);
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}
