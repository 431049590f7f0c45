/** A scan that cannot be done or finished (bad URL, no browser, start page unreachable): exit 2. */
export class ScanError extends Error {
  override name = 'ScanError'
}
