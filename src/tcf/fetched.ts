// The script-tag chunk's stand-in for ./english.ts (rollup.config.mjs): no labels inside;
// English comes from locales/tcf/en.json like the other languages (docs/tcf.md).
export default undefined as Record<string, string> | undefined
/** No chunks either: every language is fetched from locales/tcf/ beside the script. */
export const LABEL_CHUNKS: Record<string, () => Promise<{ default: Record<string, string> }>> | undefined = undefined
