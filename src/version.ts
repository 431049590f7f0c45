/** Replaced at build time with package.json's version (rollup.config.mjs). */
declare const __SDK_VERSION__: string
export const SDK_VERSION: string = typeof __SDK_VERSION__ === 'string' ? __SDK_VERSION__ : '0.0.0-dev'
