// Where each JSON path sits in the config file's text, so that every problem can
// be reported as `file:line:column`. A small strict JSON parser (RFC 8259) that
// records the position of each key and value under the validator's path syntax
// (`categories.analytics.services.ga4.cookies[1]`). Browser-safe: the playground
// uses it too.

export interface Position {
  /** 1-based. */
  line: number
  /** 1-based, in UTF-16 code units (what editors show for BMP text). */
  column: number
  /** 0-based offset in the text. */
  offset: number
}

export interface Located {
  /** Where the key starts (object members only). */
  key?: Position
  /** Where the value starts. */
  value: Position
}

interface Duplicate {
  path: string
  /** The later occurrence, which is the one JSON.parse keeps. */
  at: Position
  /** The first occurrence. */
  first: Position
}

export interface Mapped {
  value: unknown
  /** Every path in the document ('' is the root). */
  paths: Map<string, Located>
  duplicates: Duplicate[]
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: Position,
  ) {
    super(message)
    this.name = 'JsonSyntaxError'
  }
}

/** The same path joining as src/config/validate.ts. */
const joinKey = (path: string, key: string): string => (path ? `${path}.${key}` : key)

const describeChar = (ch: string | undefined): string => (ch === undefined ? 'the end of the file' : JSON.stringify(ch))

/** Parses `text` as JSON, with the position of every path; throws JsonSyntaxError with a position. */
export function mapJson(text: string): Mapped {
  let i = 0
  let line = 1
  let lineStart = 0
  const paths = new Map<string, Located>()
  const duplicates: Duplicate[] = []

  const here = (): Position => ({ line, column: i - lineStart + 1, offset: i })
  const fail = (message: string, at: Position = here()): never => {
    throw new JsonSyntaxError(message, at)
  }

  const space = (): void => {
    for (;;) {
      const ch = text[i]
      if (ch === '\n') {
        i++
        line++
        lineStart = i
      } else if (ch === ' ' || ch === '\t' || ch === '\r') i++
      else if (ch === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) fail('comments are not allowed in JSON')
      else return
    }
  }

  const string = (): string => {
    const start = here()
    i++ // opening quote
    let out = ''
    for (;;) {
      const ch = text[i]
      if (ch === undefined || ch === '\n') fail('unterminated string', start)
      if (ch === '"') {
        i++
        return out
      }
      if (ch === '\\') {
        const esc = text[i + 1]
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }
        if (esc !== undefined && esc in simple) {
          out += simple[esc]
          i += 2
        } else if (esc === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16))
          i += 6
        } else fail(`invalid escape ${JSON.stringify('\\' + (esc ?? ''))} in a string`)
        continue
      }
      if (ch < ' ') fail('control character in a string (write it as an escape such as \\n)')
      out += ch
      i++
    }
  }

  const number = (): number => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i))
    if (!match) fail(`unexpected ${describeChar(text[i])} (expected a value)`)
    i += match![0].length
    return Number(match![0])
  }

  const value = (path: string, key?: Position): unknown => {
    space()
    const at = here()
    const record = (): void => {
      paths.set(path, key ? { key, value: at } : { value: at })
    }
    const ch = text[i]
    if (ch === '{') {
      record()
      i++
      const out: Record<string, unknown> = {}
      const seen = new Map<string, Position>()
      space()
      if (text[i] === '}') {
        i++
        return out
      }
      for (;;) {
        space()
        if (text[i] !== '"') fail(text[i] === '}' ? 'trailing comma before "}"' : `unexpected ${describeChar(text[i])} (expected a key in double quotes)`)
        const keyAt = here()
        const name = string()
        space()
        if (text[i] !== ':') fail(`unexpected ${describeChar(text[i])} (expected ":" after the key)`)
        i++
        const sub = joinKey(path, name)
        const first = seen.get(name)
        if (first) duplicates.push({ path: sub, at: keyAt, first })
        else seen.set(name, keyAt)
        out[name] = value(sub, keyAt)
        space()
        if (text[i] === ',') {
          i++
          continue
        }
        if (text[i] === '}') {
          i++
          return out
        }
        fail(`unexpected ${describeChar(text[i])} (expected "," or "}")`)
      }
    }
    if (ch === '[') {
      record()
      i++
      const out: unknown[] = []
      space()
      if (text[i] === ']') {
        i++
        return out
      }
      for (;;) {
        out.push(value(`${path}[${out.length}]`))
        space()
        if (text[i] === ',') {
          i++
          space()
          if (text[i] === ']') fail('trailing comma before "]"')
          continue
        }
        if (text[i] === ']') {
          i++
          return out
        }
        fail(`unexpected ${describeChar(text[i])} (expected "," or "]")`)
      }
    }
    record()
    if (ch === '"') return string()
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return number()
    for (const [word, result] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length
        return result
      }
    }
    return fail(`unexpected ${describeChar(ch)} (expected a value)`)
  }

  if (text.charCodeAt(0) === 0xfeff) i = lineStart = 1 // byte order mark
  const result = value('')
  space()
  if (i < text.length) fail(`unexpected ${describeChar(text[i])} after the end of the JSON value`)
  return { value: result, paths, duplicates }
}

/**
 * The position to report for a problem at `path`: the key for problems about a
 * key, else the value; a path that is not in the file (a missing required key)
 * falls back to its nearest parent that is.
 */
export function positionOf(paths: Map<string, Located>, path: string, prefer: 'key' | 'value' = 'value'): Position {
  let p = path
  for (;;) {
    const found = paths.get(p)
    if (found) return (prefer === 'key' ? found.key : undefined) ?? found.value
    if (!p) return { line: 1, column: 1, offset: 0 }
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['))
    p = cut < 0 ? '' : p.slice(0, cut)
  }
}
