/*
 * import_impl.h (private) - what the two halves of the importer share.
 *
 * An import runs on two threads. The reading thread (import_record.c) reads records, routes their
 * fields to the kind's columns, checks and converts every value and applies the kind's own rules:
 * everything that needs no store. The calling thread (import.c) checks references against the store
 * and writes. Records cross between them in batches, in order, so the first bad record is still the
 * first reported. Which thread may touch a field of `import` is written beside it.
 */
#ifndef SPM_LIB_IMPORT_IMPL_H
#define SPM_LIB_IMPORT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spm/import.h"
#include "spm/period.h"
#include "util.h"

#define MAX_COLS 16
#define MAX_TARGETS 4

/* How a kind is stored: its table and columns, the natural key first. */
struct layout {
	const char *table;
	const char *singular; /* for messages: "unknown rep 'x'" */
	const char *cols[MAX_COLS];
	size_t nkey;
};

extern const struct layout spm_import_layouts[SPM_KIND_COUNT];

typedef enum value_type { V_NULL, V_TEXT, V_INT } value_type;

/* A value on its way to the store. Text the importer makes itself (an ISO date) lives in own[]. */
typedef struct value {
	value_type type;
	const char *s;
	size_t n;
	int64_t i;
	char own[48];
} value;

/* One record between the two halves: its values by kind column and by stored column. */
typedef struct work {
	value vals[MAX_COLS];             /* by kind column */
	value derived[MAX_COLS];          /* stored columns no input column gives as it is */
	const value *row[MAX_COLS];       /* by stored column; NULL is no value */
	const char *from_file[MAX_COLS];  /* the input column that fed each kind column, or NULL */
	const char *attrs;                /* JSON object of the other columns, or NULL */
	size_t attrs_len;
} work;

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
	/* Fixed once set up; both threads read them. */
	spm_store *st;
	const spm_import_options *opt;
	const spm_kind *kind;
	const struct layout *lay;
	size_t nstored;
	int stored_of[MAX_COLS];          /* kind column -> stored column, or -1 */
	int period_first, period_last;    /* stored columns of a period's bounds */
	int stored_status;                /* deals: the stored status column */
	int team_col;                     /* quotas: the kind column team */
	const char *set_value[MAX_COLS];  /* --set, by kind column */
	spm_fiscal fiscal;
	char base_currency[4];
	struct stage_status *stages;
	size_t nstages;
	const spm_import_source *src;
	size_t nsrc;
	int64_t *import_ids;              /* one per source, set before its records are read */
	size_t cur;                       /* the source being read */
	spm_reader *reader;               /* the reading thread's while a source is read */
	bool json;                        /* the source is JSON or JSON Lines */

	/* The reading thread's. */
	target *targets;
	size_t ntargets;
	struct column_memo memo[16];
	size_t nmemo;
	spm_buf attrs, rscratch;
	spm_buf attr_names;               /* read by the caller once the source is read */
	spm_strset attr_seen;

	/* The calling thread's. */
	spm_stmt *ins, *sel, *upd, *touch;
	spm_stmt *ref[SPM_KIND_COUNT];
	spm_stmt *team_ref, *make_territory;
	spm_strset known[SPM_KIND_COUNT];
	spm_strset known_teams;
	spm_buf wscratch;
	bool reject_header_done;
	spm_import_summary *sum;
	bool failed;     /* keep_going: a bad record was seen */
	spm_error first; /* ... and the first of them */
} import;

/* Reading side (import_record.c). */

/* Routes the input columns the reader has named since the last call. SPM_EDATA for a conflict. */
int spm_import_route(import *imp, long line, spm_error *err);

/* With a header (CSV): every required column and every --map source must be in it. */
int spm_import_check_header(import *imp, spm_error *err);

/*
 * Checks and converts one record into *w, whose text points into the record, into w itself or into
 * the importer's buffers: valid until the next call. SPM_OK, SPM_EDATA for a bad record (err names
 * the column), or another negative status.
 */
int spm_import_validate(import *imp, const spm_record *rec, work *w, spm_error *err);

/* Locates err at the kind column c of w (the input's name for it), or at no column when c < 0. */
int spm_import_column_error(const import *imp, const work *w, int c, spm_error *err);

/* Sets err to "what: 'value'" (SPM_EDATA) and returns SPM_EDATA. */
int spm_import_bad(spm_error *err, const char *what, const char *s, size_t n);

/* Joins the parts with '/' into buf: a default identifier, or a composite key in a message. */
int spm_import_join(spm_buf *buf, const value *const *parts, size_t nparts);

#endif
