// Configuration errors: printed without a stack trace, exit code 2. One class for config and policy.
export { ConfigError } from "../errors.js";
