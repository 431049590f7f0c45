/** Retry delays: 2 s, 4 s, 8 s … capped at 10 minutes, each with ±50 % jitter so tabs and visitors spread out. */
export function backoff(attempt: number, random: number = Math.random()): number {
  const base = Math.min(2000 * 2 ** Math.max(0, attempt - 1), 600_000)
  return Math.round(base * (0.5 + random))
}

/** Statuses worth retrying: no answer, timeouts, rate limits, server trouble. */
export const retryable = (status: number): boolean => status === 0 || status === 408 || status === 425 || status === 429 || status >= 500
