// `--ice-server URL`: STUN and TURN servers for WebRTC (RFC 7064/7065 URIs), with a TURN server's
// long-term credential written into the URL the way people pass it on a command line.
import { CliError } from './cli-error.ts'

/**
 * Parses repeated `--ice-server` options:
 * - `stun:HOST[:PORT]`
 * - `turn:USER:PASSWORD@HOST[:PORT][?transport=udp|tcp]` (also `turns:` for TURN over TLS)
 * into RTCIceServer entries (the credential moved out of the URL into `username`/`credential`).
 * @throws CliError USAGE naming the option: another scheme, TURN without a credential, a bad host or port
 * @example parseIceServers(['stun:stun.example.org', 'turn:me:secret@turn.example.org:3478?transport=udp'])
 * // [{ urls: 'stun:stun.example.org' }, { urls: 'turn:turn.example.org:3478?transport=udp', username: 'me', credential: 'secret' }]
 */
export function parseIceServers (raw: string[] | undefined): RTCIceServer[] {
  return (raw ?? []).map(option => {
    const m = /^(stun|turns?):(?:([^:@/]+):([^@/]*)@)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?(\?transport=(?:udp|tcp))?$/.exec(option)
    if (m === null) throw new CliError('USAGE', `--ice-server ${option}: expected stun:HOST[:PORT] or turn:USER:PASSWORD@HOST[:PORT][?transport=udp|tcp]`)
    const [, scheme, user, password, host, port, transport] = m as unknown as [string, string, string | undefined, string | undefined, string, string | undefined, string | undefined]
    if (port !== undefined && (Number(port) < 1 || Number(port) > 65_535)) throw new CliError('USAGE', `--ice-server ${option}: port ${port} is not 1–65535`)
    const urls = `${scheme}:${host}${port !== undefined ? `:${port}` : ''}${transport ?? ''}`
    if (scheme === 'stun') {
      if (user !== undefined) throw new CliError('USAGE', `--ice-server ${option}: a STUN server takes no credential`)
      return { urls }
    }
    if (user === undefined) throw new CliError('USAGE', `--ice-server ${option}: a TURN server needs USER:PASSWORD@ before its host`)
    return { urls, username: user, credential: password ?? '' }
  })
}
