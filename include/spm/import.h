/*
 * spm/import.h - loading records of one kind from files into the store.
 *
 * An import reads every source through a reader, validates every field against the kind's columns
 * (spm/kinds.h), checks references, and upserts each record by its natural key: a new key is added, a
 * known key with other values is replaced whole (columns the file lacks become empty), and a known key
 * with the same values is left as it is. All sources of one call land in one transaction: any error,
 * and the store is exactly as before -- unless a reject file is given, in which case bad records go
 * there with their reason and the rest land.
 *
 * Every source is recorded in the imports table (name, SHA-256, format, counts, time), and every
 * record keeps the import and line its values came from.
 */
#ifndef SPM_IMPORT_H
#define SPM_IMPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "spm/error.h"
#include "spm/kinds.h"
#include "spm/reader.h"
#include "spm/store.h"

/* A column assignment: for --map, `column` (ours) is read from the input column `value` (theirs);
 * for --set, `column` takes the constant `value` in every record that has no value for it. */
typedef struct spm_import_map {
	const char *column;
	const char *value;
} spm_import_map;

typedef struct spm_import_source {
	const char *name; /* for messages and the import record; "-" means standard input */
	FILE *fp;         /* open for reading; the caller closes it */
	uint64_t size;    /* bytes, or 0 when unknown (only for progress) */
} spm_import_source;

typedef struct spm_import_options {
	spm_kind_id kind;
	spm_reader_options reader;
	const char *date_layout;  /* NULL: ISO dates */
	unsigned number_flags;    /* SPM_NUM_DECIMAL_COMMA */
	const spm_import_map *maps;
	size_t nmaps;
	const spm_import_map *sets;
	size_t nsets;
	bool check_only;          /* validate against the store, then roll back */
	bool keep_going;          /* report every bad record (through on_error), not only the first */
	bool create_territories;  /* create territories that records name but the store lacks */
	bool allow_empty;         /* an input with no records is not an error */
	FILE *reject;             /* bad records go here (CSV or JSON Lines) and the rest land */
	void (*on_error)(void *ctx, const spm_error *err);
	void (*on_progress)(void *ctx, const char *source, uint64_t records, uint64_t bytes,
			    uint64_t size);
	void *ctx;
} spm_import_options;

typedef struct spm_import_summary {
	int64_t read;       /* records read */
	int64_t added;      /* new keys */
	int64_t updated;    /* known keys with other values */
	int64_t unchanged;  /* known keys with the same values */
	int64_t rejected;   /* records refused (with a reject file) */
	int64_t errors;     /* bad records found */
	int64_t created_managers;     /* reps created because a manager_id named them */
	int64_t created_territories;  /* territories created with create_territories */
	char attributes[512];         /* input columns kept as attributes, comma-separated */
} spm_import_summary;

/* Fills options with the defaults: no maps, CSV delimiter detected, ISO dates, stop at first error. */
void spm_import_options_init(spm_import_options *opt, spm_kind_id kind);

/*
 * Imports nsrc sources of options->kind into st in one transaction, and fills *sum.
 * Returns SPM_OK when everything landed (or, with a reject file, when the good records landed);
 * SPM_EDATA for bad input, with err located at source, line and column (on_error, when set, is also
 * called for every bad record); SPM_EUSAGE for bad options (an unknown column in a map); SPM_EBUSY
 * when another process writes the store; SPM_EIO; SPM_ENOMEM. On any failure the store is unchanged.
 */
int spm_import(spm_store *st, const spm_import_options *options, const spm_import_source *src,
	       size_t nsrc, spm_import_summary *sum, spm_error *err);

#endif
