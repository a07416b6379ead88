/*
 * import_record.c - the reading half of an import (see import_impl.h): a record's fields are routed
 * to the kind's columns (by name, by --map, or into the attributes), each value is checked and
 * converted by its column's type, and the kind's own rules run (a won deal needs an amount, a quota
 * names one scope, ...). Nothing here touches the store, so it runs beside the writing half.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_impl.h"
#include "spm/currency.h"
#include "spm/date.h"
#include "spm/money.h"
#include "spm/period.h"
#include "util.h"

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

int spm_import_route(import *imp, long line, spm_error *err)
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

int spm_import_check_header(import *imp, spm_error *err)
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

static void trim(const char **s, size_t *n)
{
	while (*n && spm_is_blank(**s))
		(*s)++, (*n)--;
	while (*n && spm_is_blank((*s)[*n - 1]))
		(*n)--;
}

int spm_import_bad(spm_error *err, const char *what, const char *s, size_t n)
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
		return spm_import_bad(err, "not greater than zero", s, n);
	return spm_import_bad(err, "out of range (0..1 or 0%..100%)", s, n);
}

static int check_email(const char *s, size_t n, spm_error *err)
{
	size_t at = n, ats = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch <= ' ' || ch == 0x7F)
			return spm_import_bad(err, "not an e-mail address", s, n);
		if (ch == '@')
			at = i, ats++;
	}
	if (ats != 1 || at == 0 || at + 1 >= n)
		return spm_import_bad(err, "not an e-mail address", s, n);
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
		return spm_import_bad(err, "unknown currency code", s, n);
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

int spm_import_column_error(const import *imp, const work *w, int c, spm_error *err)
{
	const char *col = c < 0 ? "" : w->from_file[c] ? w->from_file[c] : imp->kind->columns[c].name;
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

int spm_import_join(spm_buf *buf, const value *const *parts, size_t nparts)
{
	spm_buf_clear(buf);
	for (size_t i = 0; i < nparts; i++) {
		if (i && spm_buf_append_char(buf, '/'))
			return SPM_ENOMEM;
		if (parts[i]->type == V_TEXT && spm_buf_append(buf, parts[i]->s, parts[i]->n))
			return SPM_ENOMEM;
	}
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

/*
 * Fills the stored columns that no input column gives directly (a quota's scope, default ids, a
 * deal's status) and checks the rules that span columns. vals are by kind column; row by stored one.
 */
static int apply_rules(import *imp, work *w, spm_error *err)
{
	value *vals = w->vals, *derived = w->derived;
	const value **row = w->row;

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
			return spm_import_column_error(imp, w, b, err);
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
					return spm_import_column_error(imp, w, c, err);
				}
			}
		}
		int close = column_of(imp, "close_date"), cancel = column_of(imp, "cancel_date");
		if (vals[cancel].type == V_TEXT && vals[close].type == V_TEXT &&
		    memcmp(vals[cancel].s, vals[close].s, SPM_DATE_BUFSZ - 1) < 0) {
			spm_error_set(err, SPM_EDATA, "'%.10s' is before close_date '%.10s'",
				      vals[cancel].s, vals[close].s);
			return spm_import_column_error(imp, w, cancel, err);
		}
		return SPM_OK;
	}
	case SPM_KIND_QUOTAS:
	case SPM_KIND_CALLS: {
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
				return spm_import_column_error(imp, w, column_of(imp, scopes[i]), err);
			}
			found = i;
		}
		if (found < 0) {
			spm_error_set(err, SPM_EDATA, "give one of rep_id, team, territory");
			return spm_import_column_error(imp, w, -1, err);
		}
		const value *id = &vals[column_of(imp, scopes[found])];
		set_own(&derived[0], scope_names[found]);
		derived[1] = *id;
		row[0] = &derived[0];
		row[1] = &derived[1];
		const value *amount = &vals[column_of(imp, "amount")];
		if (amount->type == V_INT && amount->i < 0) {
			spm_error_set(err, SPM_EDATA, imp->kind->id == SPM_KIND_CALLS
			                                  ? "a call cannot be negative"
			                                  : "a quota cannot be negative");
			return spm_import_column_error(imp, w, column_of(imp, "amount"), err);
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
		if (spm_import_join(&imp->rscratch, parts, 3))
			return spm_error_set(err, SPM_ENOMEM, "out of memory");
		set_text(&derived[0], imp->rscratch.data, imp->rscratch.len);
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
			return spm_import_column_error(imp, w, cur, err);
		}
		return SPM_OK;
	}
	case SPM_KIND_BUDGETS: {
		const value *amount = &vals[column_of(imp, "amount")];
		if (amount->type == V_INT && amount->i < 0) {
			spm_error_set(err, SPM_EDATA, "a budget cannot be negative");
			return spm_import_column_error(imp, w, column_of(imp, "amount"), err);
		}
		return SPM_OK;
	}
	default:
		return SPM_OK;
	}
}

/* ---- one record ----------------------------------------------------------------------------- */

int spm_import_validate(import *imp, const spm_record *rec, work *w, spm_error *err)
{
	const spm_kind *kind = imp->kind;
	const char *const *names;
	const spm_field *given[MAX_COLS] = {0};
	value *vals = w->vals, *derived = w->derived;
	const value **row = w->row;
	int rc;

	memset(w->row, 0, sizeof w->row);

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
		w->from_file[c] = NULL;
		if (given[c] && !given[c]->is_null) {
			s = given[c]->value, n = given[c]->len;
			if (col->type != SPM_FT_TEXT)
				trim(&s, &n);
			w->from_file[c] = names[given[c]->name];
		}
		if (n == 0) {
			const char *set = imp->set_value[c];
			s = set ? set : col->fallback;
			n = s ? strlen(s) : 0;
			if (set)
				w->from_file[c] = NULL;
		}
		if (s && (n > 0 || (col->fallback && !*col->fallback))) {
			if ((rc = convert(imp, &vals[c], col, s, n, err))) {
				spm_import_column_error(imp, w, (int)c, err);
				return rc;
			}
		} else if (col->flags & SPM_COL_REQUIRED) {
			spm_error_set(err, SPM_EDATA,
				      (col->flags & SPM_COL_KEY) ? "empty key" : "missing value");
			return spm_import_column_error(imp, w, (int)c, err);
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
	w->attrs = imp->attrs.len ? imp->attrs.data : NULL;
	w->attrs_len = imp->attrs.len;
	return apply_rules(imp, w, err);
}
