// Work a click sets off that the visitor does not see waits until the frame they do see is
// painted: the Accept click's INP counts from the input to that paint, whatever runs in the
// tasks before it (test/bench/README.md, "Figures behind design choices").

/**
 * Runs `fn` once, after the next frame: a task queued from a requestAnimationFrame callback runs
 * after that frame is painted. A hidden page paints no frames, so a timer stands in.
 */
export const afterPaint = (fn: () => void): void => {
  let pending = true
  const run = () => {
    if (pending) fn()
    pending = false
  }
  requestAnimationFrame(() => setTimeout(run))
  setTimeout(run, 200)
}
