import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'

type Tree = { [key: string]: string | Tree }
const read = (file: string): Tree => JSON.parse(readFileSync(`locales/${file}`, 'utf8'))
const en = read('en.json')

/** `["banner.title", …]` with each leaf's value. */
const leaves = (tree: Tree, prefix = ''): [string, string | Tree][] =>
  Object.entries(tree).flatMap(([key, value]) => (typeof value === 'object' ? leaves(value, prefix + key + '.') : [[prefix + key, value] as [string, string]]))
const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort()

const files = readdirSync('locales').filter((f) => f.endsWith('.json') && f !== 'en.json')

describe('locales', () => {
  test('at least 40 languages ship, including every official EU language', () => {
    expect(files.length + 1).toBeGreaterThanOrEqual(40)
    for (const lang of 'bg hr cs da nl et fi fr de el hu ga it lv lt mt pl pt ro sk sl es sv'.split(' ')) {
      expect(files).toContain(`${lang}.json`)
    }
  })

  test.each(files)('%s has exactly the keys of en.json, no empty text, placeholders intact', (file) => {
    const texts = read(file)
    const expected = leaves(en)
    const actual = new Map(leaves(texts))
    expect([...actual.keys()]).toEqual(expected.map(([key]) => key))
    for (const [key, source] of expected) {
      const text = actual.get(key)
      expect(typeof text, `${file} ${key}`).toBe('string')
      expect((text as string).trim(), `${file} ${key}`).not.toBe('')
      expect(placeholders(text as string), `${file} ${key}`).toEqual(placeholders(source as string))
    }
  })
})
