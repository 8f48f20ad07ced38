import { useEffect, useReducer } from 'react'

/** Re-renders when `target` fires any of `events` (default 'change'). */
export function useEvents (target: EventTarget | undefined, events: string[] = ['change']): void {
  const [, bump] = useReducer((n: number) => n + 1, 0)
  useEffect(() => {
    if (target === undefined) return
    const listener = (): void => { bump() }
    for (const e of events) target.addEventListener(e, listener)
    return () => { for (const e of events) target.removeEventListener(e, listener) }
  }, [target, events.join()])
}
