/*
 * import.c - loads records of one kind from readers into the store (see spm/import.h): the writing
 * half, and the hand-over from the reading half (import_record.c) that runs on its own thread.
 *
 * Here a validated record's references to other kinds are looked up, and the record is upserted by
 * its natural key. References a kind makes to itself (a rep's manager, a territory's parent) are
 * checked once all records are in, so that a file may name a manager before the manager's own line;
 * the same pass finds loops in those hierarchies.
 *
 * The SQL for each kind is built once from the column layout below. The common case, a new key, costs
 * one INSERT; a known key costs a SELECT that compares the stored values and an UPDATE.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_impl.h"
#include "spm/currency.h"
#include "spm/date.h"
#include "spm/money.h"
#include "spm/period.h"

#define PROGRESS_EVERY 8192
#define BATCH_RECORDS 256 /* records the reading thread hands over at a time */
#define NBATCHES 4        /* batches in flight: memory stays a few MiB whatever the input */

const struct layout spm_import_layouts[SPM_KIND_COUNT] = {
	[SPM_KIND_REPS] = {"reps", "rep",
			   {"rep_id", "name", "email", "manager_id", "team", "territory", "role",
			    "hire_date", "end_date", "currency"},
			   1},
	[SPM_KIND_TERRITORIES] = {"territories", "territory", {"territory_id", "name", "parent_id"}, 1},
	[SPM_KIND_STAGES] = {"stages", "stage",
			     {"stage", "status", "probability", "forecast_category"}, 1},
	[SPM_KIND_ACCOUNTS] = {"accounts", "account", {"account_id", "name", "parent_id"}, 1},
	[SPM_KIND_PRODUCTS] = {"products", "product", {"product_id", "name", "family", "price"}, 1},
	[SPM_KIND_DEALS] = {"deals", "deal",
			    {"deal_id", "rep_id", "territory", "account", "product", "amount",
			     "currency", "close_date", "created_date", "stage", "status", "type",
			     "probability", "forecast_category", "margin", "cancel_date"},
			    1},
	[SPM_KIND_CREDITS] = {"credits", "credit", {"deal_id", "rep_id", "kind", "share"}, 3},
	[SPM_KIND_QUOTAS] = {"quotas", "quota",
			     {"scope", "scope_id", "period", "metric", "period_first", "period_last",
			      "amount", "currency"},
			     4},
	[SPM_KIND_ACTIVITIES] = {"activities", "activity",
				 {"activity_id", "rep_id", "date", "kind", "count", "duration"},
				 1},
	[SPM_KIND_SURVEY] = {"survey", "survey answer",
			     {"respondent", "date", "question", "rep_id", "score", "comment"}, 3},
	[SPM_KIND_FX] = {"fx", "exchange rate", {"base", "currency", "date", "rate"}, 3},
	[SPM_KIND_ASSIGNMENTS] = {"assignments", "assignment",
				  {"rep_id", "plan", "from_date", "to_date"}, 3},
	[SPM_KIND_ADJUSTMENTS] = {"adjustments", "adjustment",
				  {"adjustment_id", "rep_id", "period", "period_first",
				   "period_last", "amount", "reason"},
				  1},
	[SPM_KIND_CALLS] = {"forecast_calls", "call",
			    {"scope", "scope_id", "period", "category", "period_first", "period_last",
			     "amount", "currency", "made_by", "made_on", "note"},
			    4},
	[SPM_KIND_BUDGETS] = {"budgets", "budget",
			      {"category", "team", "period", "period_first", "period_last", "amount",
			       "currency", "note"},
			      3},
};


/* ---- setup ---------------------------------------------------------------------------------- */

static int stored_index(const struct layout *lay, const char *col)
{
	for (int i = 0; i < MAX_COLS && lay->cols[i]; i++)
		if (strcmp(lay->cols[i], col) == 0)
			return i;
	return -1;
}

static const char *stored_name_of(const spm_kind_column *c)
{
	if (strcmp(c->name, "from") == 0)
		return "from_date";
	if (strcmp(c->name, "to") == 0)
		return "to_date";
	return c->name;
}

static int build_statements(import *imp, spm_error *err)
{
	const struct layout *lay = imp->lay;
	size_t n = imp->nstored, k = lay->nkey;
	spm_buf sql = {0};
	int rc = 0;

	/* INSERT ... ON CONFLICT DO NOTHING: ?1..?n columns, ?n+1 attrs, ?n+2 import_id, ?n+3 line */
	rc |= spm_buf_printf(&sql, "INSERT INTO %s(", lay->table);
	for (size_t i = 0; i < n; i++)
		rc |= spm_buf_printf(&sql, "%s, ", lay->cols[i]);
	rc |= spm_buf_append_str(&sql, "attrs, import_id, line) VALUES (");
	for (size_t i = 0; i < n + 3; i++)
		rc |= spm_buf_printf(&sql, i ? ", ?%zu" : "?%zu", i + 1);
	rc |= spm_buf_append_str(&sql, ") ON CONFLICT DO NOTHING");
	if (rc)
		goto nomem;
	if ((rc = spm_stmt_prepare(imp->st, &imp->ins, sql.data, err)))
		goto out;

	/* SELECT the stored record's origin and whether its values equal the new ones. */
	spm_buf_clear(&sql);
	rc |= spm_buf_append_str(&sql, "SELECT import_id, line, (attrs IS ?");
	rc |= spm_buf_printf(&sql, "%zu", n + 1);
	for (size_t i = k; i < n; i++)
		rc |= spm_buf_printf(&sql, " AND %s IS ?%zu", lay->cols[i], i + 1);
	rc |= spm_buf_printf(&sql, ") FROM %s WHERE ", lay->table);
	for (size_t i = 0; i < k; i++)
		rc |= spm_buf_printf(&sql, i ? " AND %s = ?%zu" : "%s = ?%zu", lay->cols[i], i + 1);
	if (rc)
		goto nomem;
	if ((rc = spm_stmt_prepare(imp->st, &imp->sel, sql.data, err)))
		goto out;

	/* UPDATE every value, and the origin. */
	spm_buf_clear(&sql);
	rc |= spm_buf_printf(&sql, "UPDATE %s SET ", lay->table);
	for (size_t i = k; i < n; i++)
		rc |= spm_buf_printf(&sql, "%s = ?%zu, ", lay->cols[i], i + 1);
	rc |= spm_buf_printf(&sql, "attrs = ?%zu, import_id = ?%zu, line = ?%zu WHERE ", n + 1,
			     n + 2, n + 3);
	for (size_t i = 0; i < k; i++)
		rc |= spm_buf_printf(&sql, i ? " AND %s = ?%zu" : "%s = ?%zu", lay->cols[i], i + 1);
	if (rc)
		goto nomem;
	if ((rc = spm_stmt_prepare(imp->st, &imp->upd, sql.data, err)))
		goto out;

	/* An unchanged record only records that this import confirmed it. */
	spm_buf_clear(&sql);
	rc |= spm_buf_printf(&sql, "UPDATE %s SET import_id = ?%zu, line = ?%zu WHERE ", lay->table,
			     n + 2, n + 3);
	for (size_t i = 0; i < k; i++)
		rc |= spm_buf_printf(&sql, i ? " AND %s = ?%zu" : "%s = ?%zu", lay->cols[i], i + 1);
	if (rc)
		goto nomem;
	rc = spm_stmt_prepare(imp->st, &imp->touch, sql.data, err);
	goto out;
nomem:
	rc = spm_error_set(err, SPM_ENOMEM, "out of memory");
out:
	spm_buf_free(&sql);
	return rc;
}

