// dist/consentry-tcf-stub.js: the stub alone, for a site to inline before its ad tags (docs/tcf.md).
import { installStub } from './stub.js'

installStub(window)
