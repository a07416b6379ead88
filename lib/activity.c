/*
 * activity.c - activity counts per rep from the store (see spm/activity.h). One grouped query;
 * the rep and date conditions lead so that the activities_rep_date index serves both the run
 * (every rep) and explain (one rep).
 */
#include "spm/activity.h"

#include <string.h>

#include "util.h"

/* ?1 first, ?2 last, ?3 the rep, then the kinds. */
static int build_query(spm_buf *sql, size_t nkinds, bool one)
{
	int rc = spm_buf_append_str(sql, "SELECT rep_id, SUM(count) FROM activities"
	                                 " WHERE date BETWEEN ?1 AND ?2");
	if (one)
		rc |= spm_buf_append_str(sql, " AND rep_id = ?3");
	if (nkinds) {
		rc |= spm_buf_append_str(sql, " AND kind IN (");
		for (size_t i = 0; i < nkinds; i++)
			rc |= spm_buf_printf(sql, i ? ", ?%zu" : "?%zu", i + 4);
		rc |= spm_buf_append_char(sql, ')');
	}
	rc |= spm_buf_append_str(sql, " GROUP BY rep_id ORDER BY rep_id");
	return rc;
}

static int bind_query(spm_stmt *s, const spm_plan_words *kinds, spm_date first, spm_date last,
                      const char *rep_id)
{
	char from[SPM_DATE_BUFSZ], to[SPM_DATE_BUFSZ];
	int rc;

	spm_date_format(from, sizeof from, first);
	spm_date_format(to, sizeof to, last);
	if ((rc = spm_stmt_bind_text(s, 1, from, strlen(from))) ||
	    (rc = spm_stmt_bind_text(s, 2, to, strlen(to))))
		return rc;
	if (rep_id && (rc = spm_stmt_bind_text(s, 3, rep_id, strlen(rep_id))))
		return rc;
	for (size_t i = 0; kinds && i < kinds->n; i++)
		if ((rc = spm_stmt_bind_text(s, (int)(i + 4), kinds->words[i],
		                             strlen(kinds->words[i]))))
			return rc;
	return SPM_OK;
}

int spm_activity_counts(spm_store *st, const spm_plan_words *kinds, spm_date first, spm_date last,
                        const char *rep_id, spm_activity_fn fn, void *ctx, spm_error *err)
{
	size_t nkinds = kinds ? kinds->n : 0;
	spm_buf sql = {0};
	spm_stmt *s = NULL;
	int rc;

	if (!fn)
		return spm_error_set(err, SPM_EUSAGE, "activities: no callback");
	for (size_t i = 0; i < nkinds; i++)
		if (!kinds->words[i])
			return spm_error_set(err, SPM_EUSAGE, "activities: kind %zu is missing",
			                     i + 1);
	if (build_query(&sql, nkinds, rep_id != NULL)) {
		spm_buf_free(&sql);
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	}
	rc = spm_stmt_prepare(st, &s, sql.data, err);
	spm_buf_free(&sql);
	if (rc)
		return rc;
	if ((rc = bind_query(s, kinds, first, last, rep_id)) != SPM_OK) {
		spm_stmt_finalize(s);
		return spm_error_set(err, rc, "activities: a kind or the rep cannot be bound");
	}
	while ((rc = spm_stmt_step(s, err)) == SPM_ROW)
		if ((rc = fn(ctx, spm_stmt_text(s, 0, NULL), spm_stmt_int64(s, 1))) != 0)
			break;
	spm_stmt_finalize(s);
	return rc == SPM_DONE ? SPM_OK : rc;
}

int spm_activity_counts_by_kind(spm_store *st, spm_date first, spm_date last,
                                spm_activity_kind_fn fn, void *ctx, spm_error *err)
{
	spm_stmt *s = NULL;
	int rc;
	if (!fn)
		return spm_error_set(err, SPM_EUSAGE, "activities: no callback");
	if ((rc = spm_stmt_prepare(st, &s,
	                           "SELECT rep_id, kind, SUM(count) FROM activities"
	                           " WHERE date BETWEEN ?1 AND ?2"
	                           " GROUP BY rep_id, kind ORDER BY rep_id, kind",
	                           err)))
		return rc;
	if ((rc = bind_query(s, NULL, first, last, NULL)) != SPM_OK) {
		spm_stmt_finalize(s);
		return spm_error_set(err, rc, "activities: the dates cannot be bound");
	}
	while ((rc = spm_stmt_step(s, err)) == SPM_ROW)
		if ((rc = fn(ctx, spm_stmt_text(s, 0, NULL), spm_stmt_text(s, 1, NULL),
		             spm_stmt_int64(s, 2))) != 0)
			break;
	spm_stmt_finalize(s);
	return rc == SPM_DONE ? SPM_OK : rc;
}
