/*
 * test_store.c - unit tests of the store: creating and opening files, the schema version and its
 * upgrades, transactions and locking, statements, and settings.
 *
 * By default the tests bring a small schema of their own (the two symbols schema.c defines), so
 * that upgrades and failed upgrades can be tried; the linker then never takes schema.c from the
 * library. Built with -DSPM_TEST_REAL_SCHEMA and linked with lib/schema.c, they run on spm's real
 * schema instead and leave out the cases that need the test schema.
 *
 * Everything happens in a fresh directory ($SPM_TEST_TMP/store-XXXXXX, else /tmp/spm-store-XXXXXX)
 * that is the working directory meanwhile, so that store names in messages stay short and exact.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "spm/store.h"

#include "../../lib/schema.h"

#ifndef SPM_TEST_REAL_SCHEMA
/* Version 1 is a small store; version 2 adds a table and a setting. */
const char *const spm_schema_migrations[] = {
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;\n"
    "CREATE TABLE owners (id INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT;\n"
    "CREATE TABLE pets (id INTEGER PRIMARY KEY,\n"
    "  owner INTEGER NOT NULL REFERENCES owners(id), name TEXT NOT NULL) STRICT;\n",

    /* the last statement fails on a file that has m2_marker already: an upgrade meeting a file it
     * did not expect, after it has changed things that must then be undone */
    "CREATE TABLE visits (id INTEGER PRIMARY KEY,\n"
    "  pet INTEGER NOT NULL REFERENCES pets(id), day TEXT NOT NULL) STRICT;\n"
    "INSERT INTO settings(key, value) VALUES ('upgraded', 'yes');\n"
    "CREATE TABLE m2_marker (x INTEGER) STRICT;\n",
};
const int spm_schema_migration_count = 2;
#endif

static char tmpdir[PATH_MAX];
static char startdir[PATH_MAX];

/* ---- helpers ---- */

static spm_store *open_ok(const char *path, unsigned flags)
{
	spm_store *st = NULL;
	spm_error err;

	if (spm_store_open(&st, path, flags, &err) != SPM_OK)
		fail_msg("open '%s': %s", path, err.message);
	assert_non_null(st);
	return st;
}

static void exec_ok(spm_store *st, const char *sql)
{
	spm_error err;

	if (spm_store_exec(st, sql, &err) != SPM_OK)
		fail_msg("exec '%s': %s", sql, err.message);
}

static spm_stmt *prepare_ok(spm_store *st, const char *sql)
{
	spm_stmt *s = NULL;
	spm_error err;

	if (spm_stmt_prepare(st, &s, sql, &err) != SPM_OK)
		fail_msg("prepare '%s': %s", sql, err.message);
	assert_non_null(s);
	return s;
}

/* The first column of the one row sql returns. */
static int64_t query_int(spm_store *st, const char *sql)
{
	spm_stmt *s = prepare_ok(st, sql);
	spm_error err;
	int64_t v;

	assert_int_equal(spm_stmt_step(s, &err), SPM_ROW);
	v = spm_stmt_int64(s, 0);
	spm_stmt_finalize(s);
	return v;
}

static void query_text(spm_store *st, const char *sql, char *buf, size_t size)
{
	spm_stmt *s = prepare_ok(st, sql);
	spm_error err;

	assert_int_equal(spm_stmt_step(s, &err), SPM_ROW);
	snprintf(buf, size, "%s", spm_stmt_text(s, 0, NULL));
	spm_stmt_finalize(s);
}

/* Raw SQLite, as another program (or another spm process) would see the file. */
static sqlite3 *raw_open(const char *path)
{
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK)
		fail_msg("raw open '%s': %s", path, sqlite3_errmsg(db));
	return db;
}

static void raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = raw_open(path);
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("raw exec '%s': %s", sql, msg);
	sqlite3_close(db);
}

