/*
 * credit.c - credit lines from the store by a plan's credit rule (see spm/credit.h). One query
 * gathers every role's lines, as one SELECT per role joined by UNION ALL; shares are applied here,
 * in exact arithmetic.
 *
 * Speed: the run asks once per component for all reps (a whole period of a large store), explain
 * asks for one rep. So the rep condition is written into each role's SELECT, where it reaches the
 * rep's rows through an index (credits by rep, deals by rep, reps by manager), instead of filtering
 * the union of everyone's lines afterwards. The deal filters are one SQL fragment repeated in each
 * SELECT with numbered parameters, so the values are bound once however often they appear.
 */
#include "spm/credit.h"

#include <stdio.h>
#include <string.h>

#include "rounding.h"
#include "stmtutil.h"
#include "util.h"

const char *spm_credit_role_name(spm_credit_role role)
{
	switch (role) {
	case SPM_ROLE_OWNER:
		return "owner";
	case SPM_ROLE_SPLIT:
		return "split";
	case SPM_ROLE_OVERLAY:
		return "overlay";
	case SPM_ROLE_TEAM:
		return "team";
	case SPM_ROLE_TERRITORY:
		return "territory";
	}
	return "?";
}

/* The `where` fields that are deal columns; any other name is an imported attribute. */
static const char *const where_columns[] = {
    "account", "product", "type", "stage", "territory", "currency", "forecast_category",
};

static const char *where_column(const char *field)
{
	for (size_t i = 0; i < sizeof where_columns / sizeof where_columns[0]; i++)
		if (strcmp(field, where_columns[i]) == 0)
			return where_columns[i];
	return NULL;
}

/* Parameters: ?1 and ?2 the dates a deal may lie between, ?3 the rep, ?4 the range's last day. */
enum { P_FROM = 1, P_TO, P_REP, P_LAST, P_ROW_FROM, P_ROW_TO, P_FIRST_WORD };

static int append_list(spm_buf *sql, size_t n, int *param)
{
	int rc = spm_buf_append_str(sql, " IN (");
	for (size_t i = 0; i < n; i++)
		rc |= spm_buf_printf(sql, i ? ", ?%d" : "?%d", (*param)++);
	rc |= spm_buf_append_char(sql, ')');
	return rc;
}

static int append_in(spm_buf *sql, const char *column, const spm_plan_words *w, int *param)
{
	if (w->n == 0)
		return 0;
	return spm_buf_printf(sql, " AND d.%s", column) | append_list(sql, w->n, param);
}

/*
 * The conditions on a deal `d`, the same in every role's SELECT: amount, date (range and window),
 * not cancelled by the range's last day, status, and the rule's filters.
 */
static int build_deal_filter(spm_buf *f, const spm_plan_credit *rule, const char *date,
                             bool sliced)
{
	static const char *const status_words[] = {"open", "won", "lost"};
	int rc = 0, param = P_FIRST_WORD;

	rc |=
	    spm_buf_printf(f,
	                   "d.amount IS NOT NULL AND d.%s BETWEEN ?%d AND ?%d"
	                   " AND (d.cancel_date IS NULL OR d.cancel_date > ?%d) AND d.status IN (",
	                   date, P_FROM, P_TO, P_LAST);
	bool first = true;
	for (unsigned k = 0; k < 3; k++) {
		if (!(rule->statuses & (1u << k)))
			continue;
		rc |= spm_buf_printf(f, "%s'%s'", first ? "" : ", ", status_words[k]);
		first = false;
	}
	if (first)
		rc |= spm_buf_append_str(f, "NULL");
	rc |= spm_buf_append_char(f, ')');
	if (sliced) /* SQLite: a slice of the table by rowid */
		rc |= spm_buf_printf(f, " AND d.rowid BETWEEN ?%d AND ?%d", P_ROW_FROM, P_ROW_TO);
	rc |= append_in(f, "type", &rule->types, &param);
	rc |= append_in(f, "product", &rule->products, &param);
	rc |= append_in(f, "stage", &rule->stages, &param);
	for (size_t i = 0; i < rule->nwhere; i++) {
		const spm_plan_filter *w = &rule->where[i];
		const char *col = where_column(w->field);
		if (col) {
			rc |= spm_buf_printf(f, " AND d.%s", col);
		} else {
			/* SQLite: json_extract; the path is bound, so a name is never SQL. */
			rc |= spm_buf_printf(f, " AND CAST(json_extract(d.attrs, ?%d) AS TEXT)",
			                     param++);
		}
		rc |= append_list(f, w->values.n, &param);
	}
	return rc;
}

