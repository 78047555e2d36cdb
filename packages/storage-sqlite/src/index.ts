export { sqliteStorage, type SqliteStorageOptions } from './sqlite-storage.js'
export { migrate, migrations, type Migration } from './migrations.js'
