export { sqliteStorage, type SqliteStorageOptions } from './sqlite-storage.js'
export { migrations, type Migration } from './migrations.js'
