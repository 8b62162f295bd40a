// The package version, read once from package.json (used in SARIF, caches and the log).
import { readFileSync } from "node:fs";

function readVersion(): string {
  for (const candidate of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(candidate, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "gonogo" && pkg.version) return pkg.version;
    } catch {
      // try the next location: src/ in development, dist/src/ when built
    }
  }
  return "0.0.0";
}

export const VERSION: string = readVersion();
