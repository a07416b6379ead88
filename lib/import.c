/*
 * import.c - loads records of one kind from readers into the store (see spm/import.h).
 *
 * The path of a record: its fields are routed to the kind's columns (by name, by --map, or into the
 * attributes), each value is checked and converted by its column type, the kind's own rules run
 * (a won deal needs an amount, a quota names one scope, ...), references to other kinds are looked up,
 * and the record is upserted by its natural key. References a kind makes to itself (a rep's manager, a
 * territory's parent) are checked once all records are in, so that a file may name a manager before
 * the manager's own line; the same pass finds loops in those hierarchies.
 *
 * The SQL for each kind is built once from the column layout below. The common case, a new key, costs
 * one INSERT; a known key costs a SELECT that compares the stored values and an UPDATE.
 */
#include "spm/import.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "spm/currency.h"
#include "spm/date.h"
#include "spm/money.h"
#include "spm/period.h"
#include "util.h"

#define MAX_COLS 16
#define MAX_TARGETS 4
#define PROGRESS_EVERY 8192

/* How a kind is stored: its table and columns, the natural key first. */
struct layout {
	const char *table;
	const char *singular; /* for messages: "unknown rep 'x'" */
	const char *cols[MAX_COLS];
	size_t nkey;
};

static const struct layout layouts[SPM_KIND_COUNT] = {
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
			     "probability", "forecast_category"},
			    1},
	[SPM_KIND_CREDITS] = {"credits", "credit", {"deal_id", "rep_id", "kind", "share"}, 3},
	[SPM_KIND_QUOTAS] = {"quotas", "quota",
			     {"scope", "scope_id", "period", "metric", "period_first", "period_last",
			      "amount"},
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
};

/* A value on its way to the store. Text the importer makes itself (an ISO date) lives in own[]. */
typedef struct value {
	enum { V_NULL, V_TEXT, V_INT } type;
	const char *s;
	size_t n;
	int64_t i;
	char own[48];
} value;

/* Where an input column goes: to up to MAX_TARGETS columns, to the attributes, or nowhere. */
typedef struct target {
	int ncols; /* -1: an attribute; -2: ignored */
	int cols[MAX_TARGETS];
} target;

struct stage_status {
	char *stage;
	char status[8];
};

struct column_memo {
	const char *name;
	int col;
};

typedef struct import {
	spm_store *st;
	const spm_import_options *opt;
	const spm_kind *kind;
	const struct layout *lay;
	size_t nstored;
	int stored_of[MAX_COLS]; /* kind column -> stored column, or -1 */
	int period_first, period_last;
	int stored_status; /* deals: the stored status column */
	const char *set_value[MAX_COLS]; /* --set, by kind column */
	struct column_memo memo[16];
	size_t nmemo;
	spm_fiscal fiscal;
	char base_currency[4];

	spm_stmt *ins, *sel, *upd, *touch;
	spm_stmt *ref[SPM_KIND_COUNT];
	spm_stmt *team_ref, *make_territory;
	spm_strset known[SPM_KIND_COUNT];
	spm_strset known_teams;

	struct stage_status *stages;
	size_t nstages;

	/* The sources of this call: import ids, for naming the first line of a duplicate. */
	const spm_import_source *src;
	size_t nsrc;
	int64_t *import_ids;
	size_t cur; /* index of the source being read */

	/* Per source. */
	spm_reader *reader;
	target *targets;
	size_t ntargets;
	const char *from_file[MAX_COLS]; /* the input column that fed each kind column */
	bool reject_header_done;

	spm_buf attrs, scratch, attr_names;
	spm_strset attr_seen;
	spm_import_summary *sum;
	bool failed;       /* keep_going: a bad record was seen */
	spm_error first;   /* ... and the first of them */
} import;

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

	imp->lay = &layouts[kind->id];
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
	spm_buf_free(&imp->scratch);
	spm_buf_free(&imp->attr_names);
	spm_strset_free(&imp->attr_seen);
}

/* ---- routing input columns ------------------------------------------------------------------ */

/* The kind column that --map reads from input column `name`, one at a time from *from. */
static int mapped_column(const import *imp, const char *name, size_t *from)
{
	for (size_t i = *from; i < imp->opt->nmaps; i++) {
		if (strcasecmp(imp->opt->maps[i].value, name) == 0) {
			*from = i + 1;
			const spm_kind_column *c = spm_kind_column_find(imp->kind,
									imp->opt->maps[i].column);
			return (int)(c - imp->kind->columns);
		}
	}
	return -1;
}

