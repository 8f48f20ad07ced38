// Count primes on a Tabmesh mesh from Node (≥ 22): one function call, then a job of two tasks.
//   npm i @tabmesh/sdk
//   node index.js <relay multiaddr> <path to a WASI module, e.g. jobs/primes/build/primes.wasm>
// `npm start` in the Tabmesh repository prints a local relay's multiaddr.
import { readFileSync } from 'node:fs'
import { createClient } from '@tabmesh/sdk'

const [bootstrap, modulePath] = process.argv.slice(2)
if (bootstrap === undefined || modulePath === undefined) {
  console.error('usage: node index.js <relay multiaddr> <module.wasm>')
  process.exit(2)
}
const client = await createClient({ bootstrap: [bootstrap] })
try {
  await client.waitForProviders(1, { signal: AbortSignal.timeout(30_000) })
  const module = readFileSync(modulePath)

  // A function call: one task, sent where the module is already compiled.
  const out = await client.call({ module, input: '0 100' })
  console.log('call', new TextDecoder().decode(out).trim())

  // A job: one task per input, results as they are accepted.
  const job = client.submit({ module, inputs: ['0 100', '100 1000'], redundancy: 1 })
  for await (const r of job.results()) console.log('task', r.index, r.ok ? new TextDecoder().decode(r.output).trim() : r.error.code)
} finally {
  await client.stop()
}
