import type { TabmeshClient } from '../../sdk/index.ts'
import type { ReputationBook } from '../../mesh/requester/reputation.ts'
import type { TabProvider } from '../provider/tab-provider.ts'
import type { WalletController } from '../wallet/controller.ts'

/** Everything the pages share: this tab's provider, its wallet, and a requester client on the same node. */
export interface MeshApp {
  provider: TabProvider
  wallet: WalletController | undefined
  /** An SDK client for the active wallet (recreated when the wallet changes). */
  client: () => Promise<TabmeshClient>
  /** What this tab's jobs learnt of providers (adaptive replication), kept across wallet changes. */
  reputation: ReputationBook
}
