/*
 * teststore.h - a fresh store for a unit test, filled through the importer, and its removal.
 * Include after <cmocka.h>. One store per test program at a time (the path is per process).
 */
#ifndef SPM_TESTSTORE_H
#define SPM_TESTSTORE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spm/import.h"
#include "spm/store.h"

static char teststore_path[600];

/* Creates an empty store named after `name` in SPM_TEST_TMP (or /tmp). */
static inline spm_store *teststore_open(const char *name)
{
	const char *dir = getenv("SPM_TEST_TMP");
	spm_store *st = NULL;
	spm_error err;
	snprintf(teststore_path, sizeof teststore_path, "%s/%s-%d.db", dir && *dir ? dir : "/tmp",
	         name, (int)getpid());
	unlink(teststore_path);
	if (spm_store_open(&st, teststore_path, SPM_STORE_CREATE, &err))
		fail_msg("store: %s", err.message);
	return st;
}

/* Imports CSV text of one kind, which must succeed. */
static inline void teststore_load(spm_store *st, spm_kind_id kind, const char *text)
{
	spm_import_options o;
	spm_import_summary sum;
	spm_error err;
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	spm_import_source src = {"t.csv", fp, 0};
	assert_non_null(fp);
	spm_import_options_init(&o, kind);
	if (spm_import(st, &o, &src, 1, &sum, &err))
		fail_msg("import: %s", err.message);
	fclose(fp);
}

/* A cmocka teardown: closes the store in *state and removes its files. */
static inline int teststore_teardown(void **state)
{
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	char file[620];
	spm_store_close(*state);
	for (size_t i = 0; i < 3; i++) {
		snprintf(file, sizeof file, "%s%s", teststore_path, suffixes[i]);
		unlink(file);
	}
	return 0;
}

#endif
