// Alembic loads every module of a versions directory, whatever its name or content: a .py file
// beside migrations is a migration too (read again in that role once the migrations are known),
// and one that cannot be read is an unreadable migration (alembic/parse-error). `__init__.py` and
// `env.py` are never migrations.
import path from "node:path";

/** The directories that hold at least one migration (known by content or by place). */
export function migrationDirectoriesOf(migrationFiles: Iterable<string>): Set<string> {
  const dirs = new Set<string>();
  for (const file of migrationFiles) dirs.add(path.posix.dirname(file));
  return dirs;
}

/** Whether a Python module (source or compiled) sits in one of `migrationDirectories` as a migration by place. */
export function isBesideMigrations(file: string, migrationDirectories: ReadonlySet<string>): boolean {
  const python = file.endsWith(".py") || file.endsWith(".pyc") || file.endsWith(".pyo");
  return python && migrationDirectories.has(path.posix.dirname(file)) && !["__init__.py", "env.py"].includes(path.posix.basename(file));
}
