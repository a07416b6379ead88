/*
 * stmtutil.h (private) - binding and reading the store's typed text columns: dates and optional
 * strings. Shared by the modules that query the store.
 */
#ifndef SPM_LIB_STMTUTIL_H
#define SPM_LIB_STMTUTIL_H

#include <stdbool.h>
#include <string.h>

#include "spm/date.h"
#include "spm/error.h"
#include "spm/store.h"

/* Binds d as its ISO text. */
static inline int spm_bind_date(spm_stmt *s, int i, spm_date d)
{
	char buf[SPM_DATE_BUFSZ];
	size_t n = spm_date_format(buf, sizeof buf, d);
	return spm_stmt_bind_text(s, i, buf, n);
}

/* Binds v, or NULL when v is NULL. */
static inline int spm_bind_str(spm_stmt *s, int i, const char *v)
{
	return v ? spm_stmt_bind_text(s, i, v, strlen(v)) : spm_stmt_bind_null(s, i);
}

/* Reads a date column: *has is false for NULL; SPM_ESTORE for text that is not a date. */
static inline int spm_column_date(spm_stmt *s, int col, spm_date *out, bool *has, spm_error *err)
{
	size_t n;
	*has = !spm_stmt_is_null(s, col);
	if (!*has)
		return SPM_OK;
	const char *t = spm_stmt_text(s, col, &n);
	if (spm_date_parse(out, t, n, NULL, NULL))
		return spm_error_set(err, SPM_ESTORE, "the store holds a bad date: '%s'", t);
	return SPM_OK;
}

#endif
