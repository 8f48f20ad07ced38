// Builds the `tabmesh` package (the repository root: the CLI, the Node provider runtime and the relay)
// into dist/cli: ESM JavaScript with source maps, and the .d.ts of what cli/index.ts exports. The
// requester API is not bundled again: imports of sdk/index.ts become imports of `@tabmesh/sdk`, the
// package this one depends on. Every chunk lands in dist/cli itself (no sub-folders), so the code
// that finds its worker entry (worker-runtime/spawn-node.ts) and the package's files
// (cli/web-server.ts, mesh/provider/node-provider.ts) can say where they are relative to any chunk.
// Node refuses to strip types from .ts files under node_modules, so a package must ship JavaScript.
//   node scripts/build-cli.ts
import { rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { build } from 'rolldown'
import type { Plugin } from 'rolldown'
import { assertDependenciesDeclared, emitDeclarations, isExternal, root } from './bundle.ts'

const dist = join(root, 'dist/cli')
const SDK_ENTRY = join(root, 'sdk/index.ts')

/** `../sdk/index.ts` → the `@tabmesh/sdk` package. */
const sdkAsPackage: Plugin = {
  name: 'tabmesh-sdk-as-package',
  resolveId (source, importer) {
    if (importer !== undefined && source.startsWith('.') && resolve(dirname(importer), source) === SDK_ENTRY) return { id: '@tabmesh/sdk', external: true }
    return null
  }
}

rmSync(dist, { recursive: true, force: true })
const output = await build({
  input: {
    tabmesh: join(root, 'cli/tabmesh.ts'),
    index: join(root, 'cli/index.ts'),
    'worker-node': join(root, 'worker-runtime/worker-node.ts')
  },
  platform: 'node',
  external: isExternal,
  plugins: [sdkAsPackage],
  output: { dir: dist, format: 'esm', sourcemap: true, entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
  logLevel: 'warn'
})
assertDependenciesDeclared([output], join(root, 'package.json'))
emitDeclarations(join(root, 'cli/tsconfig.build.json'), join(root, 'dist/types'))
