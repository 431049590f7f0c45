// The "extras" chunk: parts most page views never need, loaded on first use —
// the second layer (preference centre, floating button; preloaded while the
// banner shows), the placeholders of blocked embeds, and cookie clean-up after
// a withdrawal.
export { secondLayer } from '../ui/second-layer.js'
export { embeds } from '../ui/embeds.js'
export { cleanUp } from '../effects/cleanup.js'
