/*
 * credit.c - credit lines from the store by a plan's credit rule (see spm/credit.h). One query
 * gathers owner, split and overlay credits; the share is applied here, in exact arithmetic.
 */
#include "spm/credit.h"

#include <string.h>

#include "util.h"

static int append_in(spm_buf *sql, const char *column, const spm_plan_words *w, int *param)
{
	int rc = 0;
	if (w->n == 0)
		return 0;
	rc |= spm_buf_printf(sql, " AND d.%s IN (", column);
	for (size_t i = 0; i < w->n; i++)
		rc |= spm_buf_printf(sql, i ? ", ?%d" : "?%d", (*param)++);
	rc |= spm_buf_append_char(sql, ')');
	return rc;
}

static int bind_words(spm_stmt *s, const spm_plan_words *w, int *param)
{
	int rc = 0;
	for (size_t i = 0; i < w->n; i++)
		rc |= spm_stmt_bind_text(s, (*param)++, w->words[i], strlen(w->words[i]));
	return rc;
}

/* The query: ?1 first, ?2 last, ?3 the rep or NULL, then the filters' words in order. */
static int build_query(spm_buf *sql, const spm_plan_credit *rule)
{
	static const char *const status_words[] = {"open", "won", "lost"};
	const char *date = rule->date == SPM_DATE_CREATED ? "created_date" : "close_date";
	int rc = 0, param = 4;

	rc |= spm_buf_printf(
	    sql,
	    "WITH d AS (SELECT deal_id, rep_id, amount, currency, %s AS day FROM deals d"
	    " WHERE d.amount IS NOT NULL AND d.%s BETWEEN ?1 AND ?2 AND d.status IN (",
	    date, date);
	bool first = true;
	for (unsigned k = 0; k < 3; k++) {
		if (!(rule->statuses & (1u << k)))
			continue;
		rc |= spm_buf_printf(sql, "%s'%s'", first ? "" : ", ", status_words[k]);
		first = false;
	}
	if (first)
		rc |= spm_buf_append_str(sql, "NULL");
	rc |= spm_buf_append_char(sql, ')');
	rc |= append_in(sql, "type", &rule->types, &param);
	rc |= append_in(sql, "product", &rule->products, &param);
	rc |= append_in(sql, "stage", &rule->stages, &param);
	rc |= spm_buf_append_str(
	    sql, "), lines(rep_id, deal_id, role, share, amount, currency, day) AS (");
	const char *sep = "";
	if (rule->roles & SPM_CREDIT_OWNER) {
		rc |= spm_buf_printf(
		    sql,
		    "SELECT d.rep_id, d.deal_id, 0, %lld, d.amount, d.currency, d.day FROM d"
		    " WHERE d.rep_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM credits c"
		    " WHERE c.deal_id = d.deal_id AND c.kind = 'revenue')",
		    (long long)SPM_RATE_ONE);
		sep = " UNION ALL ";
	}
	if (rule->roles & SPM_CREDIT_SPLIT) {
		rc |= spm_buf_printf(
		    sql,
		    "%sSELECT c.rep_id, d.deal_id, 1, c.share, d.amount, d.currency, d.day"
		    " FROM d JOIN credits c ON c.deal_id = d.deal_id AND c.kind = 'revenue'",
		    sep);
		sep = " UNION ALL ";
	}
	if (rule->roles & SPM_CREDIT_OVERLAY) {
		rc |= spm_buf_printf(
		    sql,
		    "%sSELECT c.rep_id, d.deal_id, 2, c.share, d.amount, d.currency, d.day"
		    " FROM d JOIN credits c ON c.deal_id = d.deal_id AND c.kind = 'overlay'",
		    sep);
		sep = " UNION ALL ";
	}
	if (!*sep) /* no role: nothing is credited */
		rc |= spm_buf_append_str(sql, "SELECT NULL, NULL, 0, 0, 0, NULL, NULL WHERE 0");
	rc |= spm_buf_append_str(sql, ") SELECT rep_id, deal_id, role, share, amount, currency, day"
	                              " FROM lines WHERE ?3 IS NULL OR rep_id = ?3"
	                              " ORDER BY rep_id, day, deal_id, role");
	return rc ? SPM_ENOMEM : SPM_OK;
}

int spm_credits(spm_store *st, const spm_plan_credit *rule, spm_date first, spm_date last,
                const char *rep_id, spm_rounding mode, spm_credit_fn fn, void *ctx, spm_error *err)
{
	char from[SPM_DATE_BUFSZ], to[SPM_DATE_BUFSZ];
	spm_buf sql = {0};
	spm_stmt *s = NULL;
	int rc, param = 4;

	if (build_query(&sql, rule)) {
		spm_buf_free(&sql);
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	}
	rc = spm_stmt_prepare(st, &s, sql.data, err);
	spm_buf_free(&sql);
	if (rc)
		return rc;
	spm_date_format(from, sizeof from, first);
	spm_date_format(to, sizeof to, last);
	rc = spm_stmt_bind_text(s, 1, from, strlen(from));
	rc |= spm_stmt_bind_text(s, 2, to, strlen(to));
	rc |= rep_id ? spm_stmt_bind_text(s, 3, rep_id, strlen(rep_id)) : spm_stmt_bind_null(s, 3);
	rc |= bind_words(s, &rule->types, &param);
	rc |= bind_words(s, &rule->products, &param);
	rc |= bind_words(s, &rule->stages, &param);
	if (rc) {
		spm_stmt_finalize(s);
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	}
	while ((rc = spm_stmt_step(s, err)) == SPM_ROW) {
		spm_credit_line line;
		size_t n;
		const char *day = spm_stmt_text(s, 6, &n);
		line.rep_id = spm_stmt_text(s, 0, NULL);
		line.deal_id = spm_stmt_text(s, 1, NULL);
		line.role = (spm_credit_role)spm_stmt_int64(s, 2);
		line.share.units = spm_stmt_int64(s, 3);
		line.deal_amount.units = spm_stmt_int64(s, 4);
		line.currency = spm_stmt_is_null(s, 5) ? NULL : spm_stmt_text(s, 5, NULL);
		if (spm_date_parse(&line.date, day, n, NULL, err)) {
			rc = SPM_ESTORE;
			break;
		}
		if (spm_money_mul_rate(&line.amount, line.deal_amount, line.share, mode)) {
			rc = spm_error_set(
			    err, SPM_ERANGE,
			    "deal '%s': amount times the share of rep '%s' is out of range",
			    line.deal_id, line.rep_id);
			break;
		}
		if ((rc = fn(ctx, &line)) != 0)
			break;
	}
	spm_stmt_finalize(s);
	return rc == SPM_DONE ? SPM_OK : rc;
}
