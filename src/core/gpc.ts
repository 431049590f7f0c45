/**
 * Whether the browser sends the Global Privacy Control signal (docs/regions.md).
 * Read only when asked: touching `navigator` builds its interface in the page's heap (test/bench/README.md,
 * "Figures behind design choices").
 */
export const gpcEnabled = (): boolean => (navigator as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl === true
