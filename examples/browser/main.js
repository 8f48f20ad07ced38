// A page that runs one function call on a Tabmesh mesh (build it with Vite: `npx vite build`).
import { createClient } from '@tabmesh/sdk'

const out = document.getElementById('out')
const bootstrap = new URLSearchParams(location.search).get('bootstrap')
const client = await createClient({ bootstrap: [bootstrap] })
await client.waitForProviders(1)
const module = new Uint8Array(await (await fetch('/primes.wasm')).arrayBuffer())
const result = await client.call({ module, input: '0 100' })
out.textContent = 'call ' + new TextDecoder().decode(result).trim()
