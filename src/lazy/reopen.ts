// The "reopen" chunk: the floating button that brings the preference centre back after a
// decision (src/ui/floating.ts). Every visitor who decides loads it, so it is small and
// separate from the extras chunk, which waits for an intent to open the centre.
export { floatingButton } from '../ui/floating.js'
