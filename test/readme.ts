// The fenced code blocks of a Markdown file, for the tests that compile and run the README's
// examples (test/unit/readme-examples.test.ts, test/browser/readme.test.ts).
import { readFileSync } from 'node:fs'

export interface Block {
  /** The info string's language ('' for none). */
  lang: string
  code: string
  /** 1-based line of the opening fence, for messages. */
  line: number
}

export function fencedBlocks(file: string): Block[] {
  const lines = readFileSync(file, 'utf8').split('\n')
  const blocks: Block[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i])
    if (!open) continue
    const end = lines.findIndex((l, j) => j > i && l === '```')
    if (end < 0) throw new Error(`${file}:${i + 1}: a code fence that is never closed`)
    blocks.push({ lang: open[1], code: lines.slice(i + 1, end).join('\n'), line: i + 1 })
    i = end
  }
  return blocks
}
