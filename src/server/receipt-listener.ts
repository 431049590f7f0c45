// POST /receipts straight on node:http; every other request goes to the Hono app's listener.
//
// Receipts are the collector's whole load, and for them Hono and @hono/node-server (a Context,
// a lazy Request, prepared headers, a Response turned back into a node:http answer) took 44 µs
// per receipt in the bench's V8 profile; with this path, 2 (test/bench/README.md, "Collector").
// The route's checks and answers are the same object the Hono route uses (receipt-post.ts), so
// both answer alike and share the rate limits. Chunked bodies, whose size is only known once
// read, are left to the Hono route and its body limit.

import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import type { Answer, ReceiptPost } from './receipt-post.js'

const isReceiptsPath = (url: string | undefined): boolean => url === '/receipts' || url?.startsWith('/receipts?') === true

/** The body as declared by Content-Length; undefined when the client went away first. */
function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)))
    request.once('error', () => resolve(undefined))
  })
}

function send(response: ServerResponse, answer: Answer, cors: Record<string, string>): void {
  response.writeHead(answer.status, { ...answer.headers, ...cors }).end(answer.body)
}

async function answerPost(post: ReceiptPost, request: IncomingMessage, response: ServerResponse, clientIp: string | undefined): Promise<void> {
  const headers = request.headers
  const cors = post.corsHeaders(headers.origin)
  if (post.tooLong(headers['content-length']!)) return send(response, post.tooLarge(), cors)
  const body = await readBody(request)
  if (body === undefined) return // the client went away mid-body: no one to answer
  send(response, await post.answer(headers['content-type'], async () => body, clientIp), cors)
}

/**
 * A node:http request listener: POST /receipts with a Content-Length is answered here,
 * everything else by `fallback` (the Hono app under @hono/node-server).
 */
export function receiptsFirst(post: ReceiptPost, fallback: RequestListener, clientIp: (request: IncomingMessage) => string | undefined): RequestListener {
  return (request, response) => {
    const headers = request.headers
    if (request.method !== 'POST' || !isReceiptsPath(request.url) || headers['content-length'] === undefined || headers['transfer-encoding'] !== undefined) {
      return fallback(request, response)
    }
    // answer() turns every error into an answer; a failure to send one leaves only the socket to close.
    answerPost(post, request, response, clientIp(request)).catch(() => response.destroy())
  }
}