/* The first column of the first row, or -1000 when there is no row. */
static int raw_int(const char *path, const char *sql)
{
	sqlite3 *db = raw_open(path);
	sqlite3_stmt *stmt = NULL;
	int v = -1000;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		fail_msg("raw prepare '%s': %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return v;
}

static void raw_text(const char *path, const char *sql, char *buf, size_t size)
{
	sqlite3 *db = raw_open(path);
	sqlite3_stmt *stmt = NULL;

	buf[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		fail_msg("raw prepare '%s': %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(stmt) == SQLITE_ROW)
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	sqlite3_close(db);
}

static int raw_table_exists(const char *path, const char *table)
{
	char sql[256];

	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '%s'", table);
	return raw_int(path, sql);
}

static bool file_exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void assert_file_text(const char *path, const char *text)
{
	char buf[1024];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_string_equal(buf, text);
}

/* Opening path with flags fails with status and exactly message, and leaves *out NULL. */
static void assert_open_fails(const char *path, unsigned flags, int status, const char *message)
{
	spm_store *st = (spm_store *)&st; /* not NULL, so that the reset to NULL is seen */
	spm_error err;

	assert_int_equal(spm_store_open(&st, path, flags, &err), status);
	assert_int_equal(err.code, status);
	assert_null(st);
	if (message)
		assert_string_equal(err.message, message);
}

/* ---- setup ---- */

static int group_setup(void **state)
{
	const char *base = getenv("SPM_TEST_TMP");
	(void)state;

	if (!getcwd(startdir, sizeof startdir))
		return -1;
	if (base && base[0]) {
		if (mkdir(base, 0700) != 0 && errno != EEXIST)
			return -1;
		snprintf(tmpdir, sizeof tmpdir, "%s/store-XXXXXX", base);
	} else {
		snprintf(tmpdir, sizeof tmpdir, "/tmp/spm-store-XXXXXX");
	}
	if (!mkdtemp(tmpdir) || chdir(tmpdir) != 0)
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	DIR *d;
	struct dirent *e;
	(void)state;

	d = opendir(".");
	if (d) {
		while ((e = readdir(d)) != NULL)
			if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
				unlink(e->d_name);
		closedir(d);
	}
	if (chdir(startdir) != 0)
		return -1;
	return rmdir(tmpdir);
}

static int test_teardown(void **state)
{
	(void)state;
	unsetenv("SPM_BUSY_TIMEOUT");
	return 0;
}

/* ---- creating and opening ---- */

static void test_create_is_private_with_umask_0(void **state)
{
	mode_t old = umask(0);
	spm_store *st;
	struct stat sb;
	(void)state;

	st = open_ok("private.db", SPM_STORE_CREATE);
	assert_int_equal(stat("private.db", &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	/* the write-ahead log holds the same data, and must be as private */
	exec_ok(
	    st,
	    "CREATE TABLE store_test_items (v TEXT); INSERT INTO store_test_items VALUES ('x')");
	assert_int_equal(stat("private.db-wal", &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	spm_store_close(st);
	umask(old);
}

static void test_create_is_private_when_umask_removes_owner_bits(void **state)
{
	mode_t old = umask(0277);
	spm_store *st;
	struct stat sb;
	(void)state;

	st = open_ok("owner.db", SPM_STORE_CREATE);
	umask(old);
	assert_int_equal(stat("owner.db", &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	exec_ok(st, "CREATE TABLE store_test_items (v TEXT)");
	spm_store_close(st);
}

static void test_create_keeps_an_existing_store(void **state)
{
	spm_store *st;
	(void)state;

	st = open_ok("again.db", SPM_STORE_CREATE);
	exec_ok(
	    st,
	    "CREATE TABLE store_test_items (v TEXT); INSERT INTO store_test_items VALUES ('kept')");
	spm_store_close(st);
	st = open_ok("again.db", SPM_STORE_CREATE);
	assert_int_equal(query_int(st, "SELECT count(*) FROM store_test_items WHERE v = 'kept'"),
	                 1);
	spm_store_close(st);
}

static void test_reopen_keeps_data(void **state)
{
	char buf[64];
	spm_store *st;
	(void)state;

	st = open_ok("keep.db", SPM_STORE_CREATE);
	assert_string_equal(spm_store_path(st), "keep.db");
	exec_ok(st,
	        "CREATE TABLE store_test_items (id INTEGER PRIMARY KEY, v TEXT NOT NULL) STRICT;"
	        "INSERT INTO store_test_items(v) VALUES ('first'), ('second')");
	spm_store_close(st);

	st = open_ok("keep.db", 0);
	assert_int_equal(query_int(st, "SELECT count(*) FROM store_test_items"), 2);
	query_text(st, "SELECT v FROM store_test_items WHERE id = 2", buf, sizeof buf);
	assert_string_equal(buf, "second");
	assert_int_equal(spm_store_schema_version(st), spm_store_schema_latest());
	spm_store_close(st);
}

static void test_wal_is_on(void **state)
{
	char buf[32];
	spm_store *st;
	(void)state;

	st = open_ok("wal.db", SPM_STORE_CREATE);
	query_text(st, "PRAGMA journal_mode", buf, sizeof buf);
	assert_string_equal(buf, "wal");
	spm_store_close(st);
	/* and it stays with the file, for every other reader */
	raw_text("wal.db", "PRAGMA journal_mode", buf, sizeof buf);
	assert_string_equal(buf, "wal");
}

static void test_foreign_keys_are_on(void **state)
{
	spm_store *st;
	spm_error err;
	(void)state;

	st = open_ok("fk.db", SPM_STORE_CREATE);
	assert_int_equal(query_int(st, "PRAGMA foreign_keys"), 1);
	exec_ok(st, "CREATE TABLE store_test_parent (id INTEGER PRIMARY KEY);"
	            "CREATE TABLE store_test_child (id INTEGER PRIMARY KEY,"
	            "  parent INTEGER NOT NULL REFERENCES store_test_parent(id))");
	assert_int_equal(spm_store_exec(st, "INSERT INTO store_test_child VALUES (1, 42)", &err),
	                 SPM_EDATA);
	assert_int_equal(err.code, SPM_EDATA);
	assert_string_equal(err.message, "store 'fk.db': FOREIGN KEY constraint failed");
	assert_int_equal(query_int(st, "SELECT count(*) FROM store_test_child"), 0);
	spm_store_close(st);
}

static void test_missing_file_without_create(void **state)
{
	(void)state;

	assert_open_fails("absent.db", 0, SPM_EIO, "store 'absent.db' does not exist");
	assert_open_fails("absent.db", SPM_STORE_READONLY, SPM_EIO,
	                  "store 'absent.db' does not exist");
	assert_false(file_exists("absent.db"));
}

static void test_create_in_missing_directory(void **state)
{
	(void)state;

	assert_open_fails("no-such-dir/x.db", SPM_STORE_CREATE, SPM_EIO,
	                  "store 'no-such-dir/x.db': cannot create: No such file or directory");
}

static void test_directory_is_not_a_store(void **state)
{
	spm_store *st = NULL;
	spm_error err;
	(void)state;

	assert_int_equal(mkdir("adir.db", 0700), 0);
	assert_int_not_equal(spm_store_open(&st, "adir.db", SPM_STORE_CREATE, &err), SPM_OK);
	assert_null(st);
	assert_int_equal(err.code, SPM_EIO);
	assert_non_null(strstr(err.message, "store 'adir.db': cannot open: "));
	assert_int_equal(rmdir("adir.db"), 0);
}

static void test_not_sqlite_is_refused(void **state)
{
	const char *text =
	    "rep_id,name\nr1,Ann\nr2,Bob\nthis is a CSV file, not a database at all\n";
	(void)state;

	write_file("notes.csv", text);
	assert_open_fails("notes.csv", 0, SPM_ESTORE, "'notes.csv' is not an spm store");
	assert_open_fails("notes.csv", SPM_STORE_CREATE, SPM_ESTORE,
	                  "'notes.csv' is not an spm store");
	assert_open_fails("notes.csv", SPM_STORE_READONLY, SPM_ESTORE,
	                  "'notes.csv' is not an spm store");
	assert_file_text("notes.csv", text);
}

static void test_other_sqlite_database_is_refused(void **state)
{
	char buf[32];
	(void)state;

	raw_exec("other.db",
	         "CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup')");
	assert_open_fails("other.db", SPM_STORE_CREATE, SPM_ESTORE,
	                  "'other.db' is not an spm store");
	/* left as it was: no tables added, journal mode not switched */
	assert_int_equal(raw_int("other.db", "SELECT count(*) FROM sqlite_master"), 1);
	raw_text("other.db", "PRAGMA journal_mode", buf, sizeof buf);
	assert_string_equal(buf, "delete");
}

static void test_negative_version_is_refused(void **state)
{
	(void)state;

	raw_exec("negative.db", "PRAGMA user_version = -3");
	assert_open_fails("negative.db", 0, SPM_ESTORE, "'negative.db' is not an spm store");
}

static void test_future_version_is_refused(void **state)
{
	char expect[256];
	spm_store *st;
	sqlite3 *db;
	(void)state;

	st = open_ok("future.db", SPM_STORE_CREATE);
	spm_store_close(st);
	db = raw_open("future.db");
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 999", NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);

	snprintf(expect, sizeof expect,
	         "store 'future.db' has schema version 999, newer than this spm supports (%d): "
	         "upgrade spm",
	         spm_schema_migration_count);
	assert_open_fails("future.db", 0, SPM_ESTORE, expect);
	assert_open_fails("future.db", SPM_STORE_CREATE, SPM_ESTORE, expect);
	assert_open_fails("future.db", SPM_STORE_READONLY, SPM_ESTORE, expect);
	assert_int_equal(raw_int("future.db", "PRAGMA user_version"), 999);
}

static void test_damaged_store(void **state)
{
	char junk[4096];
	spm_store *st;
	spm_error err;
	int64_t root;
	FILE *f;
	(void)state;

	st = open_ok("damaged.db", SPM_STORE_CREATE);
	exec_ok(st, "CREATE TABLE store_test_items (v TEXT);"
	            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)"
	            "  INSERT INTO store_test_items SELECT printf('item %d', i) FROM n");
	assert_int_equal(query_int(st, "PRAGMA page_size"), 4096);
	root = query_int(st, "SELECT rootpage FROM sqlite_master WHERE name = 'store_test_items'");
	assert_true(root > 1);
	spm_store_close(st);

	/* the table's root page becomes junk; the schema stays readable */
	memset(junk, 0xA5, sizeof junk);
	f = fopen("damaged.db", "r+b");
	assert_non_null(f);
	assert_int_equal(fseek(f, (long)(root - 1) * 4096, SEEK_SET), 0);
	assert_int_equal(fwrite(junk, 1, sizeof junk, f), sizeof junk);
	assert_int_equal(fclose(f), 0);

	st = open_ok("damaged.db", 0);
	assert_int_equal(spm_store_exec(st, "SELECT count(*) FROM store_test_items", &err),
	                 SPM_ESTORE);
	assert_string_equal(err.message,
	                    "store 'damaged.db' is damaged: database disk image is malformed");
	spm_store_close(st);
}

static void test_empty_file_becomes_a_store(void **state)
{
	spm_store *st;
	(void)state;

	write_file("empty.db", "");
	st = open_ok("empty.db", 0);
	assert_int_equal(spm_store_schema_version(st), spm_store_schema_latest());
	spm_store_close(st);
}

static void test_readonly(void **state)
{
	char expect[256];
	spm_store *st;
	spm_error err;
	(void)state;

	st = open_ok("ro.db", SPM_STORE_CREATE);
	exec_ok(
	    st,
	    "CREATE TABLE store_test_items (v TEXT); INSERT INTO store_test_items VALUES ('a')");
	spm_store_close(st);

	st = open_ok("ro.db", SPM_STORE_READONLY);
	assert_int_equal(query_int(st, "SELECT count(*) FROM store_test_items"), 1);
	assert_int_equal(spm_store_exec(st, "INSERT INTO store_test_items VALUES ('b')", &err),
	                 SPM_EIO);
	assert_string_equal(err.message, "store 'ro.db': attempt to write a readonly database");
	/* a transaction on a read-only store reads one snapshot; writes in it still fail */
	assert_int_equal(spm_store_begin(st, &err), SPM_OK);
	assert_int_equal(spm_store_exec(st, "DELETE FROM store_test_items", &err), SPM_EIO);
	assert_int_equal(spm_store_commit(st, &err), SPM_OK);
	spm_store_close(st);
	st = open_ok("ro.db", 0);
	assert_int_equal(query_int(st, "SELECT count(*) FROM store_test_items"), 1);
	spm_store_close(st);

	/* a file that needs upgrading cannot be upgraded through a read-only open */
	write_file("ro-empty.db", "");
	snprintf(
	    expect, sizeof expect,
	    "store 'ro-empty.db' has schema version 0 and needs upgrading to %d, which a read-only "
	    "open cannot do",
	    spm_store_schema_latest());
	assert_open_fails("ro-empty.db", SPM_STORE_READONLY, SPM_ESTORE, expect);
	assert_int_equal(raw_int("ro-empty.db", "SELECT count(*) FROM sqlite_master"), 0);

	assert_open_fails("ro.db", SPM_STORE_CREATE | SPM_STORE_READONLY, SPM_EUSAGE,
	                  "store 'ro.db': cannot be created read-only");
}

static void test_open_usage_errors(void **state)
{
	spm_error err;
	(void)state;

	assert_open_fails(NULL, SPM_STORE_CREATE, SPM_EUSAGE, "store: no path given");
	assert_open_fails("", SPM_STORE_CREATE, SPM_EUSAGE, "store: no path given");
	assert_open_fails("flags.db", 0x4u, SPM_EUSAGE, "store 'flags.db': unknown open flags 0x4");
	assert_false(file_exists("flags.db"));
	assert_int_equal(spm_store_open(NULL, "x.db", SPM_STORE_CREATE, &err), SPM_EUSAGE);
	assert_false(file_exists("x.db"));
	/* a NULL error record is allowed */
	assert_int_equal(spm_store_open(NULL, "x.db", SPM_STORE_CREATE, NULL), SPM_EUSAGE);
	spm_store_close(NULL);
}

static void test_special_names_are_files(void **state)
{
	spm_store *st;
	(void)state;

	/* SQLite alone would keep ":memory:" in memory and read "file:" as a URI */
	st = open_ok(":memory:", SPM_STORE_CREATE);
	exec_ok(
	    st,
	    "CREATE TABLE store_test_items (v TEXT); INSERT INTO store_test_items VALUES ('m')");
	spm_store_close(st);
	assert_true(file_exists(":memory:"));
	st = open_ok(":memory:", 0);
	assert_int_equal(query_int(st, "SELECT count(*) FROM store_test_items"), 1);
	spm_store_close(st);

	st = open_ok("file:uri.db?mode=memory", SPM_STORE_CREATE);
	exec_ok(
	    st,
	    "CREATE TABLE store_test_items (v TEXT); INSERT INTO store_test_items VALUES ('u')");
	assert_string_equal(spm_store_path(st), "file:uri.db?mode=memory");
	spm_store_close(st);
	assert_true(file_exists("file:uri.db?mode=memory"));
	assert_false(file_exists("uri.db"));
}

/* ---- schema versions and upgrades ---- */

static void test_new_store_is_at_the_latest_version(void **state)
{
	spm_store *st;
	(void)state;

	assert_true(spm_store_schema_latest() >= 1);
	assert_int_equal(spm_store_schema_latest(), spm_schema_migration_count);
	st = open_ok("latest.db", SPM_STORE_CREATE);
	assert_int_equal(spm_store_schema_version(st), spm_store_schema_latest());
	assert_int_equal(query_int(st, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	spm_store_close(st);
	assert_int_equal(raw_int("latest.db", "PRAGMA user_version"), spm_store_schema_latest());
	/* the upgrade turned foreign keys off; a reopened connection has them on again */
	st = open_ok("latest.db", 0);
	assert_int_equal(query_int(st, "PRAGMA foreign_keys"), 1);
	spm_store_close(st);
}

#ifdef SPM_TEST_REAL_SCHEMA

static void test_real_schema(void **state)
{
	char buf[64];
	spm_store *st;
	spm_error err;
	(void)state;

	st = open_ok("real.db", SPM_STORE_CREATE);
	assert_int_equal(spm_store_schema_version(st), spm_schema_migration_count);
	assert_int_equal(raw_table_exists("real.db", "settings"), 1);
	query_text(st, "PRAGMA integrity_check", buf, sizeof buf);
	assert_string_equal(buf, "ok");
	assert_int_equal(query_int(st,
	                           "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
	                           "sql NOT LIKE '%STRICT%'"),
	                 0);
	assert_int_equal(spm_store_setting_set(st, "test.key", "v", &err), SPM_OK);
	spm_store_close(st);
	st = open_ok("real.db", SPM_STORE_READONLY);
	assert_int_equal(spm_store_setting_get(st, "test.key", buf, sizeof buf, &err), SPM_OK);
	assert_string_equal(buf, "v");
	spm_store_close(st);
}

#else

/* A file at version 1, as an earlier spm left it. */
static void make_version_1(const char *path)
{
	raw_exec(path, spm_schema_migrations[0]);
	raw_exec(path,
	         "INSERT INTO owners VALUES (1, 'Ann'); INSERT INTO pets VALUES (1, 1, 'Rex');"
	         "PRAGMA user_version = 1");
}

static void test_old_version_is_upgraded(void **state)
{
	char buf[32];
	spm_store *st;
	spm_error err;
	(void)state;

	make_version_1("old.db");
	st = open_ok("old.db", 0);
	assert_int_equal(spm_store_schema_version(st), 2);
	assert_int_equal(query_int(st, "SELECT count(*) FROM pets WHERE name = 'Rex'"), 1);
	assert_int_equal(spm_store_setting_get(st, "upgraded", buf, sizeof buf, &err), SPM_OK);
	assert_string_equal(buf, "yes");
	exec_ok(st, "INSERT INTO visits(pet, day) VALUES (1, '2026-03-01')");
	assert_int_equal(
	    spm_store_exec(st, "INSERT INTO visits(pet, day) VALUES (9, '2026-03-01')", &err),
	    SPM_EDATA);
	spm_store_close(st);
	assert_int_equal(raw_int("old.db", "PRAGMA user_version"), 2);
	raw_text("old.db", "PRAGMA journal_mode", buf, sizeof buf);
	assert_string_equal(buf, "wal");
}

static void test_failed_upgrade_leaves_the_file_as_it_was(void **state)
{
	(void)state;

	make_version_1("failing.db");
	raw_exec("failing.db", "CREATE TABLE m2_marker (x INTEGER)");
	assert_open_fails("failing.db", 0, SPM_ESTORE,
	                  "store 'failing.db': schema upgrade to version 2 failed: "
	                  "table m2_marker already exists");
	assert_int_equal(raw_int("failing.db", "PRAGMA user_version"), 1);
	assert_int_equal(raw_table_exists("failing.db", "visits"), 0);
	assert_int_equal(raw_int("failing.db", "SELECT count(*) FROM settings"), 0);
	assert_int_equal(raw_int("failing.db", "SELECT count(*) FROM pets"), 1);
	/* and a second try fails the same way rather than half-way */
	assert_open_fails("failing.db", 0, SPM_ESTORE, NULL);
	assert_int_equal(raw_int("failing.db", "PRAGMA user_version"), 1);
}

static void test_upgrade_refuses_broken_references(void **state)
{
	(void)state;

	/* written by hand with foreign keys off, as the raw connection has them */
	make_version_1("orphan.db");
	raw_exec("orphan.db", "INSERT INTO pets VALUES (2, 77, 'Stray')");
	assert_open_fails(
	    "orphan.db", 0, SPM_ESTORE,
	    "store 'orphan.db': schema version 2 has a row in 'pets' that references a "
	    "missing row in 'owners'");
	assert_int_equal(raw_int("orphan.db", "PRAGMA user_version"), 1);
	assert_int_equal(raw_table_exists("orphan.db", "visits"), 0);
}

static void test_readonly_refuses_an_old_version(void **state)
{
	(void)state;

	make_version_1("ro-old.db");
	assert_open_fails(
	    "ro-old.db", SPM_STORE_READONLY, SPM_ESTORE,
	    "store 'ro-old.db' has schema version 1 and needs upgrading to 2, which a "
	    "read-only open cannot do");
	assert_int_equal(raw_int("ro-old.db", "PRAGMA user_version"), 1);
	assert_int_equal(raw_table_exists("ro-old.db", "visits"), 0);
}

#endif

/* ---- locking ---- */

static void test_busy(void **state)
{
	const char *busy =
	    "store 'busy.db' is busy: another spm process is writing; try again later";
	spm_store *st;
	spm_stmt *s;
	spm_error err;
	sqlite3 *other;
	(void)state;

	assert_int_equal(setenv("SPM_BUSY_TIMEOUT", "50", 1), 0);
	st = open_ok("busy.db", SPM_STORE_CREATE);
	exec_ok(st, "CREATE TABLE store_test_items (v INTEGER)");

	other = raw_open("busy.db");
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);

	assert_int_equal(spm_store_begin(st, &err), SPM_EBUSY);
	assert_int_equal(err.code, SPM_EBUSY);
	assert_string_equal(err.message, busy);
	spm_store_rollback(st); /* nothing was begun: a no-op */

	/* a write outside a transaction meets the same lock */
	s = prepare_ok(st, "INSERT INTO store_test_items VALUES (1)");
	assert_int_equal(spm_stmt_step(s, &err), SPM_EBUSY);
	assert_string_equal(err.message, busy);
	/* reading goes on while the other one writes */
	assert_int_equal(query_int(st, "SELECT count(*) FROM store_test_items"), 0);

	assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	spm_stmt_reset(s);
	assert_int_equal(spm_stmt_step(s, &err), SPM_DONE);
	spm_stmt_finalize(s);
	assert_int_equal(spm_store_begin(st, &err), SPM_OK);
	assert_int_equal(spm_store_commit(st, &err), SPM_OK);
	sqlite3_close(other);
	spm_store_close(st);
}

static void test_busy_while_upgrading(void **state)
{
	sqlite3 *other;
	(void)state;

	assert_int_equal(setenv("SPM_BUSY_TIMEOUT", "50", 1), 0);
	write_file("busy-new.db", "");
	other = raw_open("busy-new.db");
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	assert_open_fails(
	    "busy-new.db", 0, SPM_EBUSY,
	    "store 'busy-new.db' is busy: another spm process is writing; try again later");
	assert_int_equal(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(other);
	assert_int_equal(raw_int("busy-new.db", "PRAGMA user_version"), 0);
}

static void test_busy_timeout_is_parsed_strictly(void **state)
{
	static const char *const bad[] = {
	    "abc",  "-1",  "+5",   " 5",      "5 ",
	    "10ms", "1.5", "0x10", "3600001", "99999999999999999999999"};
	static const char *const good[] = {"0", "50", "007", "3600000", ""};
	char expect[256];
	spm_store *st;
	(void)state;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(setenv("SPM_BUSY_TIMEOUT", bad[i], 1), 0);
		snprintf(expect, sizeof expect,
		         "SPM_BUSY_TIMEOUT: not a number of milliseconds from 0 to 3600000: '%s'",
		         bad[i]);
		assert_open_fails("timeout.db", SPM_STORE_CREATE, SPM_EUSAGE, expect);
		assert_false(file_exists("timeout.db"));
	}
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		assert_int_equal(setenv("SPM_BUSY_TIMEOUT", good[i], 1), 0);
		st = open_ok("timeout.db", SPM_STORE_CREATE);
		spm_store_close(st);
	}
}

/* ---- transactions ---- */

static void test_transactions(void **state)
{
	spm_store *st;
	spm_error err;
	(void)state;

	st = open_ok("tx.db", SPM_STORE_CREATE);
	exec_ok(st, "CREATE TABLE store_test_items (v INTEGER)");

	assert_int_equal(spm_store_begin(st, &err), SPM_OK);
	exec_ok(st, "INSERT INTO store_test_items VALUES (1)");
	spm_store_rollback(st);
	assert_int_equal(query_int(st, "SELECT count(*) FROM store_test_items"), 0);

	assert_int_equal(spm_store_begin(st, &err), SPM_OK);
	assert_int_equal(spm_store_begin(st, &err), SPM_EUSAGE);
	assert_string_equal(err.message, "store 'tx.db': a transaction is open already");
	exec_ok(st, "INSERT INTO store_test_items VALUES (2)");
	assert_int_equal(spm_store_commit(st, &err), SPM_OK);

	assert_int_equal(spm_store_commit(st, &err), SPM_EUSAGE);
	assert_string_equal(err.message, "store 'tx.db': no transaction to commit");
	spm_store_rollback(st); /* outside a transaction: nothing happens */
	spm_store_rollback(NULL);
	spm_store_close(st);

	st = open_ok("tx.db", 0);
	assert_int_equal(query_int(st, "SELECT count(*) FROM store_test_items WHERE v = 2"), 1);
	assert_int_equal(query_int(st, "SELECT count(*) FROM store_test_items"), 1);
	spm_store_close(st);
}

static void test_commit_fails_on_a_deferred_reference(void **state)
{
	spm_store *st;
	spm_error err;
	(void)state;

	st = open_ok("deferred.db", SPM_STORE_CREATE);
	exec_ok(st, "CREATE TABLE store_test_parent (id INTEGER PRIMARY KEY);"
	            "CREATE TABLE store_test_child (id INTEGER PRIMARY KEY, parent INTEGER"
	            "  REFERENCES store_test_parent(id) DEFERRABLE INITIALLY DEFERRED)");
	assert_int_equal(spm_store_begin(st, &err), SPM_OK);
	exec_ok(st, "INSERT INTO store_test_child VALUES (1, 5)"); /* the parent may come later */
	assert_int_equal(spm_store_commit(st, &err), SPM_EDATA);
	assert_string_equal(err.message,
	                    "store 'deferred.db': cannot commit: FOREIGN KEY constraint failed");
	spm_store_rollback(st);
	assert_int_equal(query_int(st, "SELECT count(*) FROM store_test_child"), 0);

	assert_int_equal(spm_store_begin(st, &err), SPM_OK);
	exec_ok(
	    st,
	    "INSERT INTO store_test_child VALUES (1, 5); INSERT INTO store_test_parent VALUES (5)");
	assert_int_equal(spm_store_commit(st, &err), SPM_OK);
	assert_int_equal(query_int(st, "SELECT count(*) FROM store_test_child"), 1);
	spm_store_close(st);
}

/* ---- statements ---- */

static void test_constraint_violation_is_bad_data(void **state)
{
	spm_store *st;
	spm_stmt *s;
	spm_error err;
	(void)state;

	st = open_ok("constraint.db", SPM_STORE_CREATE);
	exec_ok(
	    st,
	    "CREATE TABLE store_test_items (id TEXT PRIMARY KEY, n INTEGER NOT NULL CHECK (n >= 0))"
	    " STRICT");
	s = prepare_ok(st, "INSERT INTO store_test_items VALUES (?1, ?2)");

	assert_int_equal(spm_stmt_bind_text(s, 1, "a", 1), SPM_OK);
	assert_int_equal(spm_stmt_bind_int64(s, 2, 1), SPM_OK);
	assert_int_equal(spm_stmt_step(s, &err), SPM_DONE);
	spm_stmt_reset(s);
	assert_int_equal(spm_stmt_step(s, &err), SPM_EDATA);
	assert_int_equal(err.code, SPM_EDATA);
	assert_string_equal(err.message,
	                    "store 'constraint.db': UNIQUE constraint failed: store_test_items.id");

	assert_int_equal(spm_stmt_bind_text(s, 1, "b", 1), SPM_OK);
	assert_int_equal(spm_stmt_bind_null(s, 2), SPM_OK);
	assert_int_equal(spm_stmt_step(s, &err), SPM_EDATA);
	assert_string_equal(
	    err.message, "store 'constraint.db': NOT NULL constraint failed: store_test_items.n");

	assert_int_equal(spm_stmt_bind_int64(s, 2, -1), SPM_OK);
	assert_int_equal(spm_stmt_step(s, &err), SPM_EDATA);
	assert_non_null(strstr(err.message, "CHECK constraint failed"));

	/* STRICT: text where an integer belongs */
	assert_int_equal(spm_stmt_bind_text(s, 2, "ten", 3), SPM_OK);
	assert_int_equal(spm_stmt_step(s, &err), SPM_EDATA);

	/* the statement is usable again after a failure */
	assert_int_equal(spm_stmt_bind_int64(s, 2, 2), SPM_OK);
	assert_int_equal(spm_stmt_step(s, &err), SPM_DONE);
	spm_stmt_finalize(s);
	assert_int_equal(query_int(st, "SELECT count(*) FROM store_test_items"), 2);
	spm_store_close(st);
}

static void test_bind_step_column_round_trips(void **state)
{
	static const char utf8[] = "Zoë Ångström – 東京支店 😀";
	static const int64_t ints[] = {INT64_MIN, INT64_MIN + 1, -1,       0,
	                               1,         INT64_MAX - 1, INT64_MAX};
	spm_store *st;
	spm_stmt *ins, *sel;
	spm_error err;
	const char *text;
	size_t len;
	(void)state;

	st = open_ok("bind.db", SPM_STORE_CREATE);
	exec_ok(
	    st,
	    "CREATE TABLE store_test_values (id INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT)");
	ins = prepare_ok(st, "INSERT INTO store_test_values(id, i, r, t) VALUES (?1, ?2, ?3, ?4)");
	sel = prepare_ok(st, "SELECT i AS amount, r, t FROM store_test_values WHERE id = ?1");
	assert_int_equal(spm_stmt_columns(sel), 3);
	assert_string_equal(spm_stmt_column_name(sel, 0), "amount");
	assert_string_equal(spm_stmt_column_name(sel, 2), "t");

	for (size_t k = 0; k < sizeof ints / sizeof ints[0]; k++) {
		assert_int_equal(spm_stmt_bind_int64(ins, 1, (int64_t)k), SPM_OK);
		assert_int_equal(spm_stmt_bind_int64(ins, 2, ints[k]), SPM_OK);
		assert_int_equal(spm_stmt_step(ins, &err), SPM_DONE);
		assert_int_equal(spm_store_changes(st), 1);
		spm_stmt_reset(ins);

		assert_int_equal(spm_stmt_bind_int64(sel, 1, (int64_t)k), SPM_OK);
		assert_int_equal(spm_stmt_step(sel, &err), SPM_ROW);
		assert_true(spm_stmt_int64(sel, 0) == ints[k]);
		assert_false(spm_stmt_is_null(sel, 0));
		assert_int_equal(spm_stmt_step(sel, &err), SPM_DONE);
		spm_stmt_reset(sel);
	}
	assert_int_equal(
	    query_int(st, "SELECT count(*) FROM store_test_values WHERE i = 9223372036854775807"),
	    1);
	assert_int_equal(
	    query_int(st, "SELECT count(*) FROM store_test_values WHERE i < -9223372036854775807"),
	    1);

	/* text, double and NULL in one row; the text is given by length, not terminated */
	spm_stmt_clear_bindings(ins);
	assert_int_equal(spm_stmt_bind_int64(ins, 1, 100), SPM_OK);
	assert_int_equal(spm_stmt_bind_double(ins, 3, 0.1), SPM_OK);
	assert_int_equal(spm_stmt_bind_text(ins, 4, utf8, strlen(utf8)), SPM_OK);
	assert_int_equal(spm_stmt_step(ins, &err), SPM_DONE);
	spm_stmt_reset(ins);
	assert_int_equal(spm_stmt_bind_int64(sel, 1, 100), SPM_OK);
	assert_int_equal(spm_stmt_step(sel, &err), SPM_ROW);
	assert_true(spm_stmt_is_null(sel, 0));
	assert_int_equal(spm_stmt_int64(sel, 0), 0);
	assert_string_equal(spm_stmt_text(sel, 0, &len), "");
	assert_int_equal(len, 0);
	assert_true(spm_stmt_double(sel, 1) == 0.1);
	text = spm_stmt_text(sel, 2, &len);
	assert_int_equal(len, strlen(utf8));
	assert_memory_equal(text, utf8, len);
	assert_int_equal(text[len], '\0');
	assert_string_equal(spm_stmt_text(sel, 2, NULL), utf8);
	spm_stmt_reset(sel);

	/* a prefix of a longer buffer; an empty string is not NULL */
	assert_int_equal(spm_stmt_bind_int64(ins, 1, 101), SPM_OK);
	assert_int_equal(spm_stmt_bind_text(ins, 4, "abcdef", 3), SPM_OK);
	assert_int_equal(spm_stmt_step(ins, &err), SPM_DONE);
	spm_stmt_reset(ins);
	assert_int_equal(spm_stmt_bind_int64(ins, 1, 102), SPM_OK);
	assert_int_equal(spm_stmt_bind_text(ins, 4, NULL, 0), SPM_OK);
	assert_int_equal(spm_stmt_step(ins, &err), SPM_DONE);
	spm_stmt_reset(ins);
	assert_int_equal(spm_stmt_bind_int64(ins, 1, 103), SPM_OK);
	assert_int_equal(spm_stmt_bind_text(ins, 4, "", 0), SPM_OK);
	assert_int_equal(spm_stmt_step(ins, &err), SPM_DONE);
	spm_stmt_reset(ins);
	assert_int_equal(
	    query_int(st, "SELECT count(*) FROM store_test_values WHERE id = 101 AND t = 'abc'"),
	    1);
	assert_int_equal(query_int(st,
	                           "SELECT count(*) FROM store_test_values WHERE id IN (102, 103)"
	                           " AND t IS NOT NULL AND t = ''"),
	                 2);

	/* reset keeps the bindings; clear_bindings drops them */
	assert_int_equal(spm_stmt_bind_int64(ins, 1, 104), SPM_OK);
	assert_int_equal(spm_stmt_bind_int64(ins, 2, 7), SPM_OK);
	assert_int_equal(spm_stmt_step(ins, &err), SPM_DONE);
	spm_stmt_reset(ins);
	assert_int_equal(spm_stmt_bind_int64(ins, 1, 105), SPM_OK);
	assert_int_equal(spm_stmt_step(ins, &err), SPM_DONE);
	spm_stmt_reset(ins);
	assert_int_equal(query_int(st, "SELECT i FROM store_test_values WHERE id = 105"), 7);
	spm_stmt_clear_bindings(ins);
	assert_int_equal(spm_stmt_bind_int64(ins, 1, 106), SPM_OK);
	assert_int_equal(spm_stmt_step(ins, &err), SPM_DONE);
	spm_stmt_reset(ins);
	assert_int_equal(
	    query_int(st, "SELECT count(*) FROM store_test_values WHERE id = 106 AND i IS NULL"),
	    1);

	/* parameters that the statement does not have */
	assert_int_equal(spm_stmt_bind_int64(ins, 0, 1), SPM_EUSAGE);
	assert_int_equal(spm_stmt_bind_int64(ins, 5, 1), SPM_EUSAGE);
	assert_int_equal(spm_stmt_bind_text(ins, 5, "x", 1), SPM_EUSAGE);
	assert_int_equal(spm_stmt_bind_null(ins, -1), SPM_EUSAGE);
	assert_int_equal(spm_stmt_bind_double(ins, 99, 1.0), SPM_EUSAGE);
	assert_int_equal(spm_stmt_bind_text(ins, 4, NULL, 3), SPM_EUSAGE);

	spm_stmt_finalize(ins);
	spm_stmt_finalize(sel);
	spm_stmt_finalize(NULL);
	spm_store_close(st);
}

static void test_changes(void **state)
{
	spm_store *st;
	(void)state;

	st = open_ok("changes.db", SPM_STORE_CREATE);
	exec_ok(st, "CREATE TABLE store_test_items (v INTEGER);"
	            "INSERT INTO store_test_items VALUES (1), (2), (3), (4)");
	assert_int_equal(spm_store_changes(st), 4);
	exec_ok(st, "UPDATE store_test_items SET v = v * 10 WHERE v > 1");
	assert_int_equal(spm_store_changes(st), 3);
	exec_ok(st, "DELETE FROM store_test_items WHERE v = 999");
	assert_int_equal(spm_store_changes(st), 0);
	spm_store_close(st);
}

static void test_prepare_errors(void **state)
{
	spm_store *st;
	spm_stmt *s = (spm_stmt *)&s;
	spm_error err;
	(void)state;

	st = open_ok("prepare.db", SPM_STORE_CREATE);

	assert_int_equal(spm_stmt_prepare(st, &s, "SELEC 1", &err), SPM_ESTORE);
	assert_null(s);
	assert_string_equal(
	    err.message,
	    "store 'prepare.db': cannot prepare statement: near \"SELEC\": syntax error");
	assert_int_equal(spm_stmt_prepare(st, &s, "SELECT * FROM no_such_table", &err), SPM_ESTORE);
	assert_string_equal(
	    err.message,
	    "store 'prepare.db': cannot prepare statement: no such table: no_such_table");

	assert_int_equal(spm_stmt_prepare(st, &s, "", &err), SPM_EUSAGE);
	assert_string_equal(err.message, "store 'prepare.db': no SQL statement in ''");
	assert_int_equal(spm_stmt_prepare(st, &s, "  -- a comment only\n", &err), SPM_EUSAGE);
	assert_null(s);

	assert_int_equal(spm_stmt_prepare(st, &s, "SELECT 1; SELECT 2", &err), SPM_EUSAGE);
	assert_null(s);
	assert_string_equal(
	    err.message, "store 'prepare.db': more than one SQL statement in 'SELECT 1; SELECT 2'");
	assert_int_equal(spm_stmt_prepare(st, &s, "SELECT 1; DROP TABLE x", &err), SPM_EUSAGE);

	/* what may follow one statement: a semicolon, blanks, comments */
	s = prepare_ok(st, "SELECT 1;  -- the answer\n  ");
	assert_int_equal(spm_stmt_step(s, &err), SPM_ROW);
	assert_int_equal(spm_stmt_int64(s, 0), 1);
	spm_stmt_finalize(s);

	assert_int_equal(spm_store_exec(st, "DROP TABLE no_such_table", &err), SPM_ESTORE);
	assert_string_equal(err.message, "store 'prepare.db': no such table: no_such_table");
	spm_store_close(st);
}

/* ---- settings ---- */

static void test_settings(void **state)
{
	char buf[64];
	char small[4];
	spm_store *st;
	spm_error err;
	(void)state;

	st = open_ok("settings.db", SPM_STORE_CREATE);

	snprintf(buf, sizeof buf, "junk");
	assert_int_equal(spm_store_setting_get(st, "test.missing", buf, sizeof buf, &err), 1);
	assert_string_equal(buf, "");

	assert_int_equal(spm_store_setting_set(st, "test.year_start", "4", &err), SPM_OK);
	assert_int_equal(spm_store_setting_get(st, "test.year_start", buf, sizeof buf, &err),
	                 SPM_OK);
	assert_string_equal(buf, "4");
	assert_int_equal(spm_store_setting_set(st, "test.year_start", "10", &err), SPM_OK);
	assert_int_equal(spm_store_setting_get(st, "test.year_start", buf, sizeof buf, &err),
	                 SPM_OK);
	assert_string_equal(buf, "10");
	assert_int_equal(
	    query_int(st, "SELECT count(*) FROM settings WHERE key = 'test.year_start'"), 1);

	assert_int_equal(spm_store_setting_set(st, "test.name", "Société Générale – 東京", &err),
	                 SPM_OK);
	assert_int_equal(spm_store_setting_get(st, "test.name", buf, sizeof buf, &err), SPM_OK);
	assert_string_equal(buf, "Société Générale – 東京");
	assert_int_equal(spm_store_setting_set(st, "test.empty", "", &err), SPM_OK);
	snprintf(buf, sizeof buf, "junk");
	assert_int_equal(spm_store_setting_get(st, "test.empty", buf, sizeof buf, &err), SPM_OK);
	assert_string_equal(buf, "");

	/* exactly fits, then one byte too long */
	assert_int_equal(spm_store_setting_set(st, "test.three", "abc", &err), SPM_OK);
	assert_int_equal(spm_store_setting_get(st, "test.three", small, sizeof small, &err),
	                 SPM_OK);
	assert_string_equal(small, "abc");
	assert_int_equal(spm_store_setting_set(st, "test.four", "abcd", &err), SPM_OK);
	assert_int_equal(spm_store_setting_get(st, "test.four", small, sizeof small, &err),
	                 SPM_EUSAGE);
	assert_string_equal(small, "");
	assert_string_equal(err.message,
	                    "setting 'test.four': value of 4 bytes does not fit a buffer of 4");

	assert_int_equal(spm_store_setting_get(st, "test.three", small, 0, &err), SPM_EUSAGE);
	assert_int_equal(spm_store_setting_get(st, NULL, buf, sizeof buf, &err), SPM_EUSAGE);
	assert_int_equal(spm_store_setting_set(st, "", "x", &err), SPM_EUSAGE);
	assert_int_equal(spm_store_setting_set(st, NULL, "x", &err), SPM_EUSAGE);
	assert_int_equal(spm_store_setting_set(st, "test.null", NULL, &err), SPM_EUSAGE);
	spm_store_close(st);

	/* kept across opens */
	st = open_ok("settings.db", SPM_STORE_READONLY);
	assert_int_equal(spm_store_setting_get(st, "test.year_start", buf, sizeof buf, &err),
	                 SPM_OK);
	assert_string_equal(buf, "10");
	assert_int_equal(spm_store_setting_set(st, "test.year_start", "1", &err), SPM_EIO);
	spm_store_close(st);
}

int main(void)
{
#define T(f) cmocka_unit_test_teardown(f, test_teardown)
	const struct CMUnitTest tests[] = {
	    T(test_create_is_private_with_umask_0),
	    T(test_create_is_private_when_umask_removes_owner_bits),
	    T(test_create_keeps_an_existing_store),
	    T(test_reopen_keeps_data),
	    T(test_wal_is_on),
	    T(test_foreign_keys_are_on),
	    T(test_missing_file_without_create),
	    T(test_create_in_missing_directory),
	    T(test_directory_is_not_a_store),
	    T(test_not_sqlite_is_refused),
	    T(test_other_sqlite_database_is_refused),
	    T(test_negative_version_is_refused),
	    T(test_future_version_is_refused),
	    T(test_damaged_store),
	    T(test_empty_file_becomes_a_store),
	    T(test_readonly),
	    T(test_open_usage_errors),
	    T(test_special_names_are_files),
	    T(test_new_store_is_at_the_latest_version),
#ifdef SPM_TEST_REAL_SCHEMA
	    T(test_real_schema),
#else
	    T(test_old_version_is_upgraded),
	    T(test_failed_upgrade_leaves_the_file_as_it_was),
	    T(test_upgrade_refuses_broken_references),
	    T(test_readonly_refuses_an_old_version),
#endif
	    T(test_busy),
	    T(test_busy_while_upgrading),
	    T(test_busy_timeout_is_parsed_strictly),
	    T(test_transactions),
	    T(test_commit_fails_on_a_deferred_reference),
	    T(test_constraint_violation_is_bad_data),
	    T(test_bind_step_column_round_trips),
	    T(test_changes),
	    T(test_prepare_errors),
	    T(test_settings),
	};
#undef T
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
