// The `consentry` bin (dist/consentry-cli.mjs).
import { exitQuietlyOnClosedPipe } from './closed-pipe.js'
import { run } from './main.js'

exitQuietlyOnClosedPipe()

run(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    process.stderr.write(`consentry: ${error.stack ?? error.message}\n`)
    process.exitCode = 2
  },
)
