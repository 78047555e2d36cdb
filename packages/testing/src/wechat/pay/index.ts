export { createPaySimulator, type PaySimulator, type PaySimulatorOptions, type PayRequestRecord } from './simulator.js'
export { NOTIFY_RETRY_SCHEDULE_MS, type Delivery, type DeliveryOptions } from './notify.js'
