// `npm run build`: every entry of rollup.config.mjs into a clean dist/, as `rollup -c` would, but
// in two lanes at once: the three script-tag builds one after the other (eager-first-view.mjs
// runs each bundle under V8 coverage in this process, one at a time), and every other entry
// beside them. On the 2-core CI machine the TypeScript and terser work of one lane fills the
// other's waits: 90 → 70 s for the same files (size-limit byte for byte).
import { rmSync } from 'node:fs'
import { rollup } from 'rollup'
import configs from '../rollup.config.mjs'

rmSync('dist', { recursive: true, force: true })

const outputs = (config) => (Array.isArray(config.output) ? config.output : [config.output])

async function build(config) {
  const bundle = await rollup(config)
  try {
    for (const output of outputs(config)) await bundle.write(output)
  } finally {
    await bundle.close()
  }
}

const eager = (config) => outputs(config).some((output) => output.plugins?.some((plugin) => plugin?.name === 'eager-first-view'))
const lane = async (list) => {
  for (const config of list) await build(config)
}

const started = Date.now()
await Promise.all([lane(configs.filter(eager)), lane(configs.filter((config) => !eager(config)))])
console.log(`dist/ built in ${((Date.now() - started) / 1000).toFixed(1)} s`)
