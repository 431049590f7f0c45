// `consentry … | head` closes the pipe before the command is done. Node then reports EPIPE as
// an unhandled 'error' event with a stack trace. The reader has all it asked for, so the
// command stops quietly with status 0 (a `set -o pipefail` script must not fail because
// `head` had enough).

export function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0)
    throw error
  })
}
