// Where a running SDK starts TCF (docs/tcf.md): the stub at once, so `__tcfapi` exists
// before the gate releases any tag, then the CMP chunk. The plain script-tag builds
// swap this module for ./none.ts (rollup.config.mjs): they carry no TCF code.

import type { Config } from '../config/types.js'
import { startTcf } from '../lazy/index.js'
import type { TcfHost } from './cmp.js'
import { installStub } from './stub.js'

/** This build knows the `tcf` key (src/tcf/none.ts says why that matters). */
export const TCF = true

/** Returns the TCF session's stop, for destroy(); undefined without `tcf`. */
export function tcfHook(source: Config, host: TcfHost): (() => void) | undefined {
  if (!source.tcf) return
  installStub(window)
  return startTcf(host)
}