static bool column_is_mapped(const import *imp, size_t col)
{
	for (size_t i = 0; i < imp->opt->nmaps; i++)
		if (strcasecmp(imp->opt->maps[i].column, imp->kind->columns[col].name) == 0)
			return true;
	return false;
}

static int note_attribute(import *imp, const char *name)
{
	size_t n = strlen(name);
	if (spm_strset_contains(&imp->attr_seen, name, n))
		return 0;
	if (spm_strset_add(&imp->attr_seen, name, n))
		return SPM_ENOMEM;
	if (imp->attr_names.len && spm_buf_append_str(&imp->attr_names, ", "))
		return SPM_ENOMEM;
	return spm_buf_append_str(&imp->attr_names, name);
}

/* Routes input columns that the reader has named since the last call. */
static int route_new_names(import *imp, long line, spm_error *err)
{
	const char *const *names;
	size_t n = spm_reader_names(imp->reader, &names);
	const char *src = imp->src[imp->cur].name;

	if (n <= imp->ntargets)
		return SPM_OK;
	target *t = realloc(imp->targets, n * sizeof *t);
	if (!t)
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	imp->targets = t;
	for (size_t i = imp->ntargets; i < n; i++) {
		target *tg = &imp->targets[i];
		size_t from = 0;
		int col;
		tg->ncols = 0;
		if (strcasecmp(names[i], "reject_line") == 0 ||
		    strcasecmp(names[i], "reject_reason") == 0) {
			tg->ncols = -2;
			continue;
		}
		while ((col = mapped_column(imp, names[i], &from)) >= 0 && tg->ncols < MAX_TARGETS)
			tg->cols[tg->ncols++] = col;
		if (tg->ncols == 0) {
			const spm_kind_column *c = spm_kind_column_find(imp->kind, names[i]);
			size_t ci = c ? (size_t)(c - imp->kind->columns) : 0;
			if (c && column_is_mapped(imp, ci)) {
				spm_error_set(err, SPM_EDATA,
					      "column '%s' is in the input and also given by --map",
					      c->name);
				spm_error_locate(err, src, line, NULL);
				return SPM_EDATA;
			}
			if (c)
				tg->cols[tg->ncols++] = (int)ci;
		}
		for (int k = 0; k < tg->ncols; k++) {
			for (size_t j = 0; j < i; j++) {
				const target *o = &imp->targets[j];
				for (int m = 0; m < o->ncols; m++) {
					if (o->cols[m] != tg->cols[k])
						continue;
					spm_error_set(err, SPM_EDATA,
						      "column '%s' is given twice: by '%s' and '%s'",
						      imp->kind->columns[tg->cols[k]].name, names[j],
						      names[i]);
					spm_error_locate(err, src, line, NULL);
					return SPM_EDATA;
				}
			}
		}
		if (tg->ncols == 0) {
			tg->ncols = -1;
			if (note_attribute(imp, names[i]))
				return spm_error_set(err, SPM_ENOMEM, "out of memory");
		}
	}
	imp->ntargets = n;
	return SPM_OK;
}

/* With a header (CSV), every required column and every --map source must be there at the start. */
static int check_header(import *imp, spm_error *err)
{
	const char *const *names;
	size_t n = spm_reader_names(imp->reader, &names);
	const char *src = imp->src[imp->cur].name;

	for (size_t i = 0; i < imp->opt->nmaps; i++) {
		bool found = false;
		for (size_t j = 0; j < n && !found; j++)
			found = strcasecmp(names[j], imp->opt->maps[i].value) == 0;
		if (!found) {
			spm_error_set(err, SPM_EDATA, "--map %s=%s: no column '%s' in the input",
				      imp->opt->maps[i].column, imp->opt->maps[i].value,
				      imp->opt->maps[i].value);
			spm_error_locate(err, src, 1, NULL);
			return SPM_EDATA;
		}
	}
	for (size_t c = 0; c < imp->kind->ncolumns; c++) {
		const spm_kind_column *col = &imp->kind->columns[c];
		bool given = !(col->flags & SPM_COL_REQUIRED) || col->fallback;
		for (size_t i = 0; i < imp->opt->nsets && !given; i++)
			given = strcasecmp(imp->opt->sets[i].column, col->name) == 0;
		for (size_t j = 0; j < imp->ntargets && !given; j++)
			for (int k = 0; k < imp->targets[j].ncols && !given; k++)
				given = imp->targets[j].cols[k] == (int)c;
		if (!given) {
			spm_error_set(err, SPM_EDATA, "missing required column '%s'", col->name);
			spm_error_locate(err, src, 1, NULL);
			return SPM_EDATA;
		}
	}
	return SPM_OK;
}

/* ---- values --------------------------------------------------------------------------------- */

