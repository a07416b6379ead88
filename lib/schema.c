/*
 * schema.c - the store's schema, as forward migrations.
 *
 * Migration i takes a store from user_version i to i + 1; store.c runs the missing ones in one
 * transaction. A migration, once released, never changes: a new need is a new migration.
 *
 * Conventions of the tables:
 * - money columns are INTEGER counts of 1/10,000ths (spm_money); rate columns (shares, probabilities,
 *   exchange rates) are INTEGER counts of 1/10^10ths (spm_rate); dates are ISO 8601 TEXT; periods are
 *   stored by name with their first and last day, fixed when the row was written.
 * - every imported record carries `attrs` (a JSON object of the source columns spm does not know,
 *   or NULL), and `import_id` and `line`: the import and the source line its values last came from.
 * - references are foreign keys, DEFERRABLE INITIALLY DEFERRED so that a file may name a manager or a
 *   parent before defining it; the importer checks them row by row first, for messages with lines.
 * - STRICT tables (SQLite-only, marked: a server backend declares the same types without it).
 * - CHECKs on enumerated words are chains of OR, not IN lists: SQLite builds a temporary index for
 *   an IN list on every row it checks, which made a large import twice as slow.
 */
#include "schema.h"

/* A migration reads best as one text; every compiler spm supports takes strings this long. */
#pragma GCC diagnostic ignored "-Woverlength-strings"