#define ALL_ROLES                                                                                  \
	(SPM_CREDIT_OWNER | SPM_CREDIT_SPLIT | SPM_CREDIT_OVERLAY | SPM_CREDIT_TEAM |              \
	 SPM_CREDIT_TERRITORY)

/* The columns every role's SELECT gives, in this order. */
#define LINE_COLUMNS                                                                          \
	"rep_id, deal_id, role, share, amount, margin, currency, day, via_rep, type, product, stage," \
	" status, probability, forecast_category"

/*
 * The deal's status, probability and forecast category from table `t`, or NULLs when the caller
 * does not want them: reading them costs a commission run's pass about a twelfth of its time.
 */
static int append_forecast(spm_buf *sql, bool fc, const char *t)
{
	if (!fc)
		return spm_buf_append_str(sql, ", NULL, NULL, NULL");
	return spm_buf_printf(sql, ", %s.status, %s.probability, %s.forecast_category", t, t, t);
}

/* A line's columns: the deal's from table `t` (deals, or `sold`), the rest as given. */
static int append_select(spm_buf *sql, const char **sep, const char *rep, int role,
                         const char *share, const char *via, const char *t, const char *date,
                         bool fc)
{
	int rc =
	    spm_buf_printf(sql,
	                   "%sSELECT %s, %s.deal_id, %d, %s, %s.amount, %s.margin, %s.currency,"
	                   " %s.%s, %s, %s.type, %s.product, %s.stage",
	                   *sep, rep, t, role, share, t, t, t, t, date, via, t, t, t);
	rc |= append_forecast(sql, fc, t);
	*sep = " UNION ALL ";
	return rc;
}

/* A line of `sold`: the columns of a line without its role and via_rep. */
static int append_sold(spm_buf *sql, const char **sep, const char *rep, const char *share,
                       const char *date, bool fc)
{
	int rc =
	    spm_buf_printf(sql,
	                   "%sSELECT %s, d.deal_id, %s, d.amount, d.margin, d.currency, d.%s,"
	                   " d.type, d.product, d.stage",
	                   *sep, rep, share, date);
	rc |= append_forecast(sql, fc, "d");
	*sep = " UNION ALL ";
	return rc;
}

/* A deal whose owner is credited: it has no revenue split. */
#define NO_SPLIT                                                                                   \
	"NOT EXISTS (SELECT 1 FROM credits s WHERE s.deal_id = d.deal_id AND s.kind = 'revenue')"

/* One manager's reps (`below` then holds that manager's pairs only), without the manager. */
#define TEAM_OF_ONE "SELECT b.rep_id FROM below b WHERE b.rep_id <> ?3"

/*
 * The query. Recursive CTEs: `below` pairs each manager with every rep under them (or only their
 * direct reports); `under` pairs each rep's territory with itself and every territory below it.
 * UNION (not UNION ALL) in both ends a loop in the hierarchy instead of recursing forever.
 */
