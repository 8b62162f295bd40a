import { ConfigError } from "./errors.js";
import type { EnvironmentPolicy, Policy } from "./types.js";

/** The effective policy of one environment; a ConfigError naming the known ones when it is not declared. */
export function environmentPolicy(policy: Policy, environment: string): EnvironmentPolicy {
  const env = policy.environments[environment];
  if (!env) throw new ConfigError(`environment "${environment}": the policy (${policy.source}) declares no such environment (known: ${Object.keys(policy.environments).join(", ")})`);
  return env;
}
