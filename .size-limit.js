// Size budgets, checked by size-limit in `npm test` (packaging/sdk-consumer.test.ts builds
// examples/browser against the installed @tabmesh/sdk and names, in TABMESH_FREE_PAGE_FILES, the
// chunks its page loads before its first call: the entry and its static imports, not the paid-job
// code that loads on demand).
export default [
  {
    name: 'a browser app that submits a free job (what loads before the first call)',
    path: JSON.parse(process.env.TABMESH_FREE_PAGE_FILES ?? '[]'),
    limit: '250 KiB',
    gzip: true
  }
]