static int load_settings(import *imp, spm_error *err)
{
	char buf[32];
	int rc;

	imp->fiscal = SPM_FISCAL_CALENDAR;
	rc = spm_store_setting_get(imp->st, "fiscal_year_start", buf, sizeof buf, err);
	if (rc < 0)
		return rc;
	if (rc == SPM_OK && buf[0]) {
		int64_t m;
		if (spm_int_parse(&m, buf, strlen(buf), 1, 12, NULL))
			return spm_error_set(err, SPM_ESTORE,
					     "store setting 'fiscal_year_start' is not a month: '%s'",
					     buf);
		imp->fiscal.start_month = (int)m;
	}
	rc = spm_store_setting_get(imp->st, "fiscal_year_named_by", buf, sizeof buf, err);
	if (rc < 0)
		return rc;
	imp->fiscal.named_by_start = rc == SPM_OK && strcmp(buf, "start") == 0;

	rc = spm_store_setting_get(imp->st, "base_currency", buf, sizeof buf, err);
	if (rc < 0)
		return rc;
	if (rc != SPM_OK || !spm_currency_valid(buf, strlen(buf)))
		memcpy(buf, "USD", 4);
	memcpy(imp->base_currency, buf, 4);
	return SPM_OK;
}

static int load_stages(import *imp, spm_error *err)
{
	spm_stmt *s = NULL;
	int rc = spm_stmt_prepare(imp->st, &s, "SELECT stage, status FROM stages ORDER BY stage", err);
	size_t cap = 0;

	while (rc == SPM_OK && (rc = spm_stmt_step(s, err)) == SPM_ROW) {
		if (imp->nstages == cap) {
			cap = cap ? cap * 2 : 16;
			void *p = realloc(imp->stages, cap * sizeof *imp->stages);
			if (!p) {
				rc = spm_error_set(err, SPM_ENOMEM, "out of memory");
				break;
			}
			imp->stages = p;
		}
		struct stage_status *ss = &imp->stages[imp->nstages];
		size_t len;
		const char *name = spm_stmt_text(s, 0, &len);
		ss->stage = spm_strndup(name, len);
		if (!ss->stage) {
			rc = spm_error_set(err, SPM_ENOMEM, "out of memory");
			break;
		}
		snprintf(ss->status, sizeof ss->status, "%s", spm_stmt_text(s, 1, NULL));
		imp->nstages++;
		rc = SPM_OK;
	}
	spm_stmt_finalize(s);
	return rc == SPM_DONE ? SPM_OK : rc;
}

static int setup(import *imp, spm_error *err)
{
	const spm_kind *kind = imp->kind;
	int rc;

	imp->lay = &spm_import_layouts[kind->id];
	while (imp->nstored < MAX_COLS && imp->lay->cols[imp->nstored])
		imp->nstored++;
	for (size_t c = 0; c < kind->ncolumns; c++)
		imp->stored_of[c] = stored_index(imp->lay, stored_name_of(&kind->columns[c]));
	imp->period_first = stored_index(imp->lay, "period_first");
	imp->period_last = stored_index(imp->lay, "period_last");

	for (size_t i = 0; i < imp->opt->nmaps; i++)
		if (!spm_kind_column_find(kind, imp->opt->maps[i].column))
			return spm_error_set(err, SPM_EUSAGE, "--map: %s has no column '%s'",
					     kind->name, imp->opt->maps[i].column);
	for (size_t i = 0; i < imp->opt->nsets; i++) {
		const spm_kind_column *c = spm_kind_column_find(kind, imp->opt->sets[i].column);
		if (!c)
			return spm_error_set(err, SPM_EUSAGE, "--set: %s has no column '%s'",
					     kind->name, imp->opt->sets[i].column);
		imp->set_value[c - kind->columns] = imp->opt->sets[i].value;
	}
	imp->stored_status = stored_index(imp->lay, "status");
	const spm_kind_column *team = spm_kind_column_find(kind, "team");
	imp->team_col = (kind->id == SPM_KIND_QUOTAS || kind->id == SPM_KIND_CALLS ||
	                 kind->id == SPM_KIND_BUDGETS) &&
	                        team
	                    ? (int)(team - kind->columns)
	                    : -1;
	if (imp->opt->date_layout && (rc = spm_date_layout_check(imp->opt->date_layout, err)))
		return rc;
	if ((rc = load_settings(imp, err)))
		return rc;
	if (kind->id == SPM_KIND_DEALS && (rc = load_stages(imp, err)))
		return rc;
	return build_statements(imp, err);
}