static int build_query(spm_buf *sql, const spm_credit_query *q, const char *filter)
{
	const spm_plan_credit *rule = q->rule;
	const char *date = rule->date == SPM_DATE_CREATED ? "created_date" : "close_date";
	bool one = q->rep_id != NULL;
	char share_one[32];
	const char *sep = "";
	int rc = 0;

	snprintf(share_one, sizeof share_one, "%lld", (long long)SPM_RATE_ONE);

	rc |= spm_buf_append_str(sql, "WITH RECURSIVE ");
	if (rule->roles & SPM_CREDIT_TEAM) {
		rc |= spm_buf_printf(sql,
		                     "below(manager_id, rep_id) AS (SELECT r.manager_id, r.rep_id"
		                     " FROM reps r WHERE r.manager_id %s",
		                     one ? "= ?3" : "IS NOT NULL");
		if (!q->team_direct_only)
			rc |= spm_buf_append_str(sql,
			                         " UNION SELECT b.manager_id, r.rep_id FROM below b"
			                         " JOIN reps r ON r.manager_id = b.rep_id");
		rc |= spm_buf_append_str(sql, "), ");
	}
	if ((rule->roles & SPM_CREDIT_TEAM) && !one) {
		/*
		 * Everyone's owner and split lines, read once and joined to every manager above:
		 * twice as fast on a large store as looking up each (manager, rep) pair's deals.
		 */
		const char *sep_sold = "";
		rc |=
		    spm_buf_append_str(sql, "sold(rep_id, deal_id, share, amount, margin, currency,"
		                            " day, type, product, stage, status, probability,"
		                            " forecast_category) AS (");
		rc |= append_sold(sql, &sep_sold, "d.rep_id", share_one, date, q->forecast_fields);
		rc |= spm_buf_printf(
		    sql, " FROM deals d WHERE d.rep_id IS NOT NULL AND %s AND " NO_SPLIT, filter);
		rc |= append_sold(sql, &sep_sold, "c.rep_id", "c.share", date, q->forecast_fields);
		rc |= spm_buf_printf(sql,
		                     " FROM credits c JOIN deals d ON d.deal_id = c.deal_id"
		                     " WHERE c.kind = 'revenue' AND %s), ",
		                     filter);
	}
	if (rule->roles & SPM_CREDIT_TERRITORY)
		rc |= spm_buf_printf(
		    sql,
		    "under(top, territory) AS (SELECT DISTINCT r.territory, r.territory FROM reps r"
		    " WHERE r.territory IS NOT NULL%s"
		    " UNION SELECT u.top, t.territory_id FROM under u"
		    " JOIN territories t ON t.parent_id = u.territory), ",
		    one ? " AND r.rep_id = ?3" : "");
	if ((rule->roles & SPM_CREDIT_TERRITORY) && !one)
		/* MATERIALIZED (SQLite 3.35, PostgreSQL 12): indexed for the lookups. */
		rc |= spm_buf_append_str(sql,
		                         "seats(rep_id, territory) AS MATERIALIZED (SELECT rep_id,"
		                         " territory FROM reps WHERE territory IS NOT NULL), ");
	rc |= spm_buf_append_str(sql, "lines(" LINE_COLUMNS ") AS (");

	bool both = (rule->roles & SPM_CREDIT_OWNER) && (rule->roles & SPM_CREDIT_SPLIT);
	if (both && !one) {
		/*
		 * Everyone's owner and split lines in one pass over the range's deals: a deal with
		 * a revenue split gives its split lines, one without gives its owner's line. Twice
		 * as fast on a large store as an owner pass and a split pass (which reads every
		 * split ever imported before the date can drop it).
		 */
		rc |= spm_buf_printf(
		    sql,
		    "SELECT coalesce(c.rep_id, d.rep_id), d.deal_id, CASE WHEN c.rep_id IS NULL"
		    " THEN %d ELSE %d END, coalesce(c.share, %s), d.amount, d.margin, d.currency,"
		    " d.%s, NULL, d.type, d.product, d.stage%s FROM deals d LEFT JOIN credits c"
		    " ON c.deal_id = d.deal_id"
		    " AND c.kind = 'revenue' WHERE %s AND (c.rep_id IS NOT NULL OR"
		    " d.rep_id IS NOT NULL)",
		    SPM_ROLE_OWNER, SPM_ROLE_SPLIT, share_one, date,
		    q->forecast_fields ? ", d.status, d.probability, d.forecast_category"
		                       : ", NULL, NULL, NULL",
		    filter);
		sep = " UNION ALL ";
	}
	if ((rule->roles & SPM_CREDIT_OWNER) && !(both && !one)) {
		rc |= append_select(sql, &sep, "d.rep_id", SPM_ROLE_OWNER, share_one, "NULL", "d",
		                    date, q->forecast_fields);
		rc |= spm_buf_printf(sql, " FROM deals d WHERE d.rep_id %s AND %s AND " NO_SPLIT,
		                     one ? "= ?3" : "IS NOT NULL", filter);
	}
	if ((rule->roles & SPM_CREDIT_SPLIT) && !(both && !one)) {
		rc |= append_select(sql, &sep, "c.rep_id", SPM_ROLE_SPLIT, "c.share", "NULL", "d",
		                    date, q->forecast_fields);
		rc |= spm_buf_printf(sql,
		                     " FROM credits c JOIN deals d ON d.deal_id = c.deal_id"
		                     " WHERE c.kind = 'revenue'%s AND %s",
		                     one ? " AND c.rep_id = ?3" : "", filter);
	}
	if (rule->roles & SPM_CREDIT_OVERLAY) {
		rc |= append_select(sql, &sep, "c.rep_id", SPM_ROLE_OVERLAY, "c.share", "NULL", "d",
		                    date, q->forecast_fields);
		rc |= spm_buf_printf(sql,
		                     " FROM credits c JOIN deals d ON d.deal_id = c.deal_id"
		                     " WHERE c.kind = 'overlay'%s AND %s",
		                     one ? " AND c.rep_id = ?3" : "", filter);
	}
	if (rule->roles & SPM_CREDIT_TEAM) {
		/*
		 * The owner lines, then the split lines, of the reps below; a loop's self is out.
		 * One manager's reps are few, but the planner cannot know how few a recursive
		 * CTE gives: joined, it builds a filter over the whole deals table first. As an IN
		 * list they are looked up one by one, through deals by rep and credits_rep.
		 */
		if (one) {
			rc |= append_select(sql, &sep, "?3", SPM_ROLE_TEAM, share_one, "d.rep_id",
			                    "d", date, q->forecast_fields);
			rc |= spm_buf_printf(sql,
			                     " FROM deals d WHERE d.rep_id IN (" TEAM_OF_ONE
			                     ") AND %s AND " NO_SPLIT,
			                     filter);
			rc |= append_select(sql, &sep, "?3", SPM_ROLE_TEAM, "c.share", "c.rep_id",
			                    "d", date, q->forecast_fields);
			rc |= spm_buf_printf(
			    sql,
			    " FROM credits c JOIN deals d ON d.deal_id = c.deal_id"
			    " WHERE c.kind = 'revenue' AND c.rep_id IN (" TEAM_OF_ONE ") AND %s",
			    filter);
		} else {
			rc |= append_select(sql, &sep, "b.manager_id", SPM_ROLE_TEAM, "s.share",
			                    "b.rep_id", "s", "day", q->forecast_fields);
			rc |= spm_buf_append_str(sql,
			                         " FROM below b JOIN sold s ON s.rep_id = b.rep_id"
			                         " WHERE b.manager_id <> b.rep_id");
		}
	}
	if (rule->roles & SPM_CREDIT_TERRITORY) {
		rc |= append_select(sql, &sep, "r.rep_id", SPM_ROLE_TERRITORY, share_one, "NULL",
		                    "d", date, q->forecast_fields);
		/*
		 * SQLite: CROSS JOIN keeps the written order. Left to itself, the planner walked
		 * the range's unowned deals once per rep, or every rep once per deal (seconds on a
		 * large store); the range's unowned deals, their territories, then those
		 * territories' reps is one pass. One rep's `under` is small: the planner's choice.
		 */
		rc |= spm_buf_append_str(
		    sql, one ? " FROM under u, reps r, deals d"
		             : " FROM deals d CROSS JOIN under u CROSS JOIN seats r");
		rc |= spm_buf_printf(sql,
		                     " WHERE r.territory = u.top AND d.territory = u.territory"
		                     " AND %sd.rep_id IS NULL AND %s AND " NO_SPLIT,
		                     one ? "r.rep_id = ?3 AND " : "", filter);
	}
	rc |= spm_buf_append_str(sql, ") SELECT " LINE_COLUMNS " FROM lines");
	if (!q->any_order)
		rc |= spm_buf_append_str(sql, " ORDER BY rep_id, day, deal_id, role, via_rep");
	return rc;
}

