// The TCF layer's English labels inside the code: in the npm build (and tests). The
// script-tag chunk (dist/consentry-tcf.js) has this module swapped for ./fetched.ts
// (rollup.config.mjs) and fetches English like every other language from
// locales/tcf/en.json beside it, to stay within its size budget (docs/tcf.md).
import english from '../../locales/tcf/en.json'

export default english as Record<string, string> | undefined
