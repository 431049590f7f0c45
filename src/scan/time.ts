// Time limits. A page may never finish loading, keep its network busy, or spin its main
// thread, so every wait of a scan has a bound; none of them is a fixed pause.

/** `promise`, or `fallback` once `ms` have passed (the promise's later failure is ignored). */
export function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), Math.max(0, ms))))
  return Promise.race([promise.catch(() => fallback), late]).finally(() => clearTimeout(timer))
}

/** A point in time to work towards: what is left of it, and whether it has passed. */
export class Deadline {
  private constructor(readonly at: number) {}
  /** `ms` from now. */
  static in(ms: number): Deadline {
    return new Deadline(Date.now() + ms)
  }
  left(): number {
    return Math.max(0, this.at - Date.now())
  }
  passed(): boolean {
    return Date.now() >= this.at
  }
  /** The sooner of this deadline and `ms` from now. */
  within(ms: number): Deadline {
    return new Deadline(Math.min(this.at, Date.now() + ms))
  }
}