static int bind_words(spm_stmt *s, const spm_plan_words *w, int *param)
{
	int rc = SPM_OK;
	for (size_t i = 0; i < w->n && !rc; i++)
		rc = spm_stmt_bind_text(s, (*param)++, w->words[i], strlen(w->words[i]));
	return rc;
}

/* An attribute's JSON path, bound as a value: $."name". */
static int bind_path(spm_stmt *s, int param, const char *name)
{
	spm_buf path = {0};
	int rc = spm_buf_printf(&path, "$.\"%s\"", name);
	if (!rc)
		rc = spm_stmt_bind_text(s, param, path.data, path.len);
	spm_buf_free(&path);
	return rc;
}

/*
 * Binds the parameters in the order build_deal_filter numbered them. The window narrows the dates
 * a deal may lie between; cancellations are still judged at the range's last day.
 */
static int bind_query(spm_stmt *s, const spm_credit_query *q)
{
	const spm_plan_credit *rule = q->rule;
	spm_date from = q->first, to = q->last;
	int rc, param = P_FIRST_WORD;

	if (rule->has_window) {
		if (rule->window_from.days > from.days)
			from = rule->window_from;
		if (rule->window_to.days < to.days)
			to = rule->window_to;
	}
	if ((rc = spm_bind_date(s, P_FROM, from)) || (rc = spm_bind_date(s, P_TO, to)) ||
	    (rc = spm_bind_date(s, P_LAST, q->last)))
		return rc;
	if (q->rep_id && (rc = spm_stmt_bind_text(s, P_REP, q->rep_id, strlen(q->rep_id))))
		return rc;
	if ((q->rowid_from || q->rowid_to) &&
	    ((rc = spm_stmt_bind_int64(s, P_ROW_FROM, q->rowid_from)) ||
	     (rc = spm_stmt_bind_int64(s, P_ROW_TO, q->rowid_to))))
		return rc;
	if ((rc = bind_words(s, &rule->types, &param)) ||
	    (rc = bind_words(s, &rule->products, &param)) ||
	    (rc = bind_words(s, &rule->stages, &param)))
		return rc;
	for (size_t i = 0; i < rule->nwhere; i++) {
		const spm_plan_filter *w = &rule->where[i];
		if (!where_column(w->field) && (rc = bind_path(s, param++, w->field)))
			return rc;
		if ((rc = bind_words(s, &w->values, &param)))
			return rc;
	}
	return SPM_OK;
}

