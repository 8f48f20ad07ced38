import { markdownTable } from './lib/results.ts'
const suite = (await import(`./suites/${process.argv[2]}.ts`))
console.log(markdownTable(await (Object.values(suite)[0] as any).run()))
process.exit(0)
