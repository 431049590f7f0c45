// @vitest-environment node
// Editor support and the config reference: every property of consentry.schema.json has a
// description and an example that the validator accepts, and docs/config.md is exactly what
// the schema renders to. `npm run docs:config` rewrites docs/config.md.

import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { renderConfigDocs, slug, typeText } from '../../src/config/docs.js'
import { typeDocs } from '../../src/config/docs-types.js'
import type { JsonSchema } from '../../src/config/schema.js'
import { validate } from '../../src/config/validate.js'

const schema = JSON.parse(readFileSync('consentry.schema.json', 'utf8')) as JsonSchema

/** Every property of the schema: its path (`*` for names and list items) and sub-schema. */
function properties(node: JsonSchema, path = '', out: [string, JsonSchema][] = []): [string, JsonSchema][] {
  if (path.startsWith('translations.*')) return out
  const join = (key: string) => (path ? `${path}.${key}` : key)
  for (const [key, sub] of Object.entries((node.properties ?? {}) as Record<string, JsonSchema>)) {
    out.push([join(key), sub])
    properties(sub, join(key), out)
  }
  if (typeof node.additionalProperties === 'object') properties(node.additionalProperties as JsonSchema, join('*'), out)
  if (node.items) properties(node.items as JsonSchema, join('*'), out)
  for (const branch of (node.anyOf ?? []) as JsonSchema[]) properties(branch, path, out)
  return out
}

/** A config holding `value` at `path`, with `*` filled by a name or a list item. */
function place(path: string, value: unknown): { config: unknown; at: string } {
  const keys = path.split('.')
  let at = ''
  let node: JsonSchema = schema
  const build = (i: number): unknown => {
    if (i === keys.length) return value
    const key = keys[i]
    if (key === '*') {
      if (node.items) {
        node = node.items as JsonSchema
        at += '[0]'
        return [build(i + 1)]
      }
      node = node.additionalProperties as JsonSchema
      at += '.example'
      return { example: build(i + 1) }
    }
    node =
      ((node.properties ?? {}) as Record<string, JsonSchema>)[key] ??
      (((node.anyOf as JsonSchema[]).find((b) => b.properties) as JsonSchema).properties as Record<string, JsonSchema>)[key]
    at += (at ? '.' : '') + key
    return { [key]: build(i + 1) }
  }
  return { config: build(0), at }
}

describe('schema docs for editors', () => {
  const all = properties(schema)

  test('every property has a description and an example', () => {
    expect(all.length).toBeGreaterThan(50)
    const lacking = all
      .filter(([, s]) => typeof s.description !== 'string' || !s.description || !Array.isArray(s.examples) || !s.examples.length)
      .map(([p]) => p)
    expect(lacking).toEqual([])
  })

  test('every @example in src/config/types.ts is JSON', () => {
    const bad = [...typeDocs()].filter(([, d]) => d.badExamples.length).map(([p, d]) => `${p}: ${d.badExamples.join(' | ')}`)
    expect(bad).toEqual([])
  }, 30_000) // it loads the TypeScript compiler: seconds on a busy 2-core machine, not a speed check

  test('every example is accepted by the validator at its place', () => {
    const rejected: string[] = []
    for (const [path, s] of all) {
      for (const example of s.examples as unknown[]) {
        const { config, at } = place(path, example)
        const problems = validate(config).filter((p) => p.path === at || p.path.startsWith(at + '.') || p.path.startsWith(at + '['))
        if (problems.length) rejected.push(`${path} = ${JSON.stringify(example)}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`)
      }
    }
    expect(rejected).toEqual([])
  })

  test('a wrong example would be caught (the check above is not vacuous)', () => {
    const { config, at } = place('cookie.expiresDays', 999)
    expect(at).toBe('cookie.expiresDays')
    expect(validate(config)).toEqual([{ path: 'cookie.expiresDays', message: 'expected an integer from 1 to 400, got 999' }])
    const service = place('categories.*.services.*.cookies.*.name', 'a b')
    expect(service.at).toBe('categories.example.services.example.cookies[0].name')
    expect(validate(service.config).map((p) => p.path)).toContain(service.at)
  })
})

describe('docs/config.md', () => {
  const rendered = renderConfigDocs(schema)

  test('is what consentry.schema.json renders to (run `npm run docs:config` after `npm run schema`)', () => {
    if (process.env.UPDATE_DOCS) writeFileSync('docs/config.md', rendered)
    expect(existsSync('docs/config.md')).toBe(true)
    expect(readFileSync('docs/config.md', 'utf8')).toBe(rendered)
  })

  test('documents every property with its type, description and example', () => {
    for (const [path, s] of properties(schema)) {
      const heading = '`' + path.replace(/\.\*(?=\.|$)/g, (_m, offset: number) => (isList(path.slice(0, offset)) ? '[]' : '.<name>')) + '`'
      const section = rendered.split(/^#{2,3} /m).find((part) => part.startsWith(heading + '\n'))
      expect(section, heading).toBeDefined()
      expect(section).toContain(String(s.description))
      expect(section).toContain(`- Type: ${typeText(s)}`)
      expect(section).toContain(JSON.stringify((s.examples as unknown[])[0], null, 2))
    }
  })

  test('links each top-level key from the contents', () => {
    for (const key of Object.keys(schema.properties as object)) expect(rendered).toContain(`- [\`${key}\`](#${slug(key)})`)
    expect(slug('`categories.<name>.services`')).toBe('categoriesnameservices')
  })
})

/** Whether the schema node at `path` (with `*`) is a list. */
function isList(path: string): boolean {
  let node: JsonSchema = schema
  for (const key of path.split('.')) {
    if (key === '*') node = (node.items ?? node.additionalProperties) as JsonSchema
    else
      node =
        ((node.properties ?? {}) as Record<string, JsonSchema>)[key] ??
        (((node.anyOf as JsonSchema[]).find((b) => b.properties) as JsonSchema).properties as Record<string, JsonSchema>)[key]
  }
  return !!node.items || (Array.isArray(node.anyOf) && (node.anyOf as JsonSchema[]).some((b) => b.items))
}
