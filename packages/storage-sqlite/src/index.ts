export { type Migration, migrate, migrations } from './migrations.js'
export { type SqliteStorageOptions, sqliteStorage } from './sqlite-storage.js'
