// @vitest-environment node
// consentry.schema.json is generated from the validator's rules (src/config/shape.ts)
// with the hover texts of src/config/types.ts. These tests fail when the file, the
// rules and the TypeScript types drift apart. `npm run schema` rewrites the file.

import { readFileSync, writeFileSync } from 'node:fs'
import ts from 'typescript'
import { describe, expect, test } from 'vitest'
import { configSchema, type JsonSchema } from '../../src/config/schema.js'

/** Every property path of the exported `Config` type, with its JSDoc. */
function typePaths(): Map<string, string> {
  const program = ts.createProgram(['src/config/types.ts'], { strict: true })
  const checker = program.getTypeChecker()
  const file = program.getSourceFile('src/config/types.ts')!
  const config = checker.getExportsOfModule(checker.getSymbolAtLocation(file)!).find((s) => s.name === 'Config')!
  const paths = new Map<string, string>()
  const walk = (type: ts.Type, path: string) => {
    if (path.startsWith('translations.*')) return // free-form text trees
    for (const part of type.isUnion() ? type.types : [type]) {
      if (checker.isArrayType(part)) walk(checker.getTypeArguments(part as ts.TypeReference)[0], `${path}.*`)
      else if (part.getStringIndexType()) walk(part.getStringIndexType()!, `${path}.*`)
      else if (part.flags & ts.TypeFlags.Object)
        for (const prop of part.getProperties()) {
          const sub = path ? `${path}.${prop.name}` : prop.name
          paths.set(sub, ts.displayPartsToString(prop.getDocumentationComment(checker)))
          walk(checker.getNonNullableType(checker.getTypeOfSymbol(prop)), sub)
        }
    }
  }
  walk(checker.getDeclaredTypeOfSymbol(config), '')
  return paths
}

/** Every property path of a JSON Schema. */
function schemaPaths(schema: JsonSchema, path = '', out = new Set<string>()): Set<string> {
  if (path.startsWith('translations.*')) return out
  const join = (key: string) => (path ? `${path}.${key}` : key)
  for (const [key, sub] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>)) {
    out.add(join(key))
    schemaPaths(sub, join(key), out)
  }
  if (typeof schema.additionalProperties === 'object') schemaPaths(schema.additionalProperties as JsonSchema, join('*'), out)
  if (schema.items) schemaPaths(schema.items as JsonSchema, join('*'), out)
  for (const branch of (schema.anyOf ?? []) as JsonSchema[]) schemaPaths(branch, path, out)
  return out
}

const docs = typePaths()
const generated = configSchema((path) => (docs.get(path) ? { description: docs.get(path) } : undefined))

describe('consentry.schema.json', () => {
  test('the TypeScript Config type and the validator rules have the same properties', () => {
    expect([...schemaPaths(generated)].sort()).toEqual([...docs.keys()].sort())
  })

  test('the shipped file is what the rules generate (run `npm run schema` after changing them)', () => {
    const text = JSON.stringify(generated, null, 2) + '\n'
    if (process.env.UPDATE_SCHEMA) writeFileSync('consentry.schema.json', text)
    expect(readFileSync('consentry.schema.json', 'utf8')).toBe(text)
  })
})
