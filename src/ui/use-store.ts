import type { ReadableAtom } from 'nanostores'
import { useEffect, useState } from 'preact/hooks'

/** A store's value in a component (what @nanostores/preact does, in a few bytes). */
export function useStore<T>(store: ReadableAtom<T>): T {
  const [value, setValue] = useState(store.get())
  useEffect(() => store.subscribe(setValue), [store])
  return value
}
