import { describe, expect, test } from 'vitest'
import { cookieLabel } from '../../src/ui/cookie-table.js'

describe('cookie names in the preference centre', () => {
  test.each([
    ['_ga', '_ga'],
    ['/^_ga_/', '_ga_*'],
    ['/^_gac_.*$/', '_gac_*'],
    ['/^_hj\\w+/', '/^_hj\\w+/'],
    ['/_fbp$/', '*_fbp'],
    ['/^AMP_TOKEN$/', 'AMP_TOKEN'],
    ['/^__utm[abcz]$/', '/^__utm[abcz]$/'],
    ['/^wp\\-settings\\-/i', 'wp-settings-*'],
  ])('%s reads as %s', (name, label) => {
    expect(cookieLabel(name)).toBe(label)
  })
})
