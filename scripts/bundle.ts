// What scripts/build-sdk.ts and scripts/build-cli.ts share: which imports stay imports in a published
// bundle, the .d.ts emit, and the check that a package.json declares every package its bundle imports.
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = fileURLToPath(new URL('..', import.meta.url))

/**
 * Packages stay imports, except @libp2p/webrtc: it is bundled, with the fix in
 * patches/@libp2p+webrtc+*.patch applied (a dial hung about 1 in 9 times until "signal timed
 * out"; not fixed upstream as of 6.0.33), and without its React Native path, whose dependency
 * (react-native-webrtc, with react-native as a peer) would add ~160 MB to every install.
 */
export const isExternal = (id: string): boolean => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0') && !id.startsWith('@libp2p/webrtc')

/**
 * Declarations of every file the public types reach, laid out as in the repository under `typesDir`
 * (…/sdk, …/mesh, …); relative imports written `.ts` in the sources point at the `.js` twins.
 */
export function emitDeclarations (tsconfig: string, typesDir: string): void {
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], { stdio: 'inherit' })
  // Generated JavaScript (protobuf codecs) has a hand-kept .d.ts beside it, which tsc does not emit: copy it.
  for (const file of walk(typesDir)) {
    if (!file.endsWith('.d.ts')) continue
    for (const m of readFileSync(file, 'utf8').matchAll(/from\s+['"](\.{1,2}\/[^'"]+)\.js['"]/g)) {
      const target = join(file, '..', `${m[1]!}.d.ts`)
      const source = join(root, target.slice(typesDir.length + 1))
      if (!existsSync(target) && existsSync(source)) copyFileSync(source, target)
    }
  }
  for (const file of walk(typesDir)) {
    if (!file.endsWith('.d.ts')) continue
    const text = readFileSync(file, 'utf8')
    const fixed = text.replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+?)\.ts\2/g, '$1$2$3.js$2')
    if (fixed !== text) writeFileSync(file, fixed)
  }
}

/** The output of a rolldown build, as far as the dependency check reads it. */
interface BuiltChunk { type: string, fileName: string, imports?: string[], dynamicImports?: string[] }

/** The packages a bundle imports (rolldown's own list of each chunk's imports), by package name; Node's built-ins left out. */
export function importedPackages (outputs: Array<{ output: BuiltChunk[] }>): Set<string> {
  const names = new Set<string>()
  for (const { output } of outputs) {
    const own = new Set(output.map(c => c.fileName))
    for (const chunk of output) {
      if (chunk.type !== 'chunk') continue
      for (const spec of [...(chunk.imports ?? []), ...(chunk.dynamicImports ?? [])]) {
        if (own.has(spec) || spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]!)) continue
        names.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!)
      }
    }
  }
  return names
}

/** Fails the build when a bundle imports a package that `packageJson` does not depend on. */
export function assertDependenciesDeclared (outputs: Array<{ output: BuiltChunk[] }>, packageJson: string): void {
  const manifest = JSON.parse(readFileSync(packageJson, 'utf8')) as { name: string, dependencies?: Record<string, string>, optionalDependencies?: Record<string, string> }
  const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.optionalDependencies ?? {})])
  const missing = [...importedPackages(outputs)].filter(name => !declared.has(name)).sort()
  if (missing.length > 0) throw new Error(`${manifest.name}: its bundle imports ${missing.join(', ')}, which ${packageJson} does not list in dependencies`)
}

export function * walk (dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) yield * walk(path)
    else yield path
  }
}
