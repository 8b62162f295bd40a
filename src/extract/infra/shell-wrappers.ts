// Commands that run another command given in their arguments: `xargs cmd …`, `find … -exec cmd {} ;`,
// and package managers' global options before `exec` (`pnpm --dir x exec`, `yarn workspace x exec`,
// `npm --prefix x exec`). Each returns the inner argv, or undefined when there is none.

/** Stand for the words xargs / find put in at run time: expansions, so the value is unknown. */
export const XARGS_INPUT = "$(xargs input)";
export const FIND_PATH = "$(find path)";

const XARGS_VALUE_OPTIONS = new Set(["-I", "-i", "-n", "-P", "-L", "-l", "-d", "-E", "-e", "-s", "-a", "--max-args", "--max-procs", "--max-lines", "--delimiter", "--arg-file", "--eof", "--max-chars", "--replace"]);

/** `xargs [-I{}] cmd args…` → cmd's argv, with the replacement string (or a trailing argument) as an unknown value. */
export function unwrapXargs(rest: readonly string[]): string[] | undefined {
  const args = [...rest];
  let replace: string | undefined;
  while (args[0]?.startsWith("-") && args[0] !== "--") {
    const opt = args.shift()!;
    if (opt === "-I" || opt === "--replace") replace = args.shift();
    else if (opt.startsWith("-I") && opt.length > 2) replace = opt.slice(2);
    else if (opt.startsWith("--replace=")) replace = opt.slice("--replace=".length);
    else if (XARGS_VALUE_OPTIONS.has(opt)) args.shift();
  }
  if (args[0] === "--") args.shift();
  if (args.length === 0) return undefined;
  if (replace) return args.map((a) => a.split(replace).join(XARGS_INPUT));
  return [...args, XARGS_INPUT];
}

/** `find … -exec cmd {} ;` (also -execdir, -ok, -okdir, `+`) → cmd's argv with `{}` unknown. */
export function unwrapFind(rest: readonly string[]): string[] | undefined {
  const at = rest.findIndex((a) => a === "-exec" || a === "-execdir" || a === "-ok" || a === "-okdir");
  if (at === -1) return undefined;
  const inner: string[] = [];
  for (const word of rest.slice(at + 1)) {
    if (word === ";" || word === "\\;" || word === "+") break;
    inner.push(word.split("{}").join(FIND_PATH));
  }
  return inner.length > 0 ? inner : undefined;
}

const PM_VALUE_OPTIONS = new Set(["--dir", "-C", "--prefix", "--filter", "-F", "--workspace", "-w", "--cwd", "--loglevel", "--userconfig"]);

/**
 * Package-manager global options before the subcommand: `pnpm --dir x`, `pnpm -C x`, `pnpm
 * --filter x`, `npm --prefix x`, `npm -w x`, `yarn --cwd x`, `yarn workspace x` → the rest, from
 * the subcommand on.
 */
export function skipPackageManagerOptions(name: string, rest: readonly string[]): string[] {
  const args = [...rest];
  for (let guard = 0; guard < 16; guard++) {
    const first = args[0];
    if (first === undefined) break;
    if (name === "yarn" && first === "workspace" && args.length >= 2) args.splice(0, 2);
    else if (PM_VALUE_OPTIONS.has(first)) args.splice(0, 2);
    else if (first.startsWith("--") && first.includes("=")) args.shift();
    else if (["-r", "--recursive", "-s", "--silent", "--if-present", "--parallel", "-ws", "--workspaces", "--include-workspace-root"].includes(first)) args.shift();
    else break;
  }
  return args;
}