static void set_text(value *v, const char *s, size_t n)
{
	v->type = V_TEXT;
	v->s = s;
	v->n = n;
}

static void set_own(value *v, const char *s)
{
	size_t n = strlen(s);
	if (n >= sizeof v->own)
		n = sizeof v->own - 1;
	memcpy(v->own, s, n);
	v->own[n] = '\0';
	set_text(v, v->own, n);
}

static void set_int(value *v, int64_t i)
{
	v->type = V_INT;
	v->i = i;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void trim(const char **s, size_t *n)
{
	while (*n && is_blank(**s))
		(*s)++, (*n)--;
	while (*n && is_blank((*s)[*n - 1]))
		(*n)--;
}

/* "what: 'value'" */
static int bad(spm_error *err, const char *what, const char *s, size_t n)
{
	char q[SPM_QUOTE_BUFSZ];
	return spm_error_set(err, SPM_EDATA, "%s: %s", what, spm_quote(q, sizeof q, s, n));
}

static int check_enum(value *v, const spm_kind_column *c, const char *s, size_t n, spm_error *err)
{
	for (const char *const *w = c->values; *w; w++) {
		if (strlen(*w) == n && strncasecmp(*w, s, n) == 0) {
			set_text(v, *w, n);
			return SPM_OK;
		}
	}
	char q[SPM_QUOTE_BUFSZ], list[256] = "";
	size_t used = 0;
	for (const char *const *w = c->values; *w; w++) {
		int k = snprintf(list + used, sizeof list - used, "%s%s", w == c->values ? "" : ", ",
				 *w);
		if (k < 0 || (size_t)k >= sizeof list - used)
			break;
		used += (size_t)k;
	}
	return spm_error_set(err, SPM_EDATA, "unknown value %s (expected one of: %s)",
			     spm_quote(q, sizeof q, s, n), list);
}

static int check_rate_range(const spm_kind_column *c, spm_rate r, const char *s, size_t n,
			    spm_error *err)
{
	if (r.units >= c->min && r.units <= c->max)
		return SPM_OK;
	if (c->min > 0)
		return bad(err, "not greater than zero", s, n);
	return bad(err, "out of range (0..1 or 0%..100%)", s, n);
}

static int check_email(const char *s, size_t n, spm_error *err)
{
	size_t at = n, ats = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch <= ' ' || ch == 0x7F)
			return bad(err, "not an e-mail address", s, n);
		if (ch == '@')
			at = i, ats++;
	}
	if (ats != 1 || at == 0 || at + 1 >= n)
		return bad(err, "not an e-mail address", s, n);
	return SPM_OK;
}

