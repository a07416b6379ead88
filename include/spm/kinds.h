/*
 * spm/kinds.h - the record kinds spm imports and their columns: the contract between the tools.
 *
 * Each kind names its columns, their types, which are required, which form the natural key (the
 * upsert key) and which refer to another kind. spm-import validates against this table; its --help,
 * `spm-import --columns KIND` and the man pages describe the same table, and a test keeps them in step.
 */
#ifndef SPM_KINDS_H
#define SPM_KINDS_H

#include <stddef.h>
#include <stdint.h>

typedef enum spm_kind_id {
	SPM_KIND_REPS,
	SPM_KIND_TERRITORIES,
	SPM_KIND_STAGES,
	SPM_KIND_ACCOUNTS,
	SPM_KIND_PRODUCTS,
	SPM_KIND_DEALS,
	SPM_KIND_CREDITS,
	SPM_KIND_QUOTAS,
	SPM_KIND_ACTIVITIES,
	SPM_KIND_SURVEY,
	SPM_KIND_FX,
	SPM_KIND_ASSIGNMENTS,
	SPM_KIND_ADJUSTMENTS,
	SPM_KIND_CALLS,
	SPM_KIND_BUDGETS,
	SPM_KIND_COUNT
} spm_kind_id;

typedef enum spm_field_type {
	SPM_FT_TEXT,      /* free text, kept exactly as given */
	SPM_FT_ID,        /* an identifier: blanks around it dropped, never empty */
	SPM_FT_EMAIL,     /* text with one '@' and no blanks */
	SPM_FT_DATE,      /* ISO 8601 date, or the layout given with --date-format */
	SPM_FT_MONEY,     /* exact decimal, at most 4 decimals */
	SPM_FT_RATE,      /* exact decimal or percentage: 0.25 or 25% */
	SPM_FT_INT,       /* whole number in a range */
	SPM_FT_ENUM,      /* one of a fixed list of words */
	SPM_FT_CURRENCY,  /* ISO 4217 code */
	SPM_FT_PERIOD     /* period name: 2026-03, 2026-Q1, 2026-H1, 2026, FY2026-Q1 */
} spm_field_type;

#define SPM_KIND_MAX_COLUMNS 16 /* no kind has more columns */

#define SPM_COL_REQUIRED 0x1u /* a record without a value is refused */
#define SPM_COL_KEY 0x2u      /* part of the natural key */

typedef struct spm_kind_column {
	const char *name;           /* the column name in files */
	spm_field_type type;
	unsigned flags;             /* SPM_COL_* */
	spm_kind_id refers;         /* the kind this column names a record of, or SPM_KIND_COUNT */
	const char *const *values;  /* SPM_FT_ENUM: the allowed words, NULL-terminated */
	int64_t min, max;           /* SPM_FT_INT: range; SPM_FT_RATE: range in 1/10^10 units */
	const char *fallback;       /* the value when a record has none, or NULL */
	const char *doc;            /* one line, for --columns and the man pages */
} spm_kind_column;

typedef struct spm_kind {
	spm_kind_id id;
	const char *name;
	const char *doc;
	const spm_kind_column *columns;
	size_t ncolumns;
} spm_kind;

/* The kind called name, or NULL. */
const spm_kind *spm_kind_find(const char *name);
/* The kind with the given id (id < SPM_KIND_COUNT). */
const spm_kind *spm_kind_get(spm_kind_id id);
/* The column of kind k called name (ASCII case-insensitive), or NULL. */
const spm_kind_column *spm_kind_column_find(const spm_kind *k, const char *name);
/* "text", "id", "date", ... */
const char *spm_field_type_name(spm_field_type t);

#endif
