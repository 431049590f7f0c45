// A tiny rule language: one description of the config's shape that both the
// run-time validator (validate.ts) and the JSON Schema generator (schema.ts)
// read, so the two cannot disagree. Kept as plain data for the bundle's sake.

export type Rule =
  | { t: 'string'; x: string; re?: RegExp; check?: (value: string) => boolean }
  | { t: 'integer' | 'number'; x: string; min?: number; max?: number }
  | { t: 'boolean'; x: string }
  | { t: 'enum'; x: string; values: readonly (string | boolean)[] }
  | { t: 'object'; x: string; props: Record<string, Rule>; required?: string[] }
  | { t: 'record'; x: string; key: RegExp; keyX: string; value: Rule }
  | { t: 'array'; x: string; items: Rule; max?: number }
  | { t: 'anyOf'; x: string; rules: Rule[] }

export const str = (x = 'a string', re?: RegExp, check?: (value: string) => boolean): Rule => ({ t: 'string', x, re, check })
export const int = (min?: number, max?: number): Rule => ({
  t: 'integer',
  x: min === undefined ? 'an integer' : max === undefined ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`,
  min,
  max,
})
export const bool: Rule = { t: 'boolean', x: 'true or false' }
export const oneOf = (...values: (string | boolean)[]): Rule => ({
  t: 'enum',
  x: 'one of ' + values.map((v) => JSON.stringify(v)).join(', '),
  values,
})
export const obj = (props: Record<string, Rule>, required?: string[]): Rule => ({ t: 'object', x: 'an object', props, required })
export const record = (key: RegExp, keyX: string, value: Rule): Rule => ({ t: 'record', x: 'an object', key, keyX, value })
export const list = (items: Rule, max?: number): Rule => ({ t: 'array', x: 'a list', items, max })
export const anyOf = (x: string, ...rules: Rule[]): Rule => ({ t: 'anyOf', x, rules })
