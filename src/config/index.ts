export type * from './types.js'
export { validate, parseConfig, ConfigError, type Problem } from './validate.js'
export { resolve, DEFAULT_CATEGORIES, type Resolved } from './resolve.js'
