/**
 * Whether the browser sends the Global Privacy Control signal (docs/regions.md).
 * Read only when asked: touching `navigator` builds its interface, 17 KB of the page's heap (test/bench/README.md).
 */
export const gpcEnabled = (): boolean => (navigator as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl === true
