// How the script-tag builds load a lazy part: a sibling IIFE file that assigns its exports to a
// window global (rollup.config.mjs names both after the part).

/** The tag's folder, ending in "/"; '' resolves chunk names against the page, as the DOM does for relative src. */
let base = ''
let nonce: string | undefined
const loading: Record<string, Promise<unknown>> = {}

export function setChunkBase(url: string | undefined, scriptNonce: string | undefined): void {
  base = url ?? ''
  nonce = scriptNonce
}

/** `name` is the chunk's: "Extras" is consentry-extras.js, which assigns window.ConsentryExtras (rollup.config.mjs). */
export function load<T>(name: string): Promise<T> {
  const file = `consentry-${name.toLowerCase()}.js`
  return (loading[file] ??= new Promise((resolve, reject) => {
    const script = document.createElement('script')
    script.src = base + file
    if (nonce) script.nonce = nonce
    script.onload = () => resolve((window as unknown as Record<string, T>)['Consentry' + name])
    script.onerror = () => {
      delete loading[file]
      reject(new Error(`Consentry: could not load ${script.src}`))
    }
    document.head.append(script)
  })) as Promise<T>
}
