// A few lines of promise-wrapped IndexedDB: one database, three stores.
//   keys:     the signing key pair (CryptoKeyPair, private key non-extractable)
//   chains:   per consent id, the last { seq, hash, kid }
//   receipts: every receipt of this browser, with its delivery status (the outbox)

export type Store = 'keys' | 'chains' | 'receipts'

const NAME = 'consentry'

let opening: Promise<IDBDatabase> | undefined

function openDb(): Promise<IDBDatabase> {
  return (opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(NAME, 1)
    request.onupgradeneeded = () => {
      const db = request.result
      db.createObjectStore('keys')
      db.createObjectStore('chains')
      db.createObjectStore('receipts', { keyPath: 'jti' })
    }
    request.onsuccess = () => {
      const db = request.result
      // Another tab (or a site reset) upgrading or deleting the database: let go of it.
      db.onversionchange = () => {
        db.close()
        opening = undefined
      }
      resolve(db)
    }
    request.onerror = () => {
      opening = undefined
      reject(request.error ?? new Error('IndexedDB unavailable'))
    }
    request.onblocked = () => reject(new Error('IndexedDB blocked'))
  }))
}

const done = <T>(request: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })

export async function get<T>(store: Store, key: IDBValidKey): Promise<T | undefined> {
  const db = await openDb()
  return done(db.transaction(store).objectStore(store).get(key))
}

export async function getAll<T>(store: Store): Promise<T[]> {
  const db = await openDb()
  return done(db.transaction(store).objectStore(store).getAll())
}

export async function put(store: Store, value: unknown, key?: IDBValidKey): Promise<void> {
  const db = await openDb()
  const tx = db.transaction(store, 'readwrite')
  tx.objectStore(store).put(value, key)
  // Resolve on commit, not on the request: only then has it reached the disk.
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve()
    tx.onerror = tx.onabort = () => reject(tx.error ?? new Error('IndexedDB write aborted'))
  })
}