static const char migration_1[] =
	"CREATE TABLE settings (\n"
	"  key TEXT PRIMARY KEY,\n"
	"  value TEXT NOT NULL\n"
	") STRICT;\n"
	"INSERT INTO settings(key, value) VALUES\n"
	"  ('base_currency', 'USD'),\n"
	"  ('fiscal_year_start', '1'),\n"
	"  ('fiscal_year_named_by', 'end');\n"

	"CREATE TABLE imports (\n"
	"  import_id INTEGER PRIMARY KEY,\n"
	"  kind TEXT NOT NULL,\n"
	"  source TEXT NOT NULL,\n"
	"  sha256 TEXT,\n"
	"  format TEXT NOT NULL,\n"
	"  started_at TEXT NOT NULL,\n"
	"  finished_at TEXT,\n"
	"  rows_read INTEGER NOT NULL DEFAULT 0,\n"
	"  rows_new INTEGER NOT NULL DEFAULT 0,\n"
	"  rows_updated INTEGER NOT NULL DEFAULT 0,\n"
	"  rows_unchanged INTEGER NOT NULL DEFAULT 0,\n"
	"  rows_rejected INTEGER NOT NULL DEFAULT 0,\n"
	"  attributes TEXT\n"
	") STRICT;\n"

	"CREATE TABLE territories (\n"
	"  territory_id TEXT PRIMARY KEY,\n"
	"  name TEXT,\n"
	"  parent_id TEXT REFERENCES territories(territory_id) DEFERRABLE INITIALLY DEFERRED,\n"
	"  attrs TEXT,\n"
	"  import_id INTEGER REFERENCES imports(import_id),\n"
	"  line INTEGER\n"
	") STRICT;\n"

	"CREATE TABLE reps (\n"
	"  rep_id TEXT PRIMARY KEY,\n"
	"  name TEXT,\n"
	"  email TEXT,\n"
	"  manager_id TEXT REFERENCES reps(rep_id) DEFERRABLE INITIALLY DEFERRED,\n"
	"  team TEXT,\n"
	"  territory TEXT REFERENCES territories(territory_id) DEFERRABLE INITIALLY DEFERRED,\n"
	"  role TEXT,\n"
	"  hire_date TEXT,\n"
	"  end_date TEXT,\n"
	"  currency TEXT,\n"
	"  attrs TEXT,\n"
	"  import_id INTEGER REFERENCES imports(import_id),\n"
	"  line INTEGER\n"
	") STRICT;\n"
	"CREATE INDEX reps_manager ON reps(manager_id);\n"
	"CREATE INDEX reps_team ON reps(team);\n"

	"CREATE TABLE stages (\n"
	"  stage TEXT PRIMARY KEY,\n"
	"  status TEXT NOT NULL CHECK (status = 'open' OR status = 'won' OR status = 'lost'),\n"
	"  probability INTEGER,\n"
	"  forecast_category TEXT CHECK (\n"
	"    forecast_category = 'pipeline' OR\n"
	"    forecast_category = 'best_case' OR\n"
	"    forecast_category = 'commit' OR forecast_category = 'closed' OR\n"
	"    forecast_category = 'omitted'),\n"
	"  attrs TEXT,\n"
	"  import_id INTEGER REFERENCES imports(import_id),\n"
	"  line INTEGER\n"
	") STRICT;\n"

	"CREATE TABLE accounts (\n"
	"  account_id TEXT PRIMARY KEY,\n"
	"  name TEXT,\n"
	"  parent_id TEXT REFERENCES accounts(account_id) DEFERRABLE INITIALLY DEFERRED,\n"
	"  attrs TEXT,\n"
	"  import_id INTEGER REFERENCES imports(import_id),\n"
	"  line INTEGER\n"
	") STRICT;\n"

	"CREATE TABLE products (\n"
	"  product_id TEXT PRIMARY KEY,\n"
	"  name TEXT,\n"
	"  family TEXT,\n"
	"  price INTEGER,\n"
	"  attrs TEXT,\n"
	"  import_id INTEGER REFERENCES imports(import_id),\n"
	"  line INTEGER\n"
	") STRICT;\n"

	"CREATE TABLE deals (\n"
	"  deal_id TEXT PRIMARY KEY,\n"
	"  rep_id TEXT REFERENCES reps(rep_id) DEFERRABLE INITIALLY DEFERRED,\n"
	"  territory TEXT REFERENCES territories(territory_id) DEFERRABLE INITIALLY DEFERRED,\n"
	"  account TEXT,\n"
	"  product TEXT,\n"
	"  amount INTEGER,\n"
	"  currency TEXT,\n"
	"  close_date TEXT,\n"
	"  created_date TEXT,\n"
	"  stage TEXT,\n"
	"  status TEXT NOT NULL CHECK (status = 'open' OR status = 'won' OR status = 'lost'),\n"
	"  type TEXT,\n"
	"  probability INTEGER,\n"
	"  forecast_category TEXT CHECK (\n"
	"    forecast_category = 'pipeline' OR\n"
	"    forecast_category = 'best_case' OR\n"
	"    forecast_category = 'commit' OR forecast_category = 'closed' OR\n"
	"    forecast_category = 'omitted'),\n"
	"  attrs TEXT,\n"
	"  import_id INTEGER REFERENCES imports(import_id),\n"
	"  line INTEGER\n"
	") STRICT;\n"

	"CREATE TABLE credits (\n"
	"  deal_id TEXT NOT NULL REFERENCES deals(deal_id) DEFERRABLE INITIALLY DEFERRED,\n"
	"  rep_id TEXT NOT NULL REFERENCES reps(rep_id) DEFERRABLE INITIALLY DEFERRED,\n"
	"  kind TEXT NOT NULL CHECK (kind = 'revenue' OR kind = 'overlay'),\n"
	"  share INTEGER NOT NULL CHECK (share >= 0),\n"
	"  attrs TEXT,\n"
	"  import_id INTEGER REFERENCES imports(import_id),\n"
	"  line INTEGER,\n"
	"  PRIMARY KEY (deal_id, rep_id, kind)\n"
	") STRICT;\n"
	"CREATE INDEX credits_rep ON credits(rep_id);\n"

	"CREATE TABLE quotas (\n"
	"  scope TEXT NOT NULL CHECK (scope = 'rep' OR scope = 'team' OR scope = 'territory'),\n"
	"  scope_id TEXT NOT NULL,\n"
	"  period TEXT NOT NULL,\n"
	"  period_first TEXT NOT NULL,\n"
	"  period_last TEXT NOT NULL,\n"
	"  metric TEXT NOT NULL,\n"
	"  amount INTEGER NOT NULL CHECK (amount >= 0),\n"
	"  attrs TEXT,\n"
	"  import_id INTEGER REFERENCES imports(import_id),\n"
	"  line INTEGER,\n"
	"  PRIMARY KEY (scope, scope_id, period, metric)\n"
	") STRICT;\n"

	"CREATE TABLE activities (\n"
	"  activity_id TEXT PRIMARY KEY,\n"
	"  rep_id TEXT NOT NULL REFERENCES reps(rep_id) DEFERRABLE INITIALLY DEFERRED,\n"
	"  date TEXT NOT NULL,\n"
	"  kind TEXT NOT NULL CHECK (\n"
	"    kind = 'call' OR kind = 'email' OR kind = 'meeting' OR\n"
	"    kind = 'webinar' OR kind = 'demo' OR kind = 'task' OR\n"
	"    kind = 'other'),\n"
	"  count INTEGER NOT NULL CHECK (count >= 0),\n"
	"  duration INTEGER CHECK (duration >= 0),\n"
	"  attrs TEXT,\n"
	"  import_id INTEGER REFERENCES imports(import_id),\n"
	"  line INTEGER\n"
	") STRICT;\n"
	"CREATE INDEX activities_rep_date ON activities(rep_id, date);\n"

	"CREATE TABLE survey (\n"
	"  respondent TEXT NOT NULL,\n"
	"  date TEXT NOT NULL,\n"
	"  question TEXT NOT NULL,\n"
	"  rep_id TEXT REFERENCES reps(rep_id) DEFERRABLE INITIALLY DEFERRED,\n"
	"  score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),\n"
	"  comment TEXT,\n"
	"  attrs TEXT,\n"
	"  import_id INTEGER REFERENCES imports(import_id),\n"
	"  line INTEGER,\n"
	"  PRIMARY KEY (respondent, date, question)\n"
	") STRICT;\n"

	"CREATE TABLE fx (\n"
	"  base TEXT NOT NULL,\n"
	"  currency TEXT NOT NULL,\n"
	"  date TEXT NOT NULL,\n"
	"  rate INTEGER NOT NULL CHECK (rate > 0),\n"
	"  attrs TEXT,\n"
	"  import_id INTEGER REFERENCES imports(import_id),\n"
	"  line INTEGER,\n"
	"  PRIMARY KEY (base, currency, date)\n"
	") STRICT;\n"

	"CREATE TABLE assignments (\n"
	"  rep_id TEXT NOT NULL REFERENCES reps(rep_id) DEFERRABLE INITIALLY DEFERRED,\n"
	"  plan TEXT NOT NULL,\n"
	"  from_date TEXT NOT NULL,\n"
	"  to_date TEXT,\n"
	"  attrs TEXT,\n"
	"  import_id INTEGER REFERENCES imports(import_id),\n"
	"  line INTEGER,\n"
	"  PRIMARY KEY (rep_id, plan, from_date)\n"
	") STRICT;\n"

	"CREATE TABLE adjustments (\n"
	"  adjustment_id TEXT PRIMARY KEY,\n"
	"  rep_id TEXT NOT NULL REFERENCES reps(rep_id) DEFERRABLE INITIALLY DEFERRED,\n"
	"  period TEXT NOT NULL,\n"
	"  period_first TEXT NOT NULL,\n"
	"  period_last TEXT NOT NULL,\n"
	"  amount INTEGER NOT NULL,\n"
	"  reason TEXT NOT NULL,\n"
	"  attrs TEXT,\n"
	"  import_id INTEGER REFERENCES imports(import_id),\n"
	"  line INTEGER\n"
	") STRICT;\n"

	/* Commission side: filled by spm-commission; shapes may grow by later migrations. */
	"CREATE TABLE plans (\n"
	"  plan_hash TEXT PRIMARY KEY,\n"
	"  name TEXT NOT NULL,\n"
	"  source TEXT NOT NULL,\n"
	"  text TEXT NOT NULL,\n"
	"  added_at TEXT NOT NULL\n"
	") STRICT;\n"

	"CREATE TABLE runs (\n"
	"  run_id INTEGER PRIMARY KEY,\n"
	"  period TEXT NOT NULL,\n"
	"  period_first TEXT NOT NULL,\n"
	"  period_last TEXT NOT NULL,\n"
	"  inputs_hash TEXT NOT NULL,\n"
	"  started_at TEXT NOT NULL,\n"
	"  finished_at TEXT\n"
	") STRICT;\n"

	"CREATE TABLE run_plans (\n"
	"  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,\n"
	"  plan_hash TEXT NOT NULL REFERENCES plans(plan_hash),\n"
	"  PRIMARY KEY (run_id, plan_hash)\n"
	") STRICT;\n"

	"CREATE TABLE payout_lines (\n"
	"  line_id INTEGER PRIMARY KEY,\n"
	"  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,\n"
	"  rep_id TEXT NOT NULL REFERENCES reps(rep_id),\n"
	"  plan_hash TEXT REFERENCES plans(plan_hash),\n"
	"  component TEXT,\n"
	"  kind TEXT NOT NULL,\n"
	"  amount INTEGER NOT NULL,\n"
	"  currency TEXT NOT NULL,\n"
	"  reference TEXT,\n"
	"  explain TEXT\n"
	") STRICT;\n"
	"CREATE INDEX payout_lines_run_rep ON payout_lines(run_id, rep_id);\n"

	"CREATE TABLE ledger (\n"
	"  entry_id INTEGER PRIMARY KEY,\n"
	"  rep_id TEXT NOT NULL REFERENCES reps(rep_id),\n"
	"  period TEXT NOT NULL,\n"
	"  kind TEXT NOT NULL CHECK (\n"
	"    kind = 'draw' OR kind = 'recovery' OR kind = 'carry' OR\n"
	"    kind = 'clawback' OR kind = 'settlement'),\n"
	"  amount INTEGER NOT NULL,\n"
	"  currency TEXT NOT NULL,\n"
	"  run_id INTEGER REFERENCES runs(run_id),\n"
	"  note TEXT\n"
	") STRICT;\n"
	"CREATE INDEX ledger_rep ON ledger(rep_id, period);\n"

	"CREATE TABLE period_locks (\n"
	"  period TEXT PRIMARY KEY,\n"
	"  period_first TEXT NOT NULL,\n"
	"  period_last TEXT NOT NULL,\n"
	"  run_id INTEGER REFERENCES runs(run_id),\n"
	"  closed_at TEXT NOT NULL\n"
	") STRICT;\n";

