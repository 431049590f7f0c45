/**
 * `consentry:ready` and `consentry:change` on window (README, "API"), for tag
 * managers and scripts that do not import the SDK. `detail` is the state.
 */
export function dispatch(name: 'ready' | 'change', detail: unknown): void {
  dispatchEvent(new CustomEvent(`consentry:${name}`, { detail }))
}
