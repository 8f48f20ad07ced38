#!/usr/bin/env node
// forge's compiler: a wrapper over solc-js (npm `solc`), because forge cannot download solc here.
// Answers `--version` (forge parses "Version: 0.8.x+commit…") and `--standard-json` (input on stdin).
const solc = require('solc')
const fs = require('node:fs')
const path = require('node:path')
/** Files forge did not inline: resolve them from the working directory, then from this folder. */
function findImports (file) {
  for (const base of [process.cwd(), __dirname]) {
    const full = path.resolve(base, file)
    if (fs.existsSync(full)) return { contents: fs.readFileSync(full, 'utf8') }
  }
  return { error: `not found: ${file}` }
}
const args = process.argv.slice(2)
if (args.includes('--version')) {
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`, () => process.exit(0))
} else if (args.includes('--standard-json')) {
  const chunks = []
  process.stdin.on('data', c => chunks.push(c))
  process.stdin.on('end', () => {
    const out = solc.compile(Buffer.concat(chunks).toString('utf8'), { import: findImports })
    // Flush before exiting: without the callback output is cut at 64 KiB.
    process.stdout.write(out, () => process.exit(0))
  })
} else {
  process.stderr.write(`solc.cjs: unsupported arguments ${args.join(' ')}\n`)
  process.exit(2)
}
