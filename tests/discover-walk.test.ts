// The directory walk's shortcuts (bench/RESULTS.md, round 2, third pass) must find exactly what the
// plain walk found: the default ignores' pre-check against picomatch itself, and the paths built by
// concatenation against path.relative, below, at and above the working directory.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import picomatch from "picomatch";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_IGNORES, defaultIgnoreMatcher, discoverFiles } from "../src/engine/discover.js";

describe("defaultIgnoreMatcher", () => {
  it("answers as picomatch over DEFAULT_IGNORES does, on paths that nearly match", () => {
    const reference = picomatch(DEFAULT_IGNORES, { dot: true });
    const fast = defaultIgnoreMatcher();
    const names = ["node_modules", ".git", ".terraform", ".venv", "venv", "__pycache__", ".tox", ".gonogo", "cdk.out"];
    const paths = ["a.py", ".", "x/y/z.sql", "**/node_modules/**", "cdkXout/a", "cdk.outer/a", ".gitignore", "a/.github/workflows/ci.yml"];
    for (const name of names) {
      paths.push(name, `${name}/`, `${name}/a.py`, `a/${name}`, `a/${name}/`, `a/${name}/b/c.py`, `${name}x/a.py`, `x${name}/a.py`, `a/${name}.py`, `../${name}/a.py`, `a/./${name}/b`, `a/../${name}/b`, `${name.toUpperCase()}/a.py`);
    }
    const differences = paths.filter((p) => fast(p) !== reference(p));
    expect(differences).toEqual([]);
    // The pre-check is not vacuous: both answers occur.
    expect(paths.filter((p) => fast(p)).length).toBeGreaterThan(50);
    expect(paths.filter((p) => !fast(p)).length).toBeGreaterThan(20);
  });
});

describe("discoverFiles", () => {
  const root = mkdtempSync(path.join(tmpdir(), "gonogo-walk-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const project = path.join(root, "project");
  for (const dir of ["app/migrations/versions", "app/node_modules/pkg", "app/sub/deeper", "other"]) mkdirSync(path.join(project, dir), { recursive: true });
  for (const file of ["app/migrations/versions/a_1.py", "app/migrations/versions/b_2.py", "app/node_modules/pkg/x.py", "app/sub/deeper/c.sql", "app/sub/readme.txt", "other/d.tf", "top.py"]) {
    writeFileSync(path.join(project, file), "\n");
  }
  symlinkSync(path.join(project, "app"), path.join(project, "app/sub/loop"));
  const isCandidate = (file: string) => /\.(py|sql|tf)$/.test(file);
  const walk = (cwd: string, paths: string[]) => discoverFiles({ cwd, paths, ignore: DEFAULT_IGNORES, isIgnored: defaultIgnoreMatcher(), isCandidate });

  it("gives paths relative to the working directory, with a loop reported where it is", async () => {
    const found = await walk(project, ["."]);
    expect(found.files).toEqual(["app/migrations/versions/a_1.py", "app/migrations/versions/b_2.py", "app/sub/deeper/c.sql", "other/d.tf", "top.py"]);
    expect(found.problems).toEqual([{ file: "app/sub/loop", reason: "symbolic link loop (directory links back to an ancestor)" }]);
  });

  it("gives the same paths from below, at and above the scanned tree", async () => {
    expect((await walk(path.join(project, "app"), ["sub/deeper", "migrations/versions/"])).files).toEqual(["migrations/versions/a_1.py", "migrations/versions/b_2.py", "sub/deeper/c.sql"]);
    // From inside the tree, scanning a parent: the working directory itself is walked as `.`-relative
    // paths. (Above the working directory the scan's own matcher, not this one, strips the `../`.)
    const inside = await walk(path.join(project, "app/sub"), [".."]);
    expect(inside.files).toEqual(["../migrations/versions/a_1.py", "../migrations/versions/b_2.py", "../node_modules/pkg/x.py", "deeper/c.sql"]);
    expect(inside.problems).toEqual([{ file: "loop", reason: "symbolic link loop (directory links back to an ancestor)" }]);
    expect((await walk(path.join(project, "other"), ["../app/migrations"])).files).toEqual(["../app/migrations/versions/a_1.py", "../app/migrations/versions/b_2.py"]);
  });

  it("reports a directory it cannot list and goes on", async () => {
    const found = await walk(project, ["missing", "other"]);
    expect(found.files).toEqual(["other/d.tf"]);
    expect(found.problems).toEqual([{ file: "missing", reason: "no such file or directory" }]);
  });
});
