// dist/consentry-validate.js: the CLI's checks for the playground (window.ConsentryValidate).
export { check, nearest, type Finding, type Report } from './check.js'
export { mapJson, positionOf } from './positions.js'
export { validate } from '../config/validate.js'
export { canonicalJson, sha256 } from '../receipts/digest.js'
