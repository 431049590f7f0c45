// The "extras" chunk: parts most page views never need, loaded on first use —
// the second layer (the preference centre; fetched when a pointer or focus reaches
// "Manage preferences", a settings link or the floating button, src/ui/mount.ts), the placeholders of blocked embeds, and cookie clean-up after
// a withdrawal.
export { secondLayer } from '../ui/second-layer.js'
export { embeds } from '../ui/embeds.js'
export { cleanUp } from '../effects/cleanup.js'