static void teardown(import *imp)
{
	spm_stmt_finalize(imp->ins);
	spm_stmt_finalize(imp->sel);
	spm_stmt_finalize(imp->upd);
	spm_stmt_finalize(imp->touch);
	spm_stmt_finalize(imp->team_ref);
	spm_stmt_finalize(imp->make_territory);
	for (size_t i = 0; i < SPM_KIND_COUNT; i++) {
		spm_stmt_finalize(imp->ref[i]);
		spm_strset_free(&imp->known[i]);
	}
	spm_strset_free(&imp->known_teams);
	for (size_t i = 0; i < imp->nstages; i++)
		free(imp->stages[i].stage);
	free(imp->stages);
	free(imp->targets);
	free(imp->import_ids);
	spm_buf_free(&imp->attrs);
	spm_buf_free(&imp->rscratch);
	spm_buf_free(&imp->wscratch);
	spm_buf_free(&imp->attr_names);
	spm_strset_free(&imp->attr_seen);
}

/* ---- references ----------------------------------------------------------------------------- */

static int make_territory(import *imp, const value *v, long line, spm_error *err)
{
	int rc;
	if (!imp->make_territory &&
	    (rc = spm_stmt_prepare(imp->st, &imp->make_territory,
				   "INSERT INTO territories(territory_id, name, import_id, line) "
				   "VALUES (?1, ?1, ?2, ?3)",
				   err)))
		return rc;
	spm_stmt *s = imp->make_territory;
	spm_stmt_reset(s);
	if (spm_stmt_bind_text(s, 1, v->s, v->n) ||
	    spm_stmt_bind_int64(s, 2, imp->import_ids[imp->cur]) || spm_stmt_bind_int64(s, 3, line))
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	if ((rc = spm_stmt_step(s, err)) < 0)
		return rc;
	imp->sum->created_territories++;
	return SPM_OK;
}

/*
 * Whether a one-column query with ?1 = v finds a row; found keys are cached in *known for the rest of
 * the import, so each is looked up once.
 */
static int lookup(import *imp, spm_stmt **stmt, const char *sql, spm_strset *known, const value *v,
		  bool *exists, spm_error *err)
{
	int rc;
	if (spm_strset_contains(known, v->s, v->n)) {
		*exists = true;
		return SPM_OK;
	}
	if (!*stmt && (rc = spm_stmt_prepare(imp->st, stmt, sql, err)))
		return rc;
	spm_stmt_reset(*stmt);
	if (spm_stmt_bind_text(*stmt, 1, v->s, v->n))
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	if ((rc = spm_stmt_step(*stmt, err)) < 0)
		return rc;
	*exists = rc == SPM_ROW;
	spm_stmt_reset(*stmt);
	if (*exists && spm_strset_add(known, v->s, v->n))
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	return SPM_OK;
}

static int reference_exists(import *imp, spm_kind_id kind, const value *v, bool *exists,
			    spm_error *err)
{
	if (spm_strset_contains(&imp->known[kind], v->s, v->n)) {
		*exists = true;
		return SPM_OK;
	}
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE %s = ?1", spm_import_layouts[kind].table,
		 spm_import_layouts[kind].cols[0]);
	return lookup(imp, &imp->ref[kind], sql, &imp->known[kind], v, exists, err);
}

/* References to other kinds (and a quota's team) must be in the store, or be created. */
static int check_references(import *imp, const work *w, long line, spm_error *err)
{
	const value *vals = w->vals;
	bool exists;
	int rc;

	for (size_t c = 0; c < imp->kind->ncolumns; c++) {
		spm_kind_id to = imp->kind->columns[c].refers;
		if (to == SPM_KIND_COUNT || to == imp->kind->id || vals[c].type == V_NULL)
			continue;
		if ((rc = reference_exists(imp, to, &vals[c], &exists, err)))
			return rc;
		if (exists)
			continue;
		if (to == SPM_KIND_TERRITORIES && imp->opt->create_territories) {
			if ((rc = make_territory(imp, &vals[c], line, err)))
				return rc;
			if (spm_strset_add(&imp->known[to], vals[c].s, vals[c].n))
				return spm_error_set(err, SPM_ENOMEM, "out of memory");
			continue;
		}
		char q[SPM_QUOTE_BUFSZ];
		spm_error_set(err, SPM_EDATA, "unknown %s %s%s", spm_import_layouts[to].singular,
			      spm_quote(q, sizeof q, vals[c].s, vals[c].n),
			      to == SPM_KIND_TERRITORIES ? " (import territories first, or give "
							   "--create-territories)"
							 : "");
		return spm_import_column_error(imp, w, (int)c, err);
	}
	/* a budget's empty team is the whole company's */
	if (imp->team_col >= 0 && vals[imp->team_col].type != V_NULL && vals[imp->team_col].n > 0) {
		const value *team = &vals[imp->team_col];
		if ((rc = lookup(imp, &imp->team_ref, "SELECT 1 FROM reps WHERE team = ?1 LIMIT 1",
				 &imp->known_teams, team, &exists, err)))
			return rc;
		if (!exists) {
			spm_import_bad(err, "unknown team", team->s, team->n);
			return spm_import_column_error(imp, w, imp->team_col, err);
		}
	}
	return SPM_OK;
}

/* ---- writing -------------------------------------------------------------------------------- */

/*
 * Binds the row's values, attrs, import and line, without copies (they outlive the step):
 * parameters 1..n+3, or 1..n+1 with `origin` false (the SELECT that compares values names no
 * origin, and SQLite refuses a parameter a statement lacks).
 */
static int bind_row(spm_stmt *s, const import *imp, const work *w, long line, bool origin)
{
	int rc = 0;
	for (size_t i = 0; i < imp->nstored; i++) {
		const value *v = w->row[i];
		int idx = (int)i + 1;
		if (!v || v->type == V_NULL)
			rc |= spm_stmt_bind_null(s, idx);
		else if (v->type == V_INT)
			rc |= spm_stmt_bind_int64(s, idx, v->i);
		else
			rc |= spm_stmt_bind_text_static(s, idx, v->s, v->n);
	}
	int a = (int)imp->nstored + 1;
	if (w->attrs)
		rc |= spm_stmt_bind_text_static(s, a, w->attrs, w->attrs_len);
	else
		rc |= spm_stmt_bind_null(s, a);
	if (origin) {
		rc |= spm_stmt_bind_int64(s, a + 1, imp->import_ids[imp->cur]);
		rc |= spm_stmt_bind_int64(s, a + 2, line);
	}
	return rc ? SPM_ENOMEM : SPM_OK;
}

