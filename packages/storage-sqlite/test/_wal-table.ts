import { statSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'

/**
 * A WAL database file in `dir` with one table, a write of `rows` rows in one commit (about 500
 * bytes each), and the database file's size (what a checkpoint grows).
 */
export function openWalTable(dir: string, name: string) {
  const file = join(dir, name)
  const raw = new Database(file)
  raw.pragma('journal_mode = WAL')
  raw.exec('CREATE TABLE t (x TEXT NOT NULL)')
  const insert = raw.prepare('INSERT INTO t (x) VALUES (hex(randomblob(250)))')
  const write = (rows: number) =>
    raw.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run()
    })()
  return { raw, file, write, size: () => statSync(file).size }
}
