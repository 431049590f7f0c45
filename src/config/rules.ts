// A tiny rule language: one description of the config's shape that both the
// run-time validator (validate.ts) and the JSON Schema generator (schema.ts)
// read, so the two cannot disagree. Kept as plain data for the bundle's sake.

// `x` says what was expected, for messages (messages.ts, which also says it for the rules whose
// type does: numbers, enums; building those strings only when a message is needed, since
// building strings from numbers at load time costs the page heap: test/bench/README.md).
// An empty `x` on a string rule reads "a string".
export type Rule =
  | { t: 'string'; x: string; re?: RegExp; check?: (value: string) => boolean }
  | { t: 'integer'; min?: number; max?: number }
  | { t: 'boolean' }
  | { t: 'enum'; values: readonly (string | boolean)[] }
  | { t: 'object'; props: Record<string, Rule>; required?: string[] }
  | { t: 'record'; key: RegExp; keyX: string; value: Rule }
  | { t: 'array'; items: Rule; max?: number }
  | { t: 'anyOf'; x: string; rules: Rule[] }

export const str = (x = '', re?: RegExp, check?: (value: string) => boolean): Rule => ({ t: 'string', x, re, check })
export const int = (min?: number, max?: number): Rule => ({ t: 'integer', min, max })
export const bool: Rule = { t: 'boolean' }
export const oneOf = (...values: (string | boolean)[]): Rule => ({ t: 'enum', values })
export const obj = (props: Record<string, Rule>, required?: string[]): Rule => ({ t: 'object', props, required })
export const record = (key: RegExp, keyX: string, value: Rule): Rule => ({ t: 'record', key, keyX, value })
export const list = (items: Rule, max?: number): Rule => ({ t: 'array', items, max })
export const anyOf = (x: string, ...rules: Rule[]): Rule => ({ t: 'anyOf', x, rules })