/* Binds and steps s once: SPM_ROW, SPM_DONE or a negative status. */
static int run(spm_stmt *s, const import *imp, const work *w, long line, spm_error *err)
{
	spm_stmt_reset(s);
	if (bind_row(s, imp, w, line, s != imp->sel))
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	return spm_stmt_step(s, err);
}

static const char *source_of_import(const import *imp, int64_t id)
{
	for (size_t i = 0; i <= imp->cur && i < imp->nsrc; i++)
		if (imp->import_ids[i] == id)
			return imp->src[i].name;
	return "?";
}

static int duplicate_error(import *imp, const work *w, int64_t import_id, int64_t line,
			   spm_error *err)
{
	char q[SPM_QUOTE_BUFSZ];
	if (spm_import_join(&imp->wscratch, w->row, imp->lay->nkey))
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	spm_quote(q, sizeof q, imp->wscratch.data, imp->wscratch.len);
	if (import_id == imp->import_ids[imp->cur])
		spm_error_set(err, SPM_EDATA, "duplicate key %s (first on line %" PRId64 ")", q, line);
	else
		spm_error_set(err, SPM_EDATA, "duplicate key %s (first in %s:%" PRId64 ")", q,
			      source_of_import(imp, import_id), line);
	return SPM_EDATA;
}

static int upsert(import *imp, const work *w, long line, spm_error *err)
{
	int rc;
	if ((rc = run(imp->ins, imp, w, line, err)) < 0)
		return rc;
	if (spm_store_changes(imp->st) == 1) {
		imp->sum->added++;
		return SPM_OK;
	}
	if ((rc = run(imp->sel, imp, w, line, err)) < 0)
		return rc;
	if (rc != SPM_ROW)
		return spm_error_set(err, SPM_ESTORE, "%s: a record vanished during the import",
				     imp->lay->table);
	int64_t prev_import = spm_stmt_int64(imp->sel, 0), prev_line = spm_stmt_int64(imp->sel, 1);
	bool same = spm_stmt_int64(imp->sel, 2) != 0;
	spm_stmt_reset(imp->sel);
	if (prev_import >= imp->import_ids[0])
		return duplicate_error(imp, w, prev_import, prev_line, err);
	if (same)
		imp->sum->unchanged++;
	else
		imp->sum->updated++;
	rc = run(same ? imp->touch : imp->upd, imp, w, line, err);
	return rc < 0 ? rc : SPM_OK;
}

/* ---- hand-over between the threads ---------------------------------------------------------- */

/* A value in a batch: its text is at `off` in the batch's arena, which may move while it fills. */
struct packed {
	value_type type;
	size_t n;
	int64_t i;
	size_t off;
};

struct item {
	long line;
	int status;  /* SPM_OK; SPM_EDATA: a bad record; else the import fails */
	bool fatal;  /* the input cannot be read further (a parse error, no memory, a column conflict) */
	struct packed vals[MAX_COLS]; /* by kind column */
	struct packed row[MAX_COLS];  /* by stored column */
	const char *from_file[MAX_COLS];
	struct packed attrs;
	size_t raw_off, nraw; /* with a reject file: the record as read */
};

struct batch {
	size_t n;
	bool last;      /* nothing of the source follows */
	uint64_t bytes; /* input read when the batch was handed over, for progress */
	struct item items[BATCH_RECORDS];
	spm_error errs[BATCH_RECORDS];
	spm_buf arena;
};

/*
 * A ring of batches. The reading thread fills batch next_fill and the calling thread empties batch
 * next_take; `filled` counts the batches between them. Each index belongs to one thread; the lock
 * guards `filled` and `stop`.
 */
struct pipe {
	import *imp;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	size_t filled, next_fill, next_take;
	bool stop; /* the calling thread needs no more */
	struct batch batches[NBATCHES];
};

static int pack(struct batch *b, struct packed *p, const value *v)
{
	p->type = v ? v->type : V_NULL;
	p->n = p->type == V_TEXT ? v->n : 0;
	p->i = p->type == V_INT ? v->i : 0;
	p->off = b->arena.len;
	return p->type == V_TEXT ? spm_buf_append(&b->arena, v->s, v->n) : SPM_OK;
}

static int pack_work(const import *imp, struct batch *b, struct item *it, const work *w)
{
	int rc = 0;
	for (size_t c = 0; c < imp->kind->ncolumns; c++)
		rc |= pack(b, &it->vals[c], &w->vals[c]);
	for (size_t s = 0; s < imp->nstored; s++)
		rc |= pack(b, &it->row[s], w->row[s]);
	memcpy(it->from_file, w->from_file, sizeof it->from_file);
	value attrs = {.type = w->attrs ? V_TEXT : V_NULL, .s = w->attrs, .n = w->attrs_len};
	rc |= pack(b, &it->attrs, &attrs);
	return rc ? SPM_ENOMEM : SPM_OK;
}

/* The record as read, for the reject file: per field a null flag, the name and the value. */
static int pack_raw(import *imp, struct batch *b, struct item *it, const spm_record *rec)
{
	const char *const *names;
	int rc = 0;
	spm_reader_names(imp->reader, &names);
	it->raw_off = b->arena.len;
	it->nraw = rec->nfields;
	for (size_t f = 0; f < rec->nfields; f++) {
		const spm_field *fd = &rec->fields[f];
		rc |= spm_buf_append_char(&b->arena, fd->is_null ? 'n' : 'v');
		rc |= spm_buf_append(&b->arena, names[fd->name], strlen(names[fd->name]) + 1);
		rc |= spm_buf_append(&b->arena, fd->value, fd->len);
		rc |= spm_buf_append_char(&b->arena, '\0');
	}
	return rc ? SPM_ENOMEM : SPM_OK;
}

