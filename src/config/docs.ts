// docs/config.md, rendered from consentry.schema.json so that the reference and the
// schema editors read can never drift (test/unit/config-docs.test.ts compares them;
// `npm run docs:config` rewrites the file). Node tooling only.

import type { JsonSchema } from './schema.js'

interface DocEntry {
  /** `categories.<name>.services.<name>.cookies[].name` */
  path: string
  depth: number
  schema: JsonSchema
}

const HEADER = `# Configuration reference

<!-- Generated from consentry.schema.json by \`npm run docs:config\`. Do not edit by hand:
     change the JSDoc in src/config/types.ts or the rules in src/config/shape.ts, then run
     \`npm run schema && npm run docs:config\`. -->

A Consentry config is one JSON object, given to \`Consentry.init(config)\`, inline in
\`<script type="application/json" id="consentry-config">\`, or as a file named by
\`data-config="/consent.json"\` on the script tag. Every key is optional unless marked *required*.

**Editor support.** Start the file with a \`"$schema"\` key and VS Code, JetBrains IDEs and any
editor with a JSON language server offer completion, hover docs and red squiggles:

\`\`\`json
{ "$schema": "https://unpkg.com/consentry/consentry.schema.json", "revision": 1 }
\`\`\`

(or \`"./node_modules/consentry/consentry.schema.json"\` to work offline).

**Check before you publish.** \`npx consentry validate consent.json\` applies the same rules as the
SDK, prints each problem as \`file:line:column  severity  path: message\`, suggests the nearest
valid key for typos, warns about legal pitfalls, and prints the config's SHA-256 — the \`config\`
value that every consent receipt carries. \`--strict\` fails on warnings too, \`--format json\` is for
CI, and \`--previous old.json\` says whether your change must be released with a \`revision\` bump.
Exit codes: 0 valid, 1 invalid, 2 cannot read the file. The config playground
(\`npm run demo\`, then \`/playground.html\`) edits a config with a live preview of the real banner.

Paths below use \`<name>\` for a name you choose (a category, a service, a language) and \`[]\` for
each item of a list.
`

/** The schema's type in words. */
export function typeText(schema: JsonSchema): string {
  if (schema.$ref === '#/$defs/texts') return 'a text tree (see `translations`)'
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as JsonSchema[]).map(typeText).join(', or ')
  if (Array.isArray(schema.enum)) return 'one of ' + (schema.enum as unknown[]).map((v) => '`' + JSON.stringify(v) + '`').join(', ')
  const range = (): string => {
    const { minimum: min, maximum: max } = schema as { minimum?: number; maximum?: number }
    if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`
    if (min !== undefined) return ` ≥ ${min}`
    if (max !== undefined) return ` ≤ ${max}`
    return ''
  }
  switch (schema.type) {
    case 'string':
      return schema.pattern ? `string matching \`${String(schema.pattern)}\`` : 'string'
    case 'integer':
      return 'integer' + range()
    case 'boolean':
      return '`true` or `false`'
    case 'array':
      return 'list of ' + typeText((schema.items ?? {}) as JsonSchema)
    case 'object':
      if (schema.properties) return 'object'
      if (typeof schema.additionalProperties === 'object') return 'object: `<name>` → ' + typeText(schema.additionalProperties as JsonSchema)
      return 'object'
  }
  return 'any JSON value'
}

/** Every documented property, depth first, in the schema's order (that of src/config/shape.ts). */
function entries(schema: JsonSchema, path = '', depth = 0, out: DocEntry[] = []): DocEntry[] {
  const visit = (node: JsonSchema, base: string, level: number): void => {
    const required = new Set((node.required ?? []) as string[])
    for (const [key, sub] of Object.entries((node.properties ?? {}) as Record<string, JsonSchema>)) {
      const p = base ? `${base}.${key}` : key
      out.push({ path: p, depth: level, schema: required.has(key) ? { ...sub, 'x-required': true } : sub })
      entries(sub, p, level + 1, out)
    }
  }
  if (path.startsWith('translations.<')) return out
  visit(schema, path, depth)
  if (typeof schema.additionalProperties === 'object') entries(schema.additionalProperties as JsonSchema, `${path}.<name>`, depth, out)
  if (schema.items) entries(schema.items as JsonSchema, `${path}[]`, depth, out)
  for (const branch of (schema.anyOf ?? []) as JsonSchema[]) entries(branch, path, depth, out)
  return out
}

/** GitHub's heading anchors. */
export const slug = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')

const example = (path: string, value: unknown): string => {
  const key =
    path
      .split(/\.|\[\]/)
      .filter(Boolean)
      .pop() ?? path
  const json = JSON.stringify(value, null, 2)
  return '```json\n' + `"${key}": ${json}` + '\n```'
}

/** docs/config.md for `schema` (consentry.schema.json's content). */
export function renderConfigDocs(schema: JsonSchema): string {
  const list = entries(schema)
  const lines: string[] = [HEADER]
  lines.push('## Contents', '')
  for (const e of list.filter((e) => e.depth === 0)) lines.push(`- [\`${e.path}\`](#${slug(e.path)})`)
  lines.push('')
  for (const e of list) {
    lines.push(`${e.depth === 0 ? '##' : '###'} \`${e.path}\``, '')
    const description = typeof e.schema.description === 'string' ? e.schema.description : ''
    if (description) lines.push(description, '')
    lines.push(`- Type: ${typeText(e.schema)}${e.schema['x-required'] ? ' — *required*' : ''}`, '')
    for (const value of (e.schema.examples ?? []) as unknown[]) lines.push('Example:', '', example(e.path, value), '')
  }
  return (
    lines
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd() + '\n'
  )
}