/*
 * 2: what commission runs need beyond the first shapes: a deal's margin and cancellation day, a
 * quota's currency, each payout line's base, earnings, reason and the credits behind it (so that a
 * line is explained from what the run read, not from today's data), and the ledger's plan.
 */
static const char migration_2[] =
	"ALTER TABLE deals ADD COLUMN margin INTEGER;\n"
	"ALTER TABLE deals ADD COLUMN cancel_date TEXT;\n"
	"ALTER TABLE quotas ADD COLUMN currency TEXT;\n"
	"ALTER TABLE payout_lines ADD COLUMN plan TEXT;\n"
	"ALTER TABLE payout_lines ADD COLUMN base INTEGER;\n"
	"ALTER TABLE payout_lines ADD COLUMN earned INTEGER;\n"
	"ALTER TABLE payout_lines ADD COLUMN reason TEXT;\n"
	/*
	 * The credits behind a line, as a JSON array of [component, deal_id, role, via_rep, share,
	 * date, amount, currency, converted] (share and money in their integer units): one row per
	 * line rather than per credit keeps a run's writes and its replacement cheap.
	 */
	"ALTER TABLE payout_lines ADD COLUMN credits TEXT;\n"
	"ALTER TABLE ledger ADD COLUMN plan TEXT;\n"

	"CREATE INDEX deals_cancel ON deals(cancel_date) WHERE cancel_date IS NOT NULL;\n"
	"CREATE INDEX runs_period ON runs(period);\n";