/* Reads, routes and validates records into b until it is full or the input ends. */
static void fill_batch(import *imp, struct batch *b)
{
	const char *src = imp->src[imp->cur].name;
	b->n = 0;
	b->last = false;
	spm_buf_clear(&b->arena);
	while (b->n < BATCH_RECORDS && !b->last) {
		struct item *it = &b->items[b->n++];
		spm_error *err = &b->errs[b->n - 1];
		spm_record rec;
		work w;
		int rc = spm_reader_next(imp->reader, &rec, err);
		it->line = rc == 1 ? rec.line : 0;
		it->nraw = 0;
		if (rc == 0) {
			b->n--;
			b->last = true;
			break;
		}
		if (rc == 1 && (rc = spm_import_route(imp, rec.line, err)) == SPM_OK) {
			rc = spm_import_validate(imp, &rec, &w, err);
			if (rc == SPM_OK && pack_work(imp, b, it, &w))
				rc = spm_error_set(err, SPM_ENOMEM, "out of memory");
			else if (rc == SPM_EDATA)
				spm_error_locate(err, src, rec.line, NULL);
			if (rc != SPM_OK && rc != SPM_EDATA)
				it->fatal = true;
			else if (imp->opt->reject && pack_raw(imp, b, it, &rec))
				rc = spm_error_set(err, SPM_ENOMEM, "out of memory");
			it->fatal = rc != SPM_OK && rc != SPM_EDATA;
		} else {
			it->fatal = true; /* the reader failed, or a column conflicts */
		}
		it->status = rc;
		b->last = it->fatal;
	}
	b->bytes = spm_reader_bytes(imp->reader);
}

static void *read_records(void *arg)
{
	struct pipe *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (p->filled == NBATCHES && !p->stop)
			pthread_cond_wait(&p->changed, &p->lock);
		bool stop = p->stop;
		pthread_mutex_unlock(&p->lock);
		if (stop)
			return NULL;
		struct batch *b = &p->batches[p->next_fill];
		fill_batch(p->imp, b);
		p->next_fill = (p->next_fill + 1) % NBATCHES;
		pthread_mutex_lock(&p->lock);
		p->filled++;
		pthread_cond_broadcast(&p->changed);
		pthread_mutex_unlock(&p->lock);
		if (b->last)
			return NULL;
	}
}

/* Field by field: a value's own[] buffer is not needed here, and copying it costs. */
static void unpack_value(value *v, const struct batch *b, const struct packed *p)
{
	v->type = p->type;
	v->s = p->type == V_TEXT ? b->arena.data + p->off : NULL;
	v->n = p->n;
	v->i = p->i;
}

static void unpack(const import *imp, const struct batch *b, const struct item *it, work *w)
{
	value attrs;
	for (size_t c = 0; c < imp->kind->ncolumns; c++)
		unpack_value(&w->vals[c], b, &it->vals[c]);
	for (size_t s = 0; s < imp->nstored; s++) {
		unpack_value(&w->derived[s], b, &it->row[s]);
		w->row[s] = &w->derived[s];
	}
	memcpy(w->from_file, it->from_file, sizeof w->from_file);
	unpack_value(&attrs, b, &it->attrs);
	w->attrs = attrs.s;
	w->attrs_len = attrs.n;
}

/* ---- reject file ---------------------------------------------------------------------------- */

