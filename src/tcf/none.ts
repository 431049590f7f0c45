// The plain script-tag builds' stand-in for ./hook.ts and ../config/tcf-shape.ts
// (rollup.config.mjs): no `tcf` key, no TCF code. consentry-tcf.iife.js has both.
import type { Rule } from '../config/rules.js'

export const tcfShape: Record<string, Rule> = {}
/**
 * A `tcf` config under this build's tag is a wrong tag, which only this build's check reports (an
 * unknown key): the stamp of `consentry validate --stamp`, which knows the key, does not vouch
 * for it here (src/instance.ts).
 */
export const TCF = false
/** No TCF session, so no stop. */
export function tcfHook(): undefined {
  return undefined
}