/* Checks and converts one present value of column c into v. */
static int convert(import *imp, value *v, const spm_kind_column *c, const char *s, size_t n,
		   spm_error *err)
{
	const spm_import_options *o = imp->opt;
	char buf[SPM_NUM_BUFSZ];
	int rc;

	switch (c->type) {
	case SPM_FT_TEXT:
		set_text(v, s, n);
		return SPM_OK;
	case SPM_FT_ID:
		set_text(v, s, n);
		return SPM_OK;
	case SPM_FT_EMAIL:
		if ((rc = check_email(s, n, err)))
			return rc;
		set_text(v, s, n);
		return SPM_OK;
	case SPM_FT_DATE: {
		spm_date d;
		if ((rc = spm_date_parse(&d, s, n, o->date_layout, err)))
			return rc;
		if (!o->date_layout && n == SPM_DATE_BUFSZ - 1) {
			set_text(v, s, n); /* strict ISO that parsed is already the stored form */
		} else {
			spm_date_format(buf, sizeof buf, d);
			set_own(v, buf);
		}
		return SPM_OK;
	}
	case SPM_FT_MONEY: {
		spm_money m;
		if ((rc = spm_money_parse(&m, s, n, o->number_flags, err)))
			return rc;
		set_int(v, m.units);
		return SPM_OK;
	}
	case SPM_FT_RATE: {
		spm_rate r;
		if ((rc = spm_rate_parse(&r, s, n, o->number_flags | SPM_NUM_PERCENT, err)))
			return rc;
		if ((rc = check_rate_range(c, r, s, n, err)))
			return rc;
		set_int(v, r.units);
		return SPM_OK;
	}
	case SPM_FT_INT: {
		int64_t i;
		if ((rc = spm_int_parse(&i, s, n, c->min, c->max, err)))
			return rc;
		set_int(v, i);
		return SPM_OK;
	}
	case SPM_FT_ENUM:
		return check_enum(v, c, s, n, err);
	case SPM_FT_CURRENCY: {
		char code[4];
		if (n == 3) {
			for (size_t i = 0; i < 3; i++)
				code[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
			code[3] = '\0';
			if (spm_currency_valid(code, 3)) {
				set_own(v, code);
				return SPM_OK;
			}
		}
		return bad(err, "unknown currency code", s, n);
	}
	case SPM_FT_PERIOD: {
		spm_period p;
		if ((rc = spm_period_parse(&p, s, n, &imp->fiscal, err)))
			return rc;
		spm_period_format(buf, sizeof buf, &p);
		set_own(v, buf);
		/* The bounds travel in the value's integer: first day << 32 | last day. */
		v->i = (int64_t)((uint64_t)(uint32_t)p.first.days << 32 | (uint32_t)p.last.days);
		return SPM_OK;
	}
	}
	return spm_error_set(err, SPM_EUSAGE, "column '%s' has no type", c->name);
}

/* ---- rules of each kind --------------------------------------------------------------------- */

/* A rule's error names the kind column c (or nothing when c < 0). */
static int rule_error(import *imp, int c, spm_error *err)
{
	const char *col = c < 0 ? "" : imp->from_file[c] ? imp->from_file[c]
							  : imp->kind->columns[c].name;
	spm_error_locate(err, NULL, 0, col);
	return SPM_EDATA;
}

/*
 * The kind column called name. Rules ask for the same few names on every record, always as string
 * literals, so answers are remembered by the literal's address.
 */
static int column_of(import *imp, const char *name)
{
	for (size_t i = 0; i < imp->nmemo; i++)
		if (imp->memo[i].name == name)
			return imp->memo[i].col;
	const spm_kind_column *c = spm_kind_column_find(imp->kind, name);
	int col = c ? (int)(c - imp->kind->columns) : -1;
	if (imp->nmemo < sizeof imp->memo / sizeof imp->memo[0])
		imp->memo[imp->nmemo++] = (struct column_memo){name, col};
	return col;
}

/* dst = the parts joined with '/', as a default identifier. */
static int join_id(import *imp, value *dst, const value *const *parts, size_t nparts)
{
	spm_buf_clear(&imp->scratch);
	for (size_t i = 0; i < nparts; i++) {
		if (i && spm_buf_append_char(&imp->scratch, '/'))
			return SPM_ENOMEM;
		if (parts[i]->type == V_TEXT &&
		    spm_buf_append(&imp->scratch, parts[i]->s, parts[i]->n))
			return SPM_ENOMEM;
	}
	set_text(dst, imp->scratch.data, imp->scratch.len);
	return SPM_OK;
}

static const char *deal_status_from_stage(const import *imp, const value *stage)
{
	if (stage->type != V_TEXT)
		return "open";
	for (size_t i = 0; i < imp->nstages; i++)
		if (strlen(imp->stages[i].stage) == stage->n &&
		    memcmp(imp->stages[i].stage, stage->s, stage->n) == 0)
			return imp->stages[i].status;
	/* No stage table entry: the usual CRM names for the two closed outcomes. */
	static const char *const won[] = {"won", "closed won", "closed-won", "closedwon"};
	static const char *const lost[] = {"lost", "closed lost", "closed-lost", "closedlost"};
	for (size_t i = 0; i < sizeof won / sizeof won[0]; i++) {
		if (strlen(won[i]) == stage->n && strncasecmp(won[i], stage->s, stage->n) == 0)
			return "won";
		if (strlen(lost[i]) == stage->n && strncasecmp(lost[i], stage->s, stage->n) == 0)
			return "lost";
	}
	return "open";
}

static int team_exists(import *imp, const value *team, bool *exists, spm_error *err)
{
	int rc;
	if (spm_strset_contains(&imp->known_teams, team->s, team->n)) {
		*exists = true;
		return SPM_OK;
	}
	if (!imp->team_ref &&
	    (rc = spm_stmt_prepare(imp->st, &imp->team_ref,
				   "SELECT 1 FROM reps WHERE team = ?1 LIMIT 1", err)))
		return rc;
	spm_stmt_reset(imp->team_ref);
	if (spm_stmt_bind_text(imp->team_ref, 1, team->s, team->n))
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	rc = spm_stmt_step(imp->team_ref, err);
	if (rc < 0)
		return rc;
	*exists = rc == SPM_ROW;
	if (*exists && spm_strset_add(&imp->known_teams, team->s, team->n))
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	return SPM_OK;
}

/*
 * Fills the stored columns that no input column gives directly (a quota's scope, default ids, a
 * deal's status) and checks the rules that span columns. vals are by kind column; row by stored one.
 */
static int apply_rules(import *imp, value *vals, value *derived, const value **row,
		       spm_error *err)
{
	int rc;

	switch (imp->kind->id) {
	case SPM_KIND_REPS:
	case SPM_KIND_ASSIGNMENTS: {
		bool reps = imp->kind->id == SPM_KIND_REPS;
		int a = column_of(imp, reps ? "hire_date" : "from");
		int b = column_of(imp, reps ? "end_date" : "to");
		/* ISO dates compare as text. */
		if (vals[a].type == V_TEXT && vals[b].type == V_TEXT &&
		    memcmp(vals[b].s, vals[a].s, SPM_DATE_BUFSZ - 1) < 0) {
			spm_error_set(err, SPM_EDATA, "'%.10s' is before %s '%.10s'", vals[b].s,
				      imp->kind->columns[a].name, vals[a].s);
			return rule_error(imp, b, err);
		}
		return SPM_OK;
	}
	case SPM_KIND_DEALS: {
		int status = column_of(imp, "status");
		int s = imp->stored_status;
		if (vals[status].type == V_NULL) {
			set_own(&derived[s], deal_status_from_stage(imp, &vals[column_of(imp, "stage")]));
			row[s] = &derived[s];
		}
		if (strcmp(row[s]->s, "won") == 0) {
			static const char *const needed[] = {"amount", "close_date"};
			for (size_t i = 0; i < 2; i++) {
				int c = column_of(imp, needed[i]);
				if (vals[c].type == V_NULL) {
					spm_error_set(err, SPM_EDATA, "missing value for a won deal");
					return rule_error(imp, c, err);
				}
			}
		}
		return SPM_OK;
	}
	case SPM_KIND_QUOTAS: {
		static const char *const scopes[] = {"rep_id", "team", "territory"};
		static const char *const scope_names[] = {"rep", "team", "territory"};
		int found = -1;
		for (int i = 0; i < 3; i++) {
			if (vals[column_of(imp, scopes[i])].type == V_NULL)
				continue;
			if (found >= 0) {
				spm_error_set(err, SPM_EDATA,
					      "give one of rep_id, team, territory, not both %s and %s",
					      scopes[found], scopes[i]);
				return rule_error(imp, column_of(imp, scopes[i]), err);
			}
			found = i;
		}
		if (found < 0) {
			spm_error_set(err, SPM_EDATA, "give one of rep_id, team, territory");
			return rule_error(imp, -1, err);
		}
		const value *id = &vals[column_of(imp, scopes[found])];
		if (found == 1) {
			bool exists;
			if ((rc = team_exists(imp, id, &exists, err)))
				return rc;
			if (!exists) {
				bad(err, "unknown team", id->s, id->n);
				return rule_error(imp, column_of(imp, "team"), err);
			}
		}
		set_own(&derived[0], scope_names[found]);
		derived[1] = *id;
		row[0] = &derived[0];
		row[1] = &derived[1];
		const value *amount = &vals[column_of(imp, "amount")];
		if (amount->type == V_INT && amount->i < 0) {
			spm_error_set(err, SPM_EDATA, "a quota cannot be negative");
			return rule_error(imp, column_of(imp, "amount"), err);
		}
		return SPM_OK;
	}
	case SPM_KIND_ACTIVITIES:
	case SPM_KIND_ADJUSTMENTS: {
		bool act = imp->kind->id == SPM_KIND_ACTIVITIES;
		if (vals[0].type != V_NULL)
			return SPM_OK;
		const value *parts[3];
		static const char *const act_parts[] = {"rep_id", "date", "kind"};
		static const char *const adj_parts[] = {"rep_id", "period", "reason"};
		for (int i = 0; i < 3; i++)
			parts[i] = &vals[column_of(imp, act ? act_parts[i] : adj_parts[i])];
		if (join_id(imp, &derived[0], parts, 3))
			return spm_error_set(err, SPM_ENOMEM, "out of memory");
		row[0] = &derived[0];
		return SPM_OK;
	}
	case SPM_KIND_FX: {
		int base = column_of(imp, "base"), cur = column_of(imp, "currency");
		if (vals[base].type == V_NULL) {
			set_own(&derived[0], imp->base_currency);
			row[0] = &derived[0];
		}
		if (strcmp(row[0]->s, vals[cur].own) == 0) {
			spm_error_set(err, SPM_EDATA, "currency '%s' is the base currency",
				      vals[cur].own);
			return rule_error(imp, cur, err);
		}
		return SPM_OK;
	}
	default:
		return SPM_OK;
	}
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

/* Looks up a reference to another kind; known keys are cached for the rest of the import. */
static int check_reference(import *imp, spm_kind_id kind, const value *v, bool *exists,
			   spm_error *err)
{
	int rc;
	if (spm_strset_contains(&imp->known[kind], v->s, v->n)) {
		*exists = true;
		return SPM_OK;
	}
	if (!imp->ref[kind]) {
		char sql[128];
		snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE %s = ?1", layouts[kind].table,
			 layouts[kind].cols[0]);
		if ((rc = spm_stmt_prepare(imp->st, &imp->ref[kind], sql, err)))
			return rc;
	}
	spm_stmt *s = imp->ref[kind];
	spm_stmt_reset(s);
	if (spm_stmt_bind_text(s, 1, v->s, v->n))
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	if ((rc = spm_stmt_step(s, err)) < 0)
		return rc;
	*exists = rc == SPM_ROW;
	if (*exists && spm_strset_add(&imp->known[kind], v->s, v->n))
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	return SPM_OK;
}

static int check_references(import *imp, const value *vals, long line, spm_error *err)
{
	for (size_t c = 0; c < imp->kind->ncolumns; c++) {
		const spm_kind_column *col = &imp->kind->columns[c];
		spm_kind_id to = col->refers;
		bool exists;
		int rc;
		if (to == SPM_KIND_COUNT || to == imp->kind->id || vals[c].type == V_NULL)
			continue;
		if ((rc = check_reference(imp, to, &vals[c], &exists, err)))
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
		spm_error_set(err, SPM_EDATA, "unknown %s %s%s", layouts[to].singular,
			      spm_quote(q, sizeof q, vals[c].s, vals[c].n),
			      to == SPM_KIND_TERRITORIES ? " (import territories first, or give "
							   "--create-territories)"
							 : "");
		return rule_error(imp, (int)c, err);
	}
	return SPM_OK;
}

/* ---- writing -------------------------------------------------------------------------------- */

/* Binds the row's values, attrs, import and line (without copies: they outlive the step): parameters 1..n+3, or 1..n+1 with `origin` false
 * (the SELECT that compares values names no origin, and SQLite refuses a parameter it lacks). */
static int bind_row(spm_stmt *s, const import *imp, const value *const *row, long line,
		    bool origin)
{
	int rc = 0;
	for (size_t i = 0; i < imp->nstored; i++) {
		const value *v = row[i];
		int idx = (int)i + 1;
		if (!v || v->type == V_NULL)
			rc |= spm_stmt_bind_null(s, idx);
		else if (v->type == V_INT)
			rc |= spm_stmt_bind_int64(s, idx, v->i);
		else
			rc |= spm_stmt_bind_text_static(s, idx, v->s, v->n);
	}
	int a = (int)imp->nstored + 1;
	if (imp->attrs.len)
		rc |= spm_stmt_bind_text_static(s, a, imp->attrs.data, imp->attrs.len);
	else
		rc |= spm_stmt_bind_null(s, a);
	if (origin) {
		rc |= spm_stmt_bind_int64(s, a + 1, imp->import_ids[imp->cur]);
		rc |= spm_stmt_bind_int64(s, a + 2, line);
	}
	return rc ? SPM_ENOMEM : SPM_OK;
}

/* Binds and steps s once: SPM_ROW, SPM_DONE or a negative status. */
static int run(spm_stmt *s, const import *imp, const value *const *row, long line,
	       spm_error *err)
{
	spm_stmt_reset(s);
	if (bind_row(s, imp, row, line, s != imp->sel))
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

static int duplicate_error(import *imp, const value *const *row, int64_t import_id, int64_t line,
			   spm_error *err)
{
	const value *parts[MAX_COLS];
	char q[SPM_QUOTE_BUFSZ];
	for (size_t i = 0; i < imp->lay->nkey; i++)
		parts[i] = row[i];
	if (join_id(imp, &(value){0}, parts, imp->lay->nkey))
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	spm_quote(q, sizeof q, imp->scratch.data, imp->scratch.len);
	if (import_id == imp->import_ids[imp->cur])
		spm_error_set(err, SPM_EDATA, "duplicate key %s (first on line %" PRId64 ")", q, line);
	else
		spm_error_set(err, SPM_EDATA, "duplicate key %s (first in %s:%" PRId64 ")", q,
			      source_of_import(imp, import_id), line);
	return SPM_EDATA;
}

static int upsert(import *imp, const value *const *row, long line, spm_error *err)
{
	int rc;
	if ((rc = run(imp->ins, imp, row, line, err)) < 0)
		return rc;
	if (spm_store_changes(imp->st) == 1) {
		imp->sum->added++;
		return SPM_OK;
	}
	if ((rc = run(imp->sel, imp, row, line, err)) < 0)
		return rc;
	if (rc != SPM_ROW)
		return spm_error_set(err, SPM_ESTORE, "%s: a record vanished during the import",
				     imp->lay->table);
	int64_t prev_import = spm_stmt_int64(imp->sel, 0), prev_line = spm_stmt_int64(imp->sel, 1);
	bool same = spm_stmt_int64(imp->sel, 2) != 0;
	spm_stmt_reset(imp->sel);
	if (prev_import >= imp->import_ids[0])
		return duplicate_error(imp, row, prev_import, prev_line, err);
	if (same)
		imp->sum->unchanged++;
	else
		imp->sum->updated++;
	rc = run(same ? imp->touch : imp->upd, imp, row, line, err);
	return rc < 0 ? rc : SPM_OK;
}

/* ---- one record ----------------------------------------------------------------------------- */

/*
 * Validates one record and writes it. Returns SPM_OK, SPM_EDATA for a bad record (err located),
 * or another negative status for a failure that ends the import.
 */
static int process(import *imp, const spm_record *rec, spm_error *err)
{
	const spm_kind *kind = imp->kind;
	const char *const *names;
	const spm_field *given[MAX_COLS] = {0};
	value vals[MAX_COLS], derived[MAX_COLS];
	const value *row[MAX_COLS] = {0};
	int rc;

	spm_reader_names(imp->reader, &names);
	spm_buf_clear(&imp->attrs);
	for (size_t f = 0; f < rec->nfields; f++) {
		const spm_field *fd = &rec->fields[f];
		const target *t = &imp->targets[fd->name];
		if (t->ncols == -1 && !fd->is_null && fd->len) {
			rc = spm_buf_append_char(&imp->attrs, imp->attrs.len ? ',' : '{');
			rc |= spm_buf_append_json_string(&imp->attrs, names[fd->name],
							 strlen(names[fd->name]));
			rc |= spm_buf_append_char(&imp->attrs, ':');
			rc |= spm_buf_append_json_string(&imp->attrs, fd->value, fd->len);
			if (rc)
				return spm_error_set(err, SPM_ENOMEM, "out of memory");
		}
		for (int k = 0; k < t->ncols; k++)
			given[t->cols[k]] = fd;
	}
	if (imp->attrs.len && spm_buf_append_char(&imp->attrs, '}'))
		return spm_error_set(err, SPM_ENOMEM, "out of memory");

	for (size_t c = 0; c < kind->ncolumns; c++) {
		const spm_kind_column *col = &kind->columns[c];
		const char *s = NULL;
		size_t n = 0;
		vals[c].type = V_NULL;
		imp->from_file[c] = NULL;
		if (given[c] && !given[c]->is_null) {
			s = given[c]->value, n = given[c]->len;
			if (col->type != SPM_FT_TEXT)
				trim(&s, &n);
			imp->from_file[c] = names[given[c]->name];
		}
		if (n == 0) {
			const char *set = imp->set_value[c];
			s = set ? set : col->fallback;
			n = s ? strlen(s) : 0;
			if (set)
				imp->from_file[c] = NULL;
		}
		if (s && (n > 0 || (col->fallback && !*col->fallback))) {
			if ((rc = convert(imp, &vals[c], col, s, n, err))) {
				rule_error(imp, (int)c, err);
				return rc;
			}
		} else if (col->flags & SPM_COL_REQUIRED) {
			spm_error_set(err, SPM_EDATA,
				      (col->flags & SPM_COL_KEY) ? "empty key" : "missing value");
			return rule_error(imp, (int)c, err);
		}
		if (imp->stored_of[c] >= 0)
			row[imp->stored_of[c]] = &vals[c];
		if (col->type == SPM_FT_PERIOD && vals[c].type == V_TEXT) {
			char d[SPM_DATE_BUFSZ];
			spm_date first = {(int32_t)(vals[c].i >> 32)};
			spm_date last = {(int32_t)(uint32_t)vals[c].i};
			spm_date_format(d, sizeof d, first);
			set_own(&derived[imp->period_first], d);
			spm_date_format(d, sizeof d, last);
			set_own(&derived[imp->period_last], d);
			row[imp->period_first] = &derived[imp->period_first];
			row[imp->period_last] = &derived[imp->period_last];
		}
	}
	if ((rc = apply_rules(imp, vals, derived, row, err)))
		return rc;
	if ((rc = check_references(imp, vals, rec->line, err)))
		return rc;
	return upsert(imp, row, rec->line, err);
}

/* ---- reject file ---------------------------------------------------------------------------- */

static int csv_cell(FILE *fp, const char *s, size_t n, bool last)
{
	bool quote = n && (is_blank(s[0]) || is_blank(s[n - 1]));
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

static int write_reject(import *imp, const spm_record *rec, const spm_error *why, spm_error *err)
{
	FILE *fp = imp->opt->reject;
	const char *const *names;
	size_t nnames = spm_reader_names(imp->reader, &names);
	char reason[1024], line[32];
	spm_error shown = *why;

	shown.source[0] = '\0';
	shown.line = 0;
	spm_error_format(&shown, reason, sizeof reason);
	snprintf(line, sizeof line, "%ld", rec->line);

	if (spm_reader_format(imp->reader) == SPM_IN_JSON ||
	    spm_reader_format(imp->reader) == SPM_IN_JSONL) {
		spm_buf *b = &imp->scratch;
		int rc = 0;
		spm_buf_clear(b);
		rc |= spm_buf_append_char(b, '{');
		for (size_t f = 0; f < rec->nfields; f++) {
			const spm_field *fd = &rec->fields[f];
			rc |= spm_buf_append_json_string(b, names[fd->name], strlen(names[fd->name]));
			rc |= spm_buf_append_char(b, ':');
			if (fd->is_null)
				rc |= spm_buf_append_str(b, "null");
			else
				rc |= spm_buf_append_json_string(b, fd->value, fd->len);
			rc |= spm_buf_append_char(b, ',');
		}
		rc |= spm_buf_printf(b, "\"reject_line\":%ld,\"reject_reason\":", rec->line);
		rc |= spm_buf_append_json_string(b, reason, strlen(reason));
		rc |= spm_buf_append_str(b, "}\n");
		if (rc)
			return spm_error_set(err, SPM_ENOMEM, "out of memory");
		if (fwrite(b->data, 1, b->len, fp) != b->len)
			return spm_error_set(err, SPM_EIO, "cannot write the reject file");
		return SPM_OK;
	}
	int rc = SPM_OK;
	if (!imp->reject_header_done) {
		for (size_t i = 0; i < nnames; i++)
			rc |= csv_cell(fp, names[i], strlen(names[i]), false);
		rc |= csv_cell(fp, "reject_line", 11, false);
		rc |= csv_cell(fp, "reject_reason", 13, true);
		imp->reject_header_done = true;
	}
	for (size_t f = 0; f < rec->nfields; f++)
		rc |= csv_cell(fp, rec->fields[f].value, rec->fields[f].len, false);
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
static int bad_record(import *imp, const spm_record *rec, spm_error *err)
{
	const spm_import_options *o = imp->opt;
	imp->sum->errors++;
	if (o->on_error)
		o->on_error(o->ctx, err);
	if (o->reject) {
		imp->sum->rejected++;
		return write_reject(imp, rec, err, err);
	}
	if (!o->keep_going)
		return SPM_EDATA;
	if (!imp->failed) {
		imp->failed = true;
		imp->first = *err;
	}
	return SPM_OK;
}

static int import_source(import *imp, spm_error *err)
{
	const spm_import_source *src = &imp->src[imp->cur];
	const spm_import_options *o = imp->opt;
	spm_import_summary before = *imp->sum;
	spm_record rec;
	int rc;

	imp->ntargets = 0;
	imp->reject_header_done = false;
	if ((rc = spm_reader_open(&imp->reader, src->name, src->fp, &o->reader, err)))
		return rc;
	if ((rc = begin_source(imp, &imp->import_ids[imp->cur], err)))
		goto out;
	if ((rc = route_new_names(imp, 1, err)))
		goto out;
	if (spm_reader_format(imp->reader) == SPM_IN_CSV ||
	    spm_reader_format(imp->reader) == SPM_IN_TSV)
		if ((rc = check_header(imp, err)))
			goto out;

	while ((rc = spm_reader_next(imp->reader, &rec, err)) == 1) {
		imp->sum->read++;
		if ((rc = route_new_names(imp, rec.line, err)))
			goto out;
		rc = process(imp, &rec, err);
		if (rc == SPM_EDATA) {
			spm_error_locate(err, src->name, rec.line, NULL);
			if ((rc = bad_record(imp, &rec, err)))
				goto out;
		} else if (rc) {
			spm_error_locate(err, src->name, rec.line, NULL);
			goto out;
		}
		if (o->on_progress && imp->sum->read % PROGRESS_EVERY == 0)
			o->on_progress(o->ctx, src->name, (uint64_t)(imp->sum->read - before.read),
				       spm_reader_bytes(imp->reader), src->size);
	}
	if (rc < 0)
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
		bad(err, "unknown parent", v, n);
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