static int csv_cell(FILE *fp, const char *s, size_t n, bool last)
{
	bool quote = n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t');
	for (size_t i = 0; i < n && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
	if (quote) {
		fputc('"', fp);
		for (size_t i = 0; i < n; i++) {
			if (s[i] == '"')
				fputc('"', fp);
			fputc(s[i], fp);
		}
		fputc('"', fp);
	} else {
		fwrite(s, 1, n, fp);
	}
	return fputc(last ? '\n' : ',', fp) == EOF ? SPM_EIO : SPM_OK;
}

/* Steps through a packed record: the field's null flag, name and value; returns the next field. */
static const char *raw_field(const char *p, bool *is_null, const char **name, const char **val)
{
	*is_null = *p++ == 'n';
	*name = p;
	p += strlen(p) + 1;
	*val = p;
	return p + strlen(p) + 1;
}

/* Writes a refused record as read, with its line and reason: CSV for CSV input, else JSON Lines. */
static int write_reject(import *imp, const struct batch *b, const struct item *it,
			const spm_error *why, spm_error *err)
{
	FILE *fp = imp->opt->reject;
	char reason[1024], line[32];
	spm_error shown = *why;
	const char *p, *name, *val;
	bool is_null;
	int rc = 0;

	shown.source[0] = '\0';
	shown.line = 0;
	spm_error_format(&shown, reason, sizeof reason);
	snprintf(line, sizeof line, "%ld", it->line);

	if (imp->json) {
		spm_buf *out = &imp->wscratch;
		spm_buf_clear(out);
		rc |= spm_buf_append_char(out, '{');
		p = b->arena.data + it->raw_off;
		for (size_t f = 0; f < it->nraw; f++) {
			p = raw_field(p, &is_null, &name, &val);
			rc |= spm_buf_append_json_string(out, name, strlen(name));
			rc |= spm_buf_append_char(out, ':');
			if (is_null)
				rc |= spm_buf_append_str(out, "null");
			else
				rc |= spm_buf_append_json_string(out, val, strlen(val));
			rc |= spm_buf_append_char(out, ',');
		}
		rc |= spm_buf_printf(out, "\"reject_line\":%ld,\"reject_reason\":", it->line);
		rc |= spm_buf_append_json_string(out, reason, strlen(reason));
		rc |= spm_buf_append_str(out, "}\n");
		if (rc)
			return spm_error_set(err, SPM_ENOMEM, "out of memory");
		if (fwrite(out->data, 1, out->len, fp) != out->len)
			return spm_error_set(err, SPM_EIO, "cannot write the reject file");
		return SPM_OK;
	}
	if (!imp->reject_header_done) {
		/* A CSV record holds every column of the header, in its order. */
		p = b->arena.data + it->raw_off;
		for (size_t f = 0; f < it->nraw; f++) {
			p = raw_field(p, &is_null, &name, &val);
			rc |= csv_cell(fp, name, strlen(name), false);
		}
		rc |= csv_cell(fp, "reject_line", 11, false);
		rc |= csv_cell(fp, "reject_reason", 13, true);
		imp->reject_header_done = true;
	}
	p = b->arena.data + it->raw_off;
	for (size_t f = 0; f < it->nraw; f++) {
		p = raw_field(p, &is_null, &name, &val);
		rc |= csv_cell(fp, val, strlen(val), false);
	}
	rc |= csv_cell(fp, line, strlen(line), false);
	rc |= csv_cell(fp, reason, strlen(reason), true);
	if (rc)
		return spm_error_set(err, SPM_EIO, "cannot write the reject file");
	return SPM_OK;
}

/* ---- one source ----------------------------------------------------------------------------- */

static int begin_source(import *imp, int64_t *id, spm_error *err)
{
	spm_stmt *s = NULL;
	const spm_import_source *src = &imp->src[imp->cur];
	int rc = spm_stmt_prepare(imp->st, &s,
				  "INSERT INTO imports(kind, source, format, started_at) VALUES "
				  "(?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", /* SQLite */
				  err);
	if (rc)
		return rc;
	const char *fmt = spm_input_format_name(spm_reader_format(imp->reader));
	if (spm_stmt_bind_text(s, 1, imp->kind->name, strlen(imp->kind->name)) ||
	    spm_stmt_bind_text(s, 2, src->name, strlen(src->name)) ||
	    spm_stmt_bind_text(s, 3, fmt, strlen(fmt)))
		rc = spm_error_set(err, SPM_ENOMEM, "out of memory");
	else if ((rc = spm_stmt_step(s, err)) == SPM_DONE)
		rc = SPM_OK;
	spm_stmt_finalize(s);
	if (rc)
		return rc;
	/* The new row's id: the largest, since this transaction holds the write lock. */
	if ((rc = spm_stmt_prepare(imp->st, &s, "SELECT max(import_id) FROM imports", err)))
		return rc;
	if ((rc = spm_stmt_step(s, err)) == SPM_ROW) {
		*id = spm_stmt_int64(s, 0);
		rc = SPM_OK;
	}
	spm_stmt_finalize(s);
	return rc;
}

static int end_source(import *imp, const spm_import_summary *before, spm_error *err)
{
	spm_stmt *s = NULL;
	const spm_import_summary *now = imp->sum;
	char hex[65];
	int rc = spm_stmt_prepare(
		imp->st, &s,
		"UPDATE imports SET sha256 = ?2, finished_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), "
		"rows_read = ?3, rows_new = ?4, rows_updated = ?5, rows_unchanged = ?6, "
		"rows_rejected = ?7, attributes = ?8 WHERE import_id = ?1",
		err);
	if (rc)
		return rc;
	spm_reader_sha256(imp->reader, hex);
	rc = spm_stmt_bind_int64(s, 1, imp->import_ids[imp->cur]);
	rc |= spm_stmt_bind_text(s, 2, hex, 64);
	rc |= spm_stmt_bind_int64(s, 3, now->read - before->read);
	rc |= spm_stmt_bind_int64(s, 4, now->added - before->added);
	rc |= spm_stmt_bind_int64(s, 5, now->updated - before->updated);
	rc |= spm_stmt_bind_int64(s, 6, now->unchanged - before->unchanged);
	rc |= spm_stmt_bind_int64(s, 7, now->rejected - before->rejected);
	if (imp->attr_names.len)
		rc |= spm_stmt_bind_text(s, 8, imp->attr_names.data, imp->attr_names.len);
	else
		rc |= spm_stmt_bind_null(s, 8);
	if (rc)
		rc = spm_error_set(err, SPM_ENOMEM, "out of memory");
	else if ((rc = spm_stmt_step(s, err)) == SPM_DONE)
		rc = SPM_OK;
	spm_stmt_finalize(s);
	return rc;
}

/* A bad record: refuse it into the reject file, note it and go on, or end the import. */
static int bad_record(import *imp, const struct batch *b, const struct item *it, spm_error *err)
{
	const spm_import_options *o = imp->opt;
	imp->sum->errors++;
	if (o->on_error)
		o->on_error(o->ctx, err);
	if (o->reject) {
		imp->sum->rejected++;
		return write_reject(imp, b, it, err, err);
	}
	if (!o->keep_going)
		return SPM_EDATA;
	if (!imp->failed) {
		imp->failed = true;
		imp->first = *err;
	}
	return SPM_OK;
}

/* Checks the references of a batch's records and writes them, in order. */
static int write_batch(import *imp, const struct batch *b, uint64_t from_read, spm_error *err)
{
	const spm_import_source *src = &imp->src[imp->cur];
	const spm_import_options *o = imp->opt;
	for (size_t k = 0; k < b->n; k++) {
		const struct item *it = &b->items[k];
		int rc = it->status;
		if (it->fatal) {
			*err = b->errs[k];
			spm_error_locate(err, err->source[0] ? NULL : src->name, it->line, NULL);
			return rc;
		}
		imp->sum->read++;
		if (rc == SPM_EDATA) {
			*err = b->errs[k];
		} else {
			work w;
			unpack(imp, b, it, &w);
			rc = check_references(imp, &w, it->line, err);
			if (rc == SPM_OK)
				rc = upsert(imp, &w, it->line, err);
			if (rc)
				spm_error_locate(err, src->name, it->line, NULL);
		}
		if (rc == SPM_EDATA)
			rc = bad_record(imp, b, it, err);
		if (rc)
			return rc;
		if (o->on_progress && imp->sum->read % PROGRESS_EVERY == 0)
			o->on_progress(o->ctx, src->name, (uint64_t)imp->sum->read - from_read, b->bytes,
				       src->size);
	}
	return SPM_OK;
}

/*
 * Reads the source on a second thread while this one writes: the reading thread fills batches,
 * this one empties them in order, until the input ends or either side fails.
 */
static int transfer(import *imp, spm_error *err)
{
	struct pipe *p = calloc(1, sizeof *p);
	uint64_t from_read = (uint64_t)imp->sum->read;
	pthread_t reader;
	int rc = SPM_OK;

	if (!p)
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	p->imp = imp;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->changed, NULL);
	if (pthread_create(&reader, NULL, read_records, p) != 0) {
		rc = spm_error_set(err, SPM_ENOMEM, "cannot start a thread");
		goto out;
	}
	for (bool last = false; !last && rc == SPM_OK;) {
		pthread_mutex_lock(&p->lock);
		while (p->filled == 0)
			pthread_cond_wait(&p->changed, &p->lock);
		pthread_mutex_unlock(&p->lock);
		const struct batch *b = &p->batches[p->next_take];
		rc = write_batch(imp, b, from_read, err);
		last = b->last;
		p->next_take = (p->next_take + 1) % NBATCHES;
		pthread_mutex_lock(&p->lock);
		p->filled--;
		pthread_cond_broadcast(&p->changed);
		pthread_mutex_unlock(&p->lock);
	}
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
	pthread_join(reader, NULL);
out:
	for (size_t i = 0; i < NBATCHES; i++)
		spm_buf_free(&p->batches[i].arena);
	pthread_cond_destroy(&p->changed);
	pthread_mutex_destroy(&p->lock);
	free(p);
	return rc;
}

