// The "check" chunk: the config's validator (src/config/validate.ts). It stays out of the first
// view (the 12 kB budget, issue 25): the banner draws from the config as given while this chunk is
// on its way, and until its verdict nothing optional is released, stored as allowed or told to
// Google (src/instance.ts). A returning visitor's page view of a config that passed before
// needs no verdict, and does not load it (src/config/fingerprint.ts).
import { ConfigError, validate } from '../config/validate.js'

/** The console's message for an invalid config; undefined for a valid one. */
export const configError = (input: unknown): string | undefined => {
  const problems = validate(input)
  return problems.length ? new ConfigError(problems).message : undefined
}
