// The npm build's entry: the API (api.ts, also window.Consentry in the script tag) and the
// config checks, for an app that builds or loads its config in code. A page with the script tag
// has no use for them on window: `npx consentry validate` and the playground check a config file.
export * from './api.js'
export { validate, parseConfig, ConfigError, type Problem } from './config/validate.js'