static int import_source(import *imp, spm_error *err)
{
	const spm_import_source *src = &imp->src[imp->cur];
	const spm_import_options *o = imp->opt;
	spm_import_summary before = *imp->sum;
	int rc;

	imp->ntargets = 0;
	imp->reject_header_done = false;
	if ((rc = spm_reader_open(&imp->reader, src->name, src->fp, &o->reader, err)))
		return rc;
	imp->json = spm_reader_format(imp->reader) == SPM_IN_JSON ||
		    spm_reader_format(imp->reader) == SPM_IN_JSONL;
	if ((rc = begin_source(imp, &imp->import_ids[imp->cur], err)))
		goto out;
	if ((rc = spm_import_route(imp, 1, err)))
		goto out;
	if (!imp->json && (rc = spm_import_check_header(imp, err)))
		goto out;
	if ((rc = transfer(imp, err)))
		goto out;
	if (imp->sum->read == before.read && !o->allow_empty) {
		rc = spm_error_set(err, SPM_EDATA, "no records (give --allow-empty if that is fine)");
		spm_error_locate(err, src->name, 0, NULL);
		goto out;
	}
	rc = end_source(imp, &before, err);
out:
	spm_reader_close(imp->reader);
	imp->reader = NULL;
	return rc;
}

/* ---- checks after all records --------------------------------------------------------------- */

/* Locates err at the import and line a query returned in columns 0 and 1. */
static int located_error(import *imp, spm_stmt *s, spm_error *err)
{
	spm_error_locate(err, source_of_import(imp, spm_stmt_int64(s, 0)), (long)spm_stmt_int64(s, 1),
			 NULL);
	return SPM_EDATA;
}

static int create_managers(import *imp, spm_error *err)
{
	spm_stmt *s = NULL;
	int rc = spm_stmt_prepare(
		imp->st, &s,
		"INSERT INTO reps(rep_id, name, role, team, territory, import_id, line) "
		"SELECT r.manager_id, r.manager_id, 'manager', "
		"  CASE WHEN count(DISTINCT r.team) = 1 THEN min(r.team) END, "
		"  CASE WHEN count(DISTINCT r.territory) = 1 THEN min(r.territory) END, "
		"  min(r.import_id), min(r.line) "
		"FROM reps r WHERE r.import_id >= ?1 AND r.manager_id IS NOT NULL "
		"  AND NOT EXISTS (SELECT 1 FROM reps m WHERE m.rep_id = r.manager_id) "
		"GROUP BY r.manager_id ORDER BY r.manager_id",
		err);
	if (rc)
		return rc;
	if (spm_stmt_bind_int64(s, 1, imp->import_ids[0]))
		rc = spm_error_set(err, SPM_ENOMEM, "out of memory");
	else if ((rc = spm_stmt_step(s, err)) == SPM_DONE)
		rc = SPM_OK;
	if (!rc)
		imp->sum->created_managers = spm_store_changes(imp->st);
	spm_stmt_finalize(s);
	return rc;
}

/* Parents a kind names must exist, and following parents must never lead back to the start. */
static int check_hierarchy(import *imp, const char *key, const char *parent, spm_error *err)
{
	const char *t = imp->lay->table, *what = imp->lay->singular;
	char sql[1024];
	spm_stmt *s = NULL;
	int rc;

	snprintf(sql, sizeof sql,
		 "SELECT c.import_id, c.line, c.%s FROM %s c WHERE c.import_id >= ?1 AND "
		 "c.%s IS NOT NULL AND NOT EXISTS (SELECT 1 FROM %s p WHERE p.%s = c.%s) "
		 "ORDER BY c.import_id, c.line LIMIT 1",
		 parent, t, parent, t, key, parent);
	if ((rc = spm_stmt_prepare(imp->st, &s, sql, err)))
		return rc;
	if (spm_stmt_bind_int64(s, 1, imp->import_ids[0])) {
		rc = spm_error_set(err, SPM_ENOMEM, "out of memory");
	} else if ((rc = spm_stmt_step(s, err)) == SPM_ROW) {
		size_t n;
		const char *v = spm_stmt_text(s, 2, &n);
		spm_import_bad(err, "unknown parent", v, n);
		spm_error_locate(err, NULL, 0, parent);
		rc = located_error(imp, s, err);
	} else if (rc == SPM_DONE) {
		rc = SPM_OK;
	}
	spm_stmt_finalize(s);
	if (rc)
		return rc;

	snprintf(sql, sizeof sql,
		 "WITH RECURSIVE walk(start, node, depth) AS ("
		 " SELECT %s, %s, 1 FROM %s WHERE import_id >= ?1 AND %s IS NOT NULL"
		 " UNION ALL"
		 " SELECT w.start, p.%s, w.depth + 1 FROM walk w JOIN %s p ON p.%s = w.node"
		 " WHERE w.node <> w.start AND p.%s IS NOT NULL AND w.depth < 100000)"
		 " SELECT c.import_id, c.line, c.%s FROM walk w JOIN %s c ON c.%s = w.start"
		 " WHERE w.node = w.start ORDER BY c.import_id, c.line LIMIT 1",
		 key, parent, t, parent, parent, t, key, parent, key, t, key);
	if ((rc = spm_stmt_prepare(imp->st, &s, sql, err)))
		return rc;
	if (spm_stmt_bind_int64(s, 1, imp->import_ids[0])) {
		rc = spm_error_set(err, SPM_ENOMEM, "out of memory");
	} else if ((rc = spm_stmt_step(s, err)) == SPM_ROW) {
		char q[SPM_QUOTE_BUFSZ];
		size_t n;
		const char *v = spm_stmt_text(s, 2, &n);
		spm_error_set(err, SPM_EDATA, "%s %s is its own %s through %s", what,
			      spm_quote(q, sizeof q, v, n),
			      strcmp(parent, "manager_id") == 0 ? "manager" : "parent", parent);
		spm_error_locate(err, NULL, 0, parent);
		rc = located_error(imp, s, err);
	} else if (rc == SPM_DONE) {
		rc = SPM_OK;
	}
	spm_stmt_finalize(s);
	return rc;
}

