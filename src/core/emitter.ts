/** A minimal typed event emitter; listeners that throw cannot break the others. */
export function createEmitter<Events extends Record<string, unknown>>() {
  const listeners: { [K in keyof Events]?: Set<(payload: Events[K]) => void> } = {}
  return {
    on<K extends keyof Events>(name: K, fn: (payload: Events[K]) => void): () => void {
      ;(listeners[name] ??= new Set()).add(fn)
      return () => void listeners[name]!.delete(fn)
    },
    emit<K extends keyof Events>(name: K, payload: Events[K]): void {
      listeners[name]?.forEach((fn) => {
        try {
          fn(payload)
        } catch (error) {
          console.error(`Consentry: a "${String(name)}" listener threw`, error)
        }
      })
    },
  }
}
