// The verifiable log's public routes (docs/collector.md, "Verifiable log"): checkpoints (the
// newest, one by size, the history for witnesses), the verifier key, and proofs. Proofs are
// answered for tree sizes that have a checkpoint, so every answer can be checked against a
// signed root.

import type { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { HttpError } from './errors.js'
import { consistencyProof, inclusionProof } from './proofs.js'
import type { Repository } from './storage/types.js'
import { checkCosignatures, cosignatureLine, type WitnessKey } from './witness.js'

const MAX_CHECKPOINTS = 1000
/** A cosigned checkpoint is a few hundred bytes; this leaves room for many witnesses' lines. */
const MAX_COSIGNED_NOTE_BYTES = 16 * 1024

function whole(value: string | undefined, name: string, min: number): number | undefined {
  if (value === undefined || value === '') return undefined
  if (!/^\d{1,16}$/.test(value) || Number(value) < min)
    throw new HttpError(400, 'query', `${name}: expected a whole number ≥ ${min}, got ${JSON.stringify(value)}`)
  return Number(value)
}

const required = (value: number | undefined, name: string): number => {
  if (value === undefined) throw new HttpError(400, 'query', `${name} is required`)
  return value
}

export function registerLogRoutes(app: Hono, store: Repository, vkey: string | undefined, witnesses: WitnessKey[] = [], now: () => number = Date.now): void {
  const configured = new Set(witnesses.map((w) => `${w.name} ${w.keyId}`))
  /**
   * Checkpoints with the cosignatures of the witnesses configured now, as extra signature lines:
   * one query for a page of the history (sizes in ascending order), as for one checkpoint.
   */
  const cosignedAll = async (checkpoints: { note: string; size: number }[]): Promise<string[]> => {
    if (configured.size === 0 || !checkpoints.length) return checkpoints.map((c) => c.note)
    const lines = new Map<number, string>()
    for (const c of await store.cosignatures(checkpoints[0]!.size - 1, checkpoints[checkpoints.length - 1]!.size))
      if (configured.has(`${c.witness} ${c.keyId}`)) lines.set(c.size, (lines.get(c.size) ?? '') + cosignatureLine(c))
    return checkpoints.map((c) => c.note + (lines.get(c.size) ?? ''))
  }
  const cosigned = async (note: string, size: number): Promise<string> => (await cosignedAll([{ note, size }]))[0]!

  /** A checkpoint of exactly `size` leaves must exist: proofs are only for signed sizes. */
  const signedSize = async (size: number, name: string) => {
    if (!(await store.checkpoint(size))) {
      const latest = (await store.checkpoint())?.size ?? 0
      throw new HttpError(400, 'size', `${name}: no checkpoint of ${size} leaves (the newest covers ${latest}; see GET /log/checkpoints)`)
    }
  }

  app.get('/log/checkpoint', async (c) => {
    const size = whole(c.req.query('size'), 'size', 1)
    const checkpoint = await store.checkpoint(size)
    if (!checkpoint) throw new HttpError(404, 'not-found', size === undefined ? 'the log has no checkpoint yet' : `no checkpoint of ${size} leaves`)
    // The newest one changes within a second; one by size gains witnesses' lines now and then.
    c.header('Cache-Control', size === undefined ? 'no-cache' : 'public, max-age=60')
    c.header('Access-Control-Allow-Origin', '*')
    return c.text(await cosigned(checkpoint.note, checkpoint.size), 200, { 'Content-Type': 'text/plain; charset=utf-8' })
  })

  // A witness's cosignature (witness.ts, docs/collector.md "Witnesses"): the checkpoint as this
  // log signed it, with the witness's signature line(s) added. Only configured witness keys.
  const limit = bodyLimit({
    maxSize: MAX_COSIGNED_NOTE_BYTES,
    onError: (c) => c.json({ error: 'too-large', detail: `a cosigned checkpoint may be at most ${MAX_COSIGNED_NOTE_BYTES} bytes` }, 413),
  })
  app.post('/log/cosignature', limit, async (c) => {
    const body = await c.req.text()
    const found = await checkCosignatures(body, async (size) => (await store.checkpoint(size))?.note, witnesses, now())
    for (const cosignature of found) await store.addCosignature(cosignature, now())
    const size = found[0]!.size
    return c.json({ size, witnesses: found.map((f) => f.witness), checkpoint: await cosigned((await store.checkpoint(size))!.note, size) }, 201)
  })

  app.get('/log/checkpoints', async (c) => {
    const after = whole(c.req.query('after'), 'after', 0) ?? 0
    const limit = Math.min(whole(c.req.query('limit'), 'limit', 1) ?? 100, MAX_CHECKPOINTS)
    const rows = await store.checkpoints(after, limit)
    // Each note as GET /log/checkpoint?size= serves it: a witness catching up gets the others' cosignatures too.
    const notes = await cosignedAll(rows)
    c.header('Access-Control-Allow-Origin', '*')
    return c.json({
      checkpoints: rows.map((r, i) => ({ size: r.size, root: r.root, createdAt: new Date(r.createdMs).toISOString(), note: notes[i] })),
      next: rows.length === limit ? rows[rows.length - 1]!.size : null,
    })
  })

  app.get('/log/key', (c) => {
    if (!vkey) throw new HttpError(404, 'not-found', 'this collector signs no checkpoints')
    c.header('Access-Control-Allow-Origin', '*')
    return c.text(`${vkey}\n`, 200, { 'Content-Type': 'text/plain; charset=utf-8' })
  })

  app.get('/log/proof/inclusion', async (c) => {
    const index = required(whole(c.req.query('index'), 'index', 0), 'index')
    const size = required(whole(c.req.query('size'), 'size', 1), 'size')
    if (index >= size) throw new HttpError(400, 'query', `index: leaf ${index} is not in a tree of ${size} leaves`)
    await signedSize(size, 'size')
    c.header('Access-Control-Allow-Origin', '*')
    return c.json(await inclusionProof(store, index, size))
  })

  app.get('/log/proof/consistency', async (c) => {
    const from = required(whole(c.req.query('from'), 'from', 1), 'from')
    const to = required(whole(c.req.query('to'), 'to', 1), 'to')
    if (from > to) throw new HttpError(400, 'query', `from (${from}) must not be larger than to (${to})`)
    await signedSize(to, 'to')
    c.header('Access-Control-Allow-Origin', '*')
    return c.json(await consistencyProof(store, from, to))
  })
}