static int check_credit_shares(import *imp, spm_error *err)
{
	spm_stmt *s = NULL;
	int rc = spm_stmt_prepare(
		imp->st, &s,
		"SELECT min(c.import_id), min(c.line), c.deal_id, sum(c.share) FROM credits c "
		"WHERE c.kind = 'revenue' AND c.deal_id IN "
		"  (SELECT deal_id FROM credits WHERE import_id >= ?1) "
		"GROUP BY c.deal_id HAVING sum(c.share) <> ?2 ORDER BY 1, 2 LIMIT 1",
		err);
	if (rc)
		return rc;
	if (spm_stmt_bind_int64(s, 1, imp->import_ids[0]) ||
	    spm_stmt_bind_int64(s, 2, SPM_RATE_ONE)) {
		rc = spm_error_set(err, SPM_ENOMEM, "out of memory");
	} else if ((rc = spm_stmt_step(s, err)) == SPM_ROW) {
		char q[SPM_QUOTE_BUFSZ], pct[SPM_NUM_BUFSZ];
		size_t n;
		const char *deal = spm_stmt_text(s, 2, &n);
		spm_rate_format(pct, sizeof pct, (spm_rate){spm_stmt_int64(s, 3)}, true);
		spm_error_set(err, SPM_EDATA, "revenue shares of deal %s add up to %s, not 100%%",
			      spm_quote(q, sizeof q, deal, n), pct);
		spm_error_locate(err, NULL, 0, "share");
		rc = located_error(imp, s, err);
	} else if (rc == SPM_DONE) {
		rc = SPM_OK;
	}
	spm_stmt_finalize(s);
	return rc;
}

static int check_after(import *imp, spm_error *err)
{
	int rc;
	switch (imp->kind->id) {
	case SPM_KIND_REPS:
		if ((rc = create_managers(imp, err)))
			return rc;
		return check_hierarchy(imp, "rep_id", "manager_id", err);
	case SPM_KIND_TERRITORIES:
		return check_hierarchy(imp, "territory_id", "parent_id", err);
	case SPM_KIND_ACCOUNTS:
		return check_hierarchy(imp, "account_id", "parent_id", err);
	case SPM_KIND_CREDITS:
		return check_credit_shares(imp, err);
	default:
		return SPM_OK;
	}
}

/* ---- the whole import ----------------------------------------------------------------------- */

void spm_import_options_init(spm_import_options *opt, spm_kind_id kind)
{
	memset(opt, 0, sizeof *opt);
	opt->kind = kind;
	opt->reader.format = SPM_IN_AUTO;
}

int spm_import(spm_store *st, const spm_import_options *options, const spm_import_source *src,
	       size_t nsrc, spm_import_summary *sum, spm_error *err)
{
	import imp = {0};
	int rc;

	memset(sum, 0, sizeof *sum);
	spm_error_clear(err);
	imp.st = st;
	imp.opt = options;
	imp.kind = spm_kind_get(options->kind);
	imp.src = src;
	imp.nsrc = nsrc;
	imp.sum = sum;
	if (!imp.kind || nsrc == 0)
		return spm_error_set(err, SPM_EUSAGE, "nothing to import");
	imp.import_ids = calloc(nsrc, sizeof *imp.import_ids);
	if (!imp.import_ids)
		return spm_error_set(err, SPM_ENOMEM, "out of memory");

	if ((rc = spm_store_begin(st, err))) {
		teardown(&imp);
		return rc;
	}
	if ((rc = setup(&imp, err)))
		goto fail;
	for (imp.cur = 0; imp.cur < nsrc; imp.cur++)
		if ((rc = import_source(&imp, err)))
			goto fail;
	imp.cur = nsrc - 1;
	if (imp.failed) {
		*err = imp.first;
		rc = SPM_EDATA;
		goto fail;
	}
	if ((rc = check_after(&imp, err))) {
		if (rc == SPM_EDATA) {
			sum->errors++;
			if (options->on_error)
				options->on_error(options->ctx, err);
		}
		goto fail;
	}
	/* Refused records must be safely out before the rest lands: nothing may be lost. */
	if (options->reject && (fflush(options->reject) != 0 || ferror(options->reject))) {
		rc = spm_error_set(err, SPM_EIO, "cannot write the reject file");
		goto fail;
	}
	snprintf(sum->attributes, sizeof sum->attributes, "%s",
		 imp.attr_names.data ? imp.attr_names.data : "");
	teardown(&imp);
	if (options->check_only) {
		spm_store_rollback(st);
		return SPM_OK;
	}
	if ((rc = spm_store_commit(st, err))) {
		spm_store_rollback(st);
		return rc;
	}
	return SPM_OK;
fail:
	teardown(&imp);
	spm_store_rollback(st);
	return rc;
}
