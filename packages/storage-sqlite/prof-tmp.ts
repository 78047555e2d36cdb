import Database from 'better-sqlite3'
const db = new Database('/tmp/keep.db')
const f = `(metric = 'shares' OR metric = 'visits' OR metric = 'orders' OR substr(metric, 1, 8) = 'revenue:' OR substr(metric,1,8) = 'rewards:')`
const run = (name: string, sql: string) => {
  const st = db.prepare(sql); st.all()
  const t0 = performance.now(); let n = 0; for (let i = 0; i < 10; i++) n = st.all().length
  console.log(name, n, ((performance.now() - t0) / 10).toFixed(2), 'ms')
}
run('30d all metrics', `SELECT metric, key, SUM(value) AS value FROM rollup_counts WHERE dim = 'sharer' AND day BETWEEN '2026-05-31' AND '2026-06-29' AND ${f} GROUP BY metric, key`)
run('30d count rows', `SELECT COUNT(*) FROM rollup_counts WHERE dim = 'sharer' AND day BETWEEN '2026-05-31' AND '2026-06-29'`)
run('30d visits', `SELECT metric, key, SUM(value) AS value FROM rollup_counts WHERE dim = 'sharer' AND day BETWEEN '2026-05-31' AND '2026-06-29' AND metric = 'visits' GROUP BY metric, key`)
run('totals sharer', `SELECT metric, key, value FROM rollup_totals WHERE dim = 'sharer' AND ${f}`)
run('people 30d', `SELECT step, key, SUM(people) FROM rollup_reach WHERE step = 'friend_bought' AND day BETWEEN '2026-05-31' AND '2026-06-29' AND key <> '' AND prev < '2026-05-31' GROUP BY step, key`)
console.log(db.prepare(`SELECT metric, COUNT(*) n FROM rollup_counts WHERE dim='sharer' AND day BETWEEN '2026-05-31' AND '2026-06-29' GROUP BY metric`).all())