/*
 * 3: forecasts. A snapshot keeps the pipeline of a period as it stood on a day, per rep, manager
 * and the company, so that it can later be held against what closed. Calls are a rep's or a
 * manager's own number for a period, beside the computed one (imported; shown by spm-forecast).
 */
static const char migration_3[] =
	"CREATE TABLE forecast_snapshots (\n"
	"  snapshot_id INTEGER PRIMARY KEY,\n"
	"  taken_at TEXT NOT NULL,\n"
	"  as_of TEXT NOT NULL,\n"
	"  period TEXT NOT NULL,\n"
	"  period_first TEXT NOT NULL,\n"
	"  period_last TEXT NOT NULL,\n"
	"  currency TEXT NOT NULL,\n"
	"  attrs TEXT\n"
	") STRICT;\n"
	"CREATE INDEX forecast_snapshots_period ON forecast_snapshots(period_first, period_last);\n"

	"CREATE TABLE forecast_snapshot_rows (\n"
	"  snapshot_id INTEGER NOT NULL REFERENCES forecast_snapshots(snapshot_id) ON DELETE CASCADE,\n"
	"  level TEXT NOT NULL CHECK (level = 'rep' OR level = 'manager' OR level = 'team' OR\n"
	"    level = 'territory' OR level = 'company'),\n"
	"  scope_id TEXT NOT NULL,\n"
	"  closed INTEGER NOT NULL,\n"
	"  commit_amount INTEGER NOT NULL,\n"
	"  best_case INTEGER NOT NULL,\n"
	"  open_pipeline INTEGER NOT NULL,\n"
	"  weighted INTEGER NOT NULL,\n"
	"  run_rate INTEGER NOT NULL,\n"
	"  overdue INTEGER NOT NULL,\n"
	"  call_commit INTEGER,\n"
	"  call_best_case INTEGER,\n"
	"  PRIMARY KEY (snapshot_id, level, scope_id)\n"
	") STRICT;\n"

	"CREATE TABLE forecast_calls (\n"
	"  scope TEXT NOT NULL CHECK (scope = 'rep' OR scope = 'team' OR scope = 'territory'),\n"
	"  scope_id TEXT NOT NULL,\n"
	"  period TEXT NOT NULL,\n"
	"  period_first TEXT NOT NULL,\n"
	"  period_last TEXT NOT NULL,\n"
	"  category TEXT NOT NULL CHECK (category = 'commit' OR category = 'best_case'),\n"
	"  amount INTEGER NOT NULL,\n"
	"  currency TEXT,\n"
	"  made_by TEXT,\n"
	"  made_on TEXT,\n"
	"  note TEXT,\n"
	"  attrs TEXT,\n"
	"  import_id INTEGER REFERENCES imports(import_id),\n"
	"  line INTEGER,\n"
	"  PRIMARY KEY (scope, scope_id, period, category)\n"
	") STRICT;\n";

/*
 * 4: budgets. What a category of spend (commission, by default) may cost per team (or the whole
 * company, team '') and period; spm-report budget holds the payouts against it.
 */
static const char migration_4[] =
	"CREATE TABLE budgets (\n"
	"  category TEXT NOT NULL,\n"
	"  team TEXT NOT NULL,\n"
	"  period TEXT NOT NULL,\n"
	"  period_first TEXT NOT NULL,\n"
	"  period_last TEXT NOT NULL,\n"
	"  amount INTEGER NOT NULL CHECK (amount >= 0),\n"
	"  currency TEXT,\n"
	"  note TEXT,\n"
	"  attrs TEXT,\n"
	"  import_id INTEGER REFERENCES imports(import_id),\n"
	"  line INTEGER,\n"
	"  PRIMARY KEY (category, team, period)\n"
	") STRICT;\n";

const char *const spm_schema_migrations[] = {
	migration_1,
	migration_2,
	migration_3,
	migration_4,
};

const int spm_schema_migration_count =
	(int)(sizeof spm_schema_migrations / sizeof spm_schema_migrations[0]);
