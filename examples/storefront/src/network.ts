import type { Server } from 'node:http'
import { networkInterfaces } from 'node:os'

/** Hosts that mean "every interface": the shop is then reachable from other machines. */
const WILDCARD = new Set(['0.0.0.0', '::', '[::]'])

/** Whether `host` listens on the network rather than on loopback only. */
export function listensOnNetwork(host: string): boolean {
  return WILDCARD.has(host) || !/^(127\.|localhost$|::1$|\[::1\]$)/.test(host)
}

/**
 * This machine's first non-internal IPv4 address (what a phone on the same Wi-Fi reaches), or null.
 *
 * @example
 * ```ts
 * lanAddress() // '192.168.1.23'
 * ```
 */
export function lanAddress(interfaces = networkInterfaces()): string | null {
  for (const list of Object.values(interfaces)) {
    for (const i of list ?? []) if (i.family === 'IPv4' && !i.internal) return i.address
  }
  return null
}

/**
 * The origin links, QR codes and posters carry: `publicUrl` when given; else the LAN address when
 * listening on every interface (so a phone can open it); else the host the shop listens on.
 */
export function publicOrigin(input: { host: string; port: number; publicUrl?: string | undefined }): string {
  if (input.publicUrl) return new URL(input.publicUrl).origin
  const host = WILDCARD.has(input.host) ? (lanAddress() ?? '127.0.0.1') : input.host
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${input.port}`
}

/** A port another process holds, said plainly instead of an EADDRINUSE stack. */
export class PortInUseError extends Error {
  override name = 'PortInUseError'
  readonly code = 'port_in_use'
  constructor(
    readonly port: number,
    readonly host: string,
  ) {
    super(
      `[storefront] Port ${port} on ${host} is already in use (is another \`pnpm demo\` still running?). ` +
        `Stop it, or pick another port: PORT=${port + 1} pnpm demo`,
    )
  }
}

/** Waits for `server` to listen; a busy port becomes a {@link PortInUseError}. */
export function listening(server: Server, input: { port: number; host: string }): Promise<Server> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(input.port, input.host) : error)
    server.once('error', failed)
    server.once('listening', () => {
      server.off('error', failed)
      resolve(server)
    })
  })
}
