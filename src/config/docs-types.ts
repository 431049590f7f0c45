// Node tooling only (never in a browser bundle): the JSDoc of src/config/types.ts,
// read with the TypeScript compiler API, as descriptions and examples for
// consentry.schema.json. Used by test/unit/schema.test.ts (`npm run schema`).

import ts from 'typescript'
import type { Describe, JsonSchema } from './schema.js'

export interface PropertyDoc {
  /** The JSDoc text (without tags). */
  description: string
  /** The `@example` tags, each parsed as JSON. */
  examples: unknown[]
  /** `@example` tags that are not valid JSON (a mistake to fix). */
  badExamples: string[]
}

/**
 * Every property path of the exported `Config` type (`cookie.name`,
 * `categories.*.services.*.cookies.*.name`, …) with its JSDoc. Text trees under
 * `translations.*` are free-form and left out.
 */
export function typeDocs(file = 'src/config/types.ts'): Map<string, PropertyDoc> {
  const program = ts.createProgram([file], { strict: true })
  const checker = program.getTypeChecker()
  const source = program.getSourceFile(file)
  if (!source) throw new Error(`cannot read ${file}`)
  const config = checker.getExportsOfModule(checker.getSymbolAtLocation(source)!).find((s) => s.name === 'Config')
  if (!config) throw new Error(`${file} exports no Config type`)
  const paths = new Map<string, PropertyDoc>()
  const walk = (type: ts.Type, path: string) => {
    if (path.startsWith('translations.*')) return
    for (const part of type.isUnion() ? type.types : [type]) {
      if (checker.isArrayType(part)) walk(checker.getTypeArguments(part as ts.TypeReference)[0], `${path}.*`)
      else if (part.getStringIndexType()) walk(part.getStringIndexType()!, `${path}.*`)
      else if (part.flags & ts.TypeFlags.Object)
        for (const prop of part.getProperties()) {
          const sub = path ? `${path}.${prop.name}` : prop.name
          const examples: unknown[] = []
          const badExamples: string[] = []
          for (const tag of prop.getJsDocTags(checker)) {
            if (tag.name !== 'example') continue
            const text = ts.displayPartsToString(tag.text).trim()
            try {
              examples.push(JSON.parse(text))
            } catch {
              badExamples.push(text)
            }
          }
          paths.set(sub, { description: ts.displayPartsToString(prop.getDocumentationComment(checker)).trim(), examples, badExamples })
          walk(checker.getNonNullableType(checker.getTypeOfSymbol(prop)), sub)
        }
    }
  }
  walk(checker.getDeclaredTypeOfSymbol(config), '')
  return paths
}

/** The describe hook of `configSchema()`: `description` and `examples` from the JSDoc. */
export function describeFromTypes(docs: Map<string, PropertyDoc>): Describe {
  return (path) => {
    const doc = docs.get(path)
    if (!doc) return undefined
    const out: JsonSchema = {}
    if (doc.description) out.description = doc.description
    if (doc.examples.length) out.examples = doc.examples
    return Object.keys(out).length ? out : undefined
  }
}
