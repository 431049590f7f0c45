// Errors the HTTP layer turns into `{error, detail}` with a 4xx (or 5xx) status.

export class HttpError extends Error {
  readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 503
  readonly code: string
  constructor(status: HttpError['status'], code: string, detail: string) {
    super(detail)
    this.name = 'HttpError'
    this.status = status
    this.code = code
  }
}
