export type { CertificateForgery } from './certificates.js'
export { type Delivery, type DeliveryOptions, NOTIFY_RETRY_SCHEDULE_MS } from './notify.js'
export {
  createPaySimulator,
  type PayRequestRecord,
  type PaySimulator,
  type PaySimulatorOptions,
} from './simulator.js'
