// consentry-tcf.iife.js (docs/tcf.md): the script-tag build for sites with IAB TCF. The
// `__tcfapi` stub goes up before anything else, so ad tags after this tag find it.
import { installStub } from './tcf/stub.js'
import './browser.js'

installStub(window)