static int check_query(const spm_credit_query *q, spm_credit_fn fn, spm_error *err)
{
	if (!q || !q->rule || !fn)
		return spm_error_set(err, SPM_EUSAGE, "credits: no query, rule or callback");
	if (!spm_rounding_valid(q->mode))
		return spm_error_set(err, SPM_EUSAGE, "credits: rounding mode %d is not one",
		                     (int)q->mode);
	for (size_t i = 0; i < q->rule->nwhere; i++) {
		const spm_plan_filter *w = &q->rule->where[i];
		if (!w->field || !*w->field)
			return spm_error_set(err, SPM_EUSAGE, "where: a filter has no field");
		if (w->values.n == 0)
			return spm_error_set(err, SPM_EUSAGE, "where '%s': no values", w->field);
		/* A JSON path's quoted label ends at the next quote: no escape reaches past it. */
		if (strchr(w->field, '"'))
			return spm_error_set(err, SPM_EUSAGE,
			                     "where '%s': an attribute name cannot hold '\"'",
			                     w->field);
	}
	return SPM_OK;
}

/* Reads one row into a line and gives it to fn. */
static int emit_row(spm_stmt *s, const spm_credit_query *q, spm_credit_fn fn, void *ctx,
                    spm_error *err)
{
	spm_credit_line line;
	size_t n;
	const char *day = spm_stmt_text(s, 7, &n);

	line.rep_id = spm_stmt_text(s, 0, NULL);
	line.deal_id = spm_stmt_text(s, 1, NULL);
	line.role = (spm_credit_role)spm_stmt_int64(s, 2);
	line.share.units = spm_stmt_int64(s, 3);
	line.deal_amount.units = spm_stmt_int64(s, 4);
	line.has_margin = !spm_stmt_is_null(s, 5);
	line.margin.units = 0;
	line.currency = spm_stmt_is_null(s, 6) ? NULL : spm_stmt_text(s, 6, NULL);
	line.via_rep = spm_stmt_is_null(s, 8) ? NULL : spm_stmt_text(s, 8, NULL);
	line.type = spm_stmt_is_null(s, 9) ? NULL : spm_stmt_text(s, 9, NULL);
	line.product = spm_stmt_is_null(s, 10) ? NULL : spm_stmt_text(s, 10, NULL);
	line.stage = spm_stmt_is_null(s, 11) ? NULL : spm_stmt_text(s, 11, NULL);
	line.status = spm_stmt_text(s, 12, NULL);
	line.has_probability = !spm_stmt_is_null(s, 13);
	line.probability.units = line.has_probability ? spm_stmt_int64(s, 13) : 0;
	line.forecast_category = spm_stmt_is_null(s, 14) ? NULL : spm_stmt_text(s, 14, NULL);
	if (spm_date_parse(&line.date, day, n, NULL, err))
		return spm_error_set(err, SPM_ESTORE, "deal '%s': date '%s' is not a day",
		                     line.deal_id, day);
	if (spm_money_mul_rate(&line.amount, line.deal_amount, line.share, q->mode))
		return spm_error_set(
		    err, SPM_ERANGE,
		    "deal '%s': amount times the share of rep '%s' is out of range", line.deal_id,
		    line.rep_id);
	if (line.has_margin && spm_money_mul_rate(&line.margin, (spm_money){spm_stmt_int64(s, 5)},
	                                          line.share, q->mode))
		return spm_error_set(
		    err, SPM_ERANGE,
		    "deal '%s': margin times the share of rep '%s' is out of range", line.deal_id,
		    line.rep_id);
	return fn(ctx, &line);
}

