// The plain script-tag builds' stand-in for ./hook.ts and ../config/tcf-shape.ts
// (rollup.config.mjs): no `tcf` key, no TCF code. consentry-tcf.iife.js has both.
import type { Rule } from '../config/rules.js'

export const tcfShape: Record<string, Rule> = {}
/** No TCF session, so no stop. */
export function tcfHook(): undefined {
  return undefined
}
