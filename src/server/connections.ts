// What keeps slow or idle clients from starving everyone else (docs/collector.md, "Limits").
//
// Node's defaults let a client take 60 s to send its headers and 5 minutes to send a request,
// and accept connections until the process runs out of file descriptors, after which every
// new client is refused. Here: short header and request timeouts, an idle timeout, and a cap
// on open connections set below the descriptor limit. At the cap, a new client is not
// refused: the oldest connection with no request in progress (a slow sender, an idle
// keep-alive) is closed to make room, so a flood of slow connections cannot lock out a
// visitor whose browser sends a receipt promptly.

import { readFileSync } from 'node:fs'
import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

export interface ConnectionLimits {
  /** Open connections at most (default: the descriptor limit less 128, at most 16 384). */
  maxConnections?: number | undefined
  /** Time to receive a request's headers (default 10 s). */
  headersTimeoutMs?: number | undefined
  /** Time to receive a whole request (default 30 s). */
  requestTimeoutMs?: number | undefined
  /** A connection with no traffic for this long is closed (default 30 s). */
  idleTimeoutMs?: number | undefined
  /** How long a keep-alive connection waits for the next request (default 5 s). */
  keepAliveTimeoutMs?: number | undefined
}

/** The soft limit on open files of this process (Linux), or undefined elsewhere. */
function descriptorLimit(): number | undefined {
  try {
    const line = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'))
    return line && line[1] !== 'unlimited' ? Number(line[1]) : undefined
  } catch {
    return undefined
  }
}

function defaultMaxConnections(): number {
  const limit = descriptorLimit()
  // Descriptors are also needed for the database, its WAL, worker threads and logs.
  return Math.max(16, Math.min(16_384, (limit ?? 1024) - 128))
}

/** Options for http.createServer (through @hono/node-server's `serverOptions`). */
export function serverOptions(limits: ConnectionLimits = {}): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs ?? 10_000,
    requestTimeout: limits.requestTimeoutMs ?? 30_000,
    keepAliveTimeout: limits.keepAliveTimeoutMs ?? 5_000,
    // How often Node checks the two timeouts above (default 30 s: far too coarse for them).
    connectionsCheckingInterval: 1_000,
  }
}

/** Applies the idle timeout and the connection cap to a listening (or about to listen) server. */
export function guardConnections(server: Server, limits: ConnectionLimits = {}): void {
  const max = limits.maxConnections ?? defaultMaxConnections()
  const idle = limits.idleTimeoutMs ?? 30_000
  /** Open sockets, oldest first, with the number of requests each has in progress. */
  const open = new Map<Socket, number>()
  server.on('connection', (socket: Socket) => {
    open.set(socket, 0)
    socket.once('close', () => open.delete(socket))
    socket.setTimeout(idle, () => socket.destroy())
    if (open.size <= max) return
    for (const [other, busy] of open) {
      if (busy === 0 && other !== socket) {
        other.destroy()
        return
      }
    }
    socket.destroy() // every other connection is being answered: this one waits its turn elsewhere
  })
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const socket = request.socket
    if (!open.has(socket)) return
    open.set(socket, open.get(socket)! + 1)
    response.once('close', () => open.has(socket) && open.set(socket, Math.max(0, open.get(socket)! - 1)))
  })
}