int spm_credits_ex(spm_store *st, const spm_credit_query *q, spm_credit_fn fn, void *ctx,
                   spm_error *err)
{
	spm_buf filter = {0}, sql = {0};
	spm_stmt *s = NULL;
	int rc;

	if ((rc = check_query(q, fn, err)) != SPM_OK)
		return rc;
	if (!(q->rule->roles & ALL_ROLES)) /* nobody is credited */
		return SPM_OK;
	const char *date = q->rule->date == SPM_DATE_CREATED ? "created_date" : "close_date";
	bool sliced = q->rowid_from || q->rowid_to;
	if (build_deal_filter(&filter, q->rule, date, sliced) || build_query(&sql, q, filter.data)) {
		spm_buf_free(&filter);
		spm_buf_free(&sql);
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	}
	spm_buf_free(&filter);
	rc = spm_stmt_prepare(st, &s, sql.data, err);
	spm_buf_free(&sql);
	if (rc)
		return rc;
	if ((rc = bind_query(s, q)) != SPM_OK) {
		spm_stmt_finalize(s);
		return spm_error_set(err, rc,
		                     "credits: a value of the rule or the query cannot be bound");
	}
	while ((rc = spm_stmt_step(s, err)) == SPM_ROW)
		if ((rc = emit_row(s, q, fn, ctx, err)) != 0)
			break;
	spm_stmt_finalize(s);
	return rc == SPM_DONE ? SPM_OK : rc;
}

int spm_credits(spm_store *st, const spm_plan_credit *rule, spm_date first, spm_date last,
                const char *rep_id, spm_rounding mode, spm_credit_fn fn, void *ctx, spm_error *err)
{
	spm_credit_query q = {
	    .rule = rule, .first = first, .last = last, .rep_id = rep_id, .mode = mode};
	return spm_credits_ex(st, &q, fn, ctx, err);
}

int spm_credit_deal_rows(spm_store *st, int64_t *first, int64_t *last, spm_error *err)
{
	spm_stmt *s = NULL;
	int rc = spm_stmt_prepare(st, &s,
	                          "SELECT coalesce(min(rowid), 0), coalesce(max(rowid), 0)"
	                          " FROM deals", /* SQLite */
	                          err);
	if (rc)
		return rc;
	if ((rc = spm_stmt_step(s, err)) == SPM_ROW) {
		*first = spm_stmt_int64(s, 0);
		*last = spm_stmt_int64(s, 1);
		rc = SPM_OK;
	}
	spm_stmt_finalize(s);
	return rc;
}
