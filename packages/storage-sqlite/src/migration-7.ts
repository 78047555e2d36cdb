import type { Migration } from './migrations.js'

/** Issue #10: the notification policy's decisions on outbox rows, the send ledger, and campaigns. */
export const notificationPolicyMigration: Migration = {
  version: 7,
  name: 'notification policy and campaigns: decisions on outbox rows, send ledger, campaigns',
  // Issue #10. send_ledger holds one row per logical message a frequency cap counted; a cap
  // check counts a customer's rows of one class inside the window from the index alone.
  sql: `
    ALTER TABLE notifications ADD COLUMN decision TEXT;
    CREATE TABLE send_ledger (
      key TEXT PRIMARY KEY,
      customer_id TEXT NOT NULL,
      class TEXT NOT NULL,
      at INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX send_ledger_window ON send_ledger (customer_id, class, at);
    -- Campaigns: status and fan-out cursor as columns (compare-and-set), the rest as JSON.
    CREATE TABLE campaigns (
      id TEXT PRIMARY KEY,
      status TEXT NOT NULL,
      cursor TEXT,
      data TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;
  `,
}
