import type { Address, Hex } from 'viem'
import type { ChainConfig } from '../../chain/config.ts'
import type { TabmeshPublicClient } from '../../chain/clients.ts'
import { readOwnerOf } from '../../chain/actions/read-owner-of.ts'
import { readStake } from '../../chain/actions/read-stake.ts'
import type { ProviderEntry } from '../ads/directory.ts'
import { signedBy, toHex } from '../../chain/signatures.ts'

/** Eligibility is re-checked on chain this often per operator, ms (stake and registration change). */
const ELIGIBILITY_TTL_MS = 10_000

interface Verdict {
  eligible: boolean
  at: number
  /** Why not, for displays and tests. */
  reason?: string
}

/**
 * Which providers may take a paid job: the ad's operator signed the EIP-712 PeerBinding of the ad's
 * peer id to its owner, Staking says the operator acts for that owner, and the owner's stake is at
 * least `minStake` (staking-token base units). Answers from a cache and refreshes in the background:
 * a provider is ineligible until its first check completes.
 */
export class ProviderEligibility {
  private readonly verdicts = new Map<string, Verdict>()
  private readonly checking = new Set<string>()
  private readonly chain: ChainConfig
  private readonly publicClient: TabmeshPublicClient
  private readonly minStake: bigint
  private readonly onChange: (entry: ProviderEntry, eligible: boolean) => void

  /** @param onChange called when a provider's verdict is first known or changes */
  constructor (options: { chain: ChainConfig, publicClient: TabmeshPublicClient, minStake: bigint, onChange?: (entry: ProviderEntry, eligible: boolean) => void }) {
    this.chain = options.chain
    this.publicClient = options.publicClient
    this.minStake = options.minStake
    this.onChange = options.onChange ?? (() => {})
  }

  /** The cached verdict for `entry` (false until known); starts a check when none is fresh. */
  eligible (entry: ProviderEntry): boolean {
    const key = keyOf(entry)
    const verdict = this.verdicts.get(key)
    if ((verdict === undefined || Date.now() - verdict.at > ELIGIBILITY_TTL_MS) && !this.checking.has(key)) void this.check(entry)
    return verdict?.eligible ?? false
  }

  /** Why `entry` is not eligible, if known. */
  reason (entry: ProviderEntry): string | undefined {
    return this.verdicts.get(keyOf(entry))?.reason
  }

  /** Checks `entry` now. @returns its verdict */
  async check (entry: ProviderEntry): Promise<boolean> {
    const key = keyOf(entry)
    this.checking.add(key)
    try {
      const verdict = await this.verdict(entry)
      const previous = this.verdicts.get(key)
      this.verdicts.set(key, verdict)
      if (previous?.eligible !== verdict.eligible) this.onChange(entry, verdict.eligible)
      return verdict.eligible
    } catch {
      return false
    } finally {
      this.checking.delete(key)
    }
  }

  private async verdict (entry: ProviderEntry): Promise<Verdict> {
    const { owner, operator, binding, peerId } = entry.ad
    const at = Date.now()
    if (!/^0x[0-9a-fA-F]{40}$/.test(owner) || !/^0x[0-9a-fA-F]{40}$/.test(operator) || binding.length !== 65) return { eligible: false, at, reason: 'the ad names no owner and operator' }
    if (!await signedBy(this.chain, 'PeerBinding', { peerId, owner: owner as Address }, toHex(binding) as Hex, operator as Address)) {
      return { eligible: false, at, reason: 'the operator did not sign this peer id\'s binding to the owner' }
    }
    const registered = await readOwnerOf({ chain: this.chain, publicClient: this.publicClient, operator: operator as Address })
    if (registered?.toLowerCase() !== owner.toLowerCase()) return { eligible: false, at, reason: `operator ${operator} does not act for ${owner} on chain` }
    const stake = await readStake({ chain: this.chain, publicClient: this.publicClient, owner: owner as Address })
    if (stake < this.minStake || stake === 0n) return { eligible: false, at, reason: `owner ${owner} stakes ${stake}, below ${this.minStake > 0n ? this.minStake : 1n}` }
    return { eligible: true, at }
  }
}

function keyOf (entry: ProviderEntry): string {
  return `${entry.ad.peerId}/${entry.ad.operator.toLowerCase()}/${entry.ad.owner.toLowerCase()}`
}
