// Errors the HTTP layer turns into `{error, detail}` with a 4xx (or 5xx) status.

export class HttpError extends Error {
  readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 503
  readonly code: string
  /** Seconds, sent as Retry-After (429, 503). */
  readonly retryAfter: number | undefined
  constructor(status: HttpError['status'], code: string, detail: string, retryAfter?: number) {
    super(detail)
    this.name = 'HttpError'
    this.status = status
    this.code = code
    this.retryAfter = retryAfter
  }
}
