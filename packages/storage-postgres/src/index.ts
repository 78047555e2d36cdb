export { postgresStorage } from './postgres-storage.js'
export type { PostgresConnection, PostgresStorage, PostgresStorageOptions } from './postgres-storage.js'
export { migrations } from './migrations/index.js'
export type { Migration } from './migrations/index.js'
