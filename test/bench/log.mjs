#!/usr/bin/env node
// Benchmark of the verifiable log on SQLite (not a test; not part of npm test).
//
//   npm run build && node test/bench/log.mjs [--leaves 1000000] [--proofs 2000] [--batch 50000]
//
// Builds a tree of --leaves leaves in a throwaway SQLite file through the collector's own
// integration path (dist/server.mjs: storage `integrate` + the signing integrator, in batches of
// --batch leaves, one checkpoint each), then answers --proofs inclusion proofs for random leaves
// and consistency proofs between random checkpoints the way GET /log/proof/* does, and reports:
// integration time per leaf, proof answer time (p50, p99, max, in ms), proof size (hashes) and
// the file size. Leaves are random 32-byte hashes written straight into log_tree level 0 (the
// tree does not read entries), so the figures are the tree's alone. Targets (test/bench/README.md):
// inclusion proof p99 < 20 ms and ≤ 20 hashes at 10^6 entries. The collector's own throughput
// against its floor is measured by test/bench/collector.mjs (npm run bench:collector).

import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { performance } from 'node:perf_hooks'
import Sqlite from 'better-sqlite3'
import { checkpointSigner, collectorKeyFrom, newPrivateKey, consistencyProof, growAndSign, inclusionProof, sqliteRepository } from '../../dist/server.mjs'

const { values } = parseArgs({ options: { leaves: { type: 'string' }, proofs: { type: 'string' }, batch: { type: 'string' } } })
const leaves = Number(values.leaves ?? 1_000_000)
const proofs = Number(values.proofs ?? 2000)
const batch = Number(values.batch ?? 50_000)

const dir = mkdtempSync(join(tmpdir(), 'consentry-bench-log-'))
const file = join(dir, 'log.db')
try {
  const store = await sqliteRepository(file, { synchronous: 'NORMAL' })
  await store.migrate()
  const raw = new Sqlite(file)
  const put = raw.prepare('INSERT INTO log_tree (level, idx, hash) VALUES (0, ?, ?)')
  const grow = growAndSign(checkpointSigner(collectorKeyFrom(newPrivateKey()), 'bench.example/consentry'))
  let integrateMs = 0
  const sizes = []
  for (let at = 0; at < leaves; at += batch) {
    const n = Math.min(batch, leaves - at)
    raw.transaction(() => {
      for (let i = 0; i < n; i++) put.run(at + i, randomBytes(32))
    })()
    const t = performance.now()
    const cp = await store.integrate(batch, grow)
    integrateMs += performance.now() - t
    sizes.push(cp.size)
  }
  raw.close()
  const size = sizes[sizes.length - 1]
  const time = async (make) => {
    const ms = []
    let hashes = 0
    for (let i = 0; i < proofs; i++) {
      const t = performance.now()
      const proof = await make()
      ms.push(performance.now() - t)
      hashes = Math.max(hashes, proof.hashes.length)
    }
    ms.sort((a, b) => a - b)
    const q = (p) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))].toFixed(3)
    return { p50: q(0.5), p99: q(0.99), max: ms[ms.length - 1].toFixed(3), maxHashes: hashes }
  }
  const pick = (n) => Math.floor(Math.random() * n)
  const inclusion = await time(() => inclusionProof(store, pick(size), size))
  const consistency = await time(() => {
    const a = sizes[pick(sizes.length)]
    const b = sizes[pick(sizes.length)]
    return consistencyProof(store, Math.min(a, b), Math.max(a, b))
  })
  await store.close()
  console.log(
    JSON.stringify(
      {
        leaves: size,
        checkpoints: sizes.length,
        integrationMicrosPerLeaf: ((integrateMs * 1000) / size).toFixed(2),
        inclusionMs: inclusion,
        consistencyMs: consistency,
        fileBytes: statSync(file).size + (statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0),
      },
      null,
      2,
    ),
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
