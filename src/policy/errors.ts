// Configuration errors: printed without a stack trace, exit code 2.

/** A policy or config file that is not valid. The message names the file, the JSON path and what was expected. */
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
