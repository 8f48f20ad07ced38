#!/usr/bin/env node
// The `tabmesh` command (package.json "bin"). Plain JavaScript that every Node version parses, so an
// old Node gets one clear line instead of a crash inside libp2p (which needs Node 22:
// Promise.withResolvers, a global WebSocket). In this repository it runs the TypeScript sources
// (cli/tabmesh.ts, which Node >= 22.18 runs as they are); the published package has no sources and
// runs the bundle scripts/build-cli.ts writes to dist/cli/.
import { existsSync } from 'node:fs'

const MIN_NODE = [22, 12]
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1])) {
  process.stderr.write(`tabmesh needs Node.js ${MIN_NODE.join('.')} or newer, and this is Node.js ${process.versions.node}: install Node.js 22 (the current LTS line) or newer and run it again\n`)
  process.exit(2)
}
const source = new URL('./tabmesh.ts', import.meta.url)
if (existsSync(source) && (major === 22 && minor < 18)) {
  process.stderr.write(`tabmesh from its sources needs Node.js 22.18 or newer (it runs TypeScript as it is), and this is Node.js ${process.versions.node}: run it through npm (npm start, npx tabmesh), which uses the Node 22 in node_modules\n`)
  process.exit(2)
}
await import(existsSync(source) ? source.href : new URL('../dist/cli/tabmesh.js', import.meta.url).href)
