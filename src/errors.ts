// The errors gonogo throws on purpose, in one place. Each is a class and is matched with
// `instanceof` (never by name). A leaf module: it imports nothing from gonogo.

/** A usage error of the CLI (bad arguments): printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A config or policy file that is not valid. The message names the file, the path inside it and what was expected. Exit 2. */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(
    message: string,
    readonly file?: string,
    readonly jsonPath?: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

/** A release input (version, environment, revision, approver …) that failed validation. The CLI maps it to exit 2. */
export class ReleaseInputError extends Error {
  override name = "ReleaseInputError";
}

/**
 * The deployment log cannot be used: a file that is not a readable regular file, a database that
 * does not answer, a hash chain that does not hold. Exit 2: nothing runs without a readable log.
 */
export class DeploymentLogError extends ReleaseInputError {
  override name = "DeploymentLogError";
}

/** A graph request naming a revision that cannot be resolved, or a path that does not exist. The CLI maps it to exit 2. */
export class GraphRequestError extends Error {
  override name = "GraphRequestError";
}

/** A release-fact file (JUnit, coverage, audit, SARIF) that is not in the expected format. */
export class InputFormatError extends Error {
  override name = "InputFormatError";
}

/** git could not answer (not a repository, an unknown revision, git missing). `stderr` is git's own message. */
export class GitError extends Error {
  override name = "GitError";
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

/** A file whose syntax tree would exceed the parse budget (parsers/tree-sitter.ts): reported as not analysed. */
export class TooComplexError extends Error {
  override name = "TooComplexError";
}
