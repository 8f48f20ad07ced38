// What the `tabmesh` package exports besides its command: a Node provider and a relay to start from
// code (the requester API is the `@tabmesh/sdk` package). Bundled by scripts/build-cli.ts.
export { startNodeProvider, bundledPrimesPath } from '../mesh/provider/node-provider.ts'
export type { StartNodeProviderParameters, NodeProviderHandle } from '../mesh/provider/node-provider.ts'
export { startRelay } from '../relay/start-relay.ts'
export type { StartRelayParameters, RelayHandle } from '../relay/start-relay.ts'
export { TabmeshError } from '../errors/base.ts'
