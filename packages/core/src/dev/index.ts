/**
 * `@loopkit/core/dev`: the adapters for development, tests and demos — memory storage, the
 * sandbox payment provider and login (with their pages), console messages — and
 * {@link devDefaults}, all four at once. Nothing here is imported by `createLoop`, so a production
 * bundle never carries them.
 *
 * @module
 */
export { type ConsoleMessagingOptions, consoleMessaging } from '../adapters/console-messaging.js'
export { type MemoryStorageOptions, memoryStorage } from '../adapters/memory-storage/index.js'
export {
  type SandboxIdentity,
  type SandboxIdentityOptions,
  sandboxIdentity,
} from '../adapters/sandbox-identity.js'
export {
  SANDBOX_SIGNATURE_HEADER,
  type SandboxOperation,
  type SandboxPayments,
  type SandboxPaymentsOptions,
  sandboxPayments,
} from '../adapters/sandbox-payments.js'
export { type DevDefaults, type DevDefaultsOptions, devDefaults } from './defaults.js'
