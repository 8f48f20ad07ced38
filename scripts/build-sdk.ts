// Builds @tabmesh/sdk (sdk/package.json) into sdk/dist: one ESM bundle of the SDK and the mesh code
// it uses (dependencies stay imports, installed beside it), with source maps, and the .d.ts files
// of its public types. Node refuses to strip types from .ts files under node_modules, so a package
// must ship JavaScript.
//   node scripts/build-sdk.ts
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'rolldown'

const root = fileURLToPath(new URL('..', import.meta.url))
const sdk = join(root, 'sdk')
const dist = join(sdk, 'dist')

/**
 * Packages stay imports, except @libp2p/webrtc: it is bundled, with the fix in
 * patches/@libp2p+webrtc+*.patch applied (a dial hung about 1 in 9 times until "signal timed
 * out"; not fixed upstream as of 6.0.33), and without its React Native path, whose dependency
 * (react-native-webrtc, with react-native as a peer) would add ~160 MB to every install.
 */
const isExternal = (id: string): boolean => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0') && !id.startsWith('@libp2p/webrtc')

rmSync(dist, { recursive: true, force: true })
// One bundle per platform: @libp2p/webrtc maps some files to browser twins (its "browser" field).
for (const platform of ['node', 'browser'] as const) {
  await build({
    input: join(sdk, 'index.ts'),
    platform,
    external: isExternal,
    output: { dir: join(dist, platform), format: 'esm', sourcemap: true, entryFileNames: 'index.js', chunkFileNames: 'chunks/[name]-[hash].js' },
    logLevel: 'warn'
  })
}

// Declarations of every file the public types reach, laid out as in the repository (dist/types/sdk,
// dist/types/mesh, …); relative imports written `.ts` in the sources point at the `.js` twins.
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(sdk, 'tsconfig.build.json')], { stdio: 'inherit' })
// Generated JavaScript (protobuf codecs) has a hand-kept .d.ts beside it, which tsc does not emit: copy it.
for (const file of walk(join(dist, 'types'))) {
  if (!file.endsWith('.d.ts')) continue
  for (const m of readFileSync(file, 'utf8').matchAll(/from\s+['"](\.{1,2}\/[^'"]+)\.js['"]/g)) {
    const target = join(file, '..', `${m[1]!}.d.ts`)
    const source = join(root, target.slice(join(dist, 'types').length + 1))
    if (!existsSync(target) && existsSync(source)) copyFileSync(source, target)
  }
}
for (const file of walk(join(dist, 'types'))) {
  if (!file.endsWith('.d.ts')) continue
  const text = readFileSync(file, 'utf8')
  const fixed = text.replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+?)\.ts\2/g, '$1$2$3.js$2')
  if (fixed !== text) writeFileSync(file, fixed)
}

function * walk (dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) yield * walk(path)
    else yield path
  }
}
