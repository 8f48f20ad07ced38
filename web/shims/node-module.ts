// binaryen's Emscripten loader imports `node:module` only on its Node branch (`process.versions.node`),
// which never runs in a browser. This stands in for it in the web build, so Vite has nothing to
// externalize (and nothing to warn about).
export function createRequire (): never {
  throw new Error('node:module is not available in the browser')
}
