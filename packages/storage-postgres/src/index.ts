export type { Migration } from './migrations/index.js'
export { migrations } from './migrations/index.js'
export type { PostgresConnection, PostgresStorage, PostgresStorageOptions } from './postgres-storage.js'
export { postgresStorage } from './postgres-storage.js'
