// A collector on a database of its own, for the suites that run on every backend.
import { type Collector, type CollectorOptions, collectorKeyFrom, createCollector, newPrivateKey } from '../../../src/server/index.js'
import type { Backend, Opened } from './backends.js'

/**
 * For suites that play visitors over HTTP: a request names its client IP in an `x-test-ip`
 * header (else one fixed address), and the errors the suite provokes on purpose are not logged.
 */
export const visitors: Partial<CollectorOptions> = {
  clientIp: (c) => c.req.header('x-test-ip') ?? '203.0.113.77',
  onError: () => undefined,
}

/**
 * Opens a new database on `backend` and starts a collector on it with a key of its own and
 * `options` (which may replace the key). The caller closes the collector.
 */
export async function freshCollector(backend: Backend, options: Partial<CollectorOptions> = {}): Promise<{ db: Opened; collector: Collector }> {
  const db = await backend.open()
  const collector = await createCollector({ store: db.store, key: collectorKeyFrom(newPrivateKey()), ...options })
  return { db, collector }
}
