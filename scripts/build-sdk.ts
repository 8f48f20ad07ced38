// Builds @tabmesh/sdk (sdk/package.json) into sdk/dist: one ESM bundle of the SDK and the mesh code
// it uses (dependencies stay imports, installed beside it), with source maps, and the .d.ts files
// of its public types. Node refuses to strip types from .ts files under node_modules, so a package
// must ship JavaScript.
//   node scripts/build-sdk.ts
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'rolldown'
import { assertDependenciesDeclared, emitDeclarations, isExternal, root } from './bundle.ts'

const sdk = join(root, 'sdk')
const dist = join(sdk, 'dist')

rmSync(dist, { recursive: true, force: true })
const outputs = []
// One bundle per platform: @libp2p/webrtc maps some files to browser twins (its "browser" field).
for (const platform of ['node', 'browser'] as const) {
  outputs.push(await build({
    input: join(sdk, 'index.ts'),
    platform,
    external: isExternal,
    output: { dir: join(dist, platform), format: 'esm', sourcemap: true, entryFileNames: 'index.js', chunkFileNames: 'chunks/[name]-[hash].js' },
    logLevel: 'warn'
  }))
}
assertDependenciesDeclared(outputs, join(sdk, 'package.json'))
emitDeclarations(join(sdk, 'tsconfig.build.json'), join(dist, 'types'))
