import { TypedEventEmitter } from 'main-event'
import type { EventHandler } from 'main-event'

/**
 * A TypedEventEmitter that re-dispatches events of an inner emitter (a job's scheduler, a scheduler's
 * task book) only once something listens for them here: until then it does not even listen to the
 * inner emitter, which can then skip building the event (`listenerCount` is 0). A task that nobody
 * watches costs no events: each re-dispatch is a CustomEvent through Node's EventTarget, ~3–5 µs,
 * and a task went through about 18 of them before (bench/suites/dispatch.ts measures the task path).
 */
export class RelayingEmitter<EventMap extends Record<string, any>> extends TypedEventEmitter<EventMap> {
  /** Types whose relay waits for a first listener here: attaching it starts the relay. */
  private readonly pendingRelays = new Map<keyof EventMap, () => void>()

  /**
   * Relays `type` from `source` here: at once if something listens here already, else at the first
   * listener. `detail` maps the inner event to the detail dispatched here (default: the same detail).
   */
  protected relay<K extends keyof EventMap & string> (source: EventTarget, type: K, detail?: (event: CustomEvent) => unknown): void {
    const attach = (): void => {
      source.addEventListener(type, (event) => {
        if (this.listenerCount(type) === 0) return
        const e = event as CustomEvent
        this.safeDispatchEvent(type, { detail: detail !== undefined ? detail(e) : e.detail })
      })
    }
    if (this.listenerCount(type) > 0) attach()
    else this.pendingRelays.set(type, attach)
  }

  override addEventListener<K extends keyof EventMap> (type: K, listener: EventHandler<EventMap[K]> | null, options?: boolean | AddEventListenerOptions): void {
    super.addEventListener(type, listener, options)
    const attach = this.pendingRelays.get(type)
    if (attach !== undefined) { this.pendingRelays.delete(type); attach() }
  }
}
