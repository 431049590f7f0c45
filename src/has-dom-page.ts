import type * as Checked from './has-dom.js'

// The script-tag builds' stand-in for ./has-dom.ts (rollup.config.mjs): a script tag always
// runs in a page, so the API's SSR checks are dead code there and the minifier drops them.

export const hasDom: typeof Checked.hasDom = () => true
