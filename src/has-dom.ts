/**
 * Whether there is a page to work on: not during server-side rendering, where the npm build's
 * API answers without starting anything (src/index.ts). The script-tag builds run only in a
 * page and use has-dom-page.ts instead (rollup.config.mjs), so these checks fold away there.
 */
export const hasDom = (): boolean => typeof document !== 'undefined'
