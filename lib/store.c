/*
 * store.c - the store: the one file in spm that talks to SQLite. It creates a store file private to
 * its owner, sets each connection up (foreign keys, WAL, busy timeout), brings the schema forward
 * with the migrations of schema.c, and wraps statements and transactions so that no other module
 * sees a sqlite3 type or result code. store_fail() is the one place where SQLite's codes become
 * statuses.
 */
#include "spm/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "schema.h"
#include "spm/money.h"

#define BUSY_TIMEOUT_DEFAULT_MS 5000
/* An hour: a longer wait is a typo, and a cron job would rather fail and retry. */
#define BUSY_TIMEOUT_MAX_MS 3600000L

struct spm_store {
	sqlite3 *db;
	char *path; /* as the caller gave it, for messages */
};

struct spm_stmt {
	sqlite3_stmt *stmt;
	spm_store *st; /* for the path in messages */
};

/* A path is shown whole (a value would be cut at 60 characters, losing the file's name). */
static const char *quote_path(char *buf, const char *path)
{
	snprintf(buf, SPM_QUOTE_BUFSZ, "'%s'", path);
	return buf;
}

/*
 * Maps a SQLite result code to a status and fills err with a message naming the store, what was
 * being done (what; NULL when SQLite's own message says enough) and SQLite's message. db NULL means
 * there is no connection to ask for a message. Returns the status.
 */
static int store_fail(const char *path, sqlite3 *db, int rc, const char *what, spm_error *err)
{
	char q[SPM_QUOTE_BUFSZ];
	const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
	spm_status status;

	quote_path(q, path);
	switch (rc & 0xff) { /* the primary code, whether or not extended codes are on */
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return spm_error_set(
		    err, SPM_EBUSY,
		    "store %s is busy: another spm process is writing; try again later", q);
	case SQLITE_NOTADB:
		return spm_error_set(err, SPM_ESTORE, "%s is not an spm store", q);
	case SQLITE_CORRUPT:
		return spm_error_set(err, SPM_ESTORE, "store %s is damaged: %s", q, msg);
	case SQLITE_CONSTRAINT:
	case SQLITE_TOOBIG:
		status = SPM_EDATA;
		break;
	case SQLITE_NOMEM:
		status = SPM_ENOMEM;
		break;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_FULL:
	case SQLITE_READONLY:
		status = SPM_EIO;
		break;
	case SQLITE_RANGE: /* a parameter index that the statement does not have */
	case SQLITE_MISUSE:
		status = SPM_EUSAGE;
		break;
	default:
		status = SPM_ESTORE;
		break;
	}
	if (what)
		return spm_error_set(err, status, "store %s: %s: %s", q, what, msg);
	return spm_error_set(err, status, "store %s: %s", q, msg);
}

static int store_exec(spm_store *st, const char *sql, const char *what, spm_error *err)
{
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return store_fail(st->path, st->db, rc, what, err);
	return SPM_OK;
}

/* Runs a statement that answers one integer (a pragma, a count). */
static int query_int(spm_store *st, const char *sql, int *out, const char *what, spm_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);

	if (rc == SQLITE_OK) {
		rc = sqlite3_step(stmt);
		if (rc == SQLITE_ROW) {
			*out = sqlite3_column_int(stmt, 0);
			rc = SQLITE_OK;
		} else if (rc == SQLITE_DONE) {
			*out = 0;
			rc = SQLITE_OK;
		}
	}
	if (rc != SQLITE_OK)
		rc = store_fail(st->path, st->db, rc, what, err);
	sqlite3_finalize(stmt);
	return rc;
}

/* SPM_BUSY_TIMEOUT in milliseconds: digits only, so that "5s" or "-1" is an error, not a guess. */
static int busy_timeout_ms(int *out, spm_error *err)
{
	const char *s = getenv("SPM_BUSY_TIMEOUT");
	char q[SPM_QUOTE_BUFSZ];
	long v = 0;

	*out = BUSY_TIMEOUT_DEFAULT_MS;
	if (!s || !s[0])
		return SPM_OK;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9' || v > (BUSY_TIMEOUT_MAX_MS - (*p - '0')) / 10)
			return spm_error_set(
			    err, SPM_EUSAGE,
			    "SPM_BUSY_TIMEOUT: not a number of milliseconds from 0 to %ld: %s",
			    BUSY_TIMEOUT_MAX_MS, spm_quote(q, sizeof q, s, strlen(s)));
		v = v * 10 + (*p - '0');
	}
	*out = (int)v;
	return SPM_OK;
}

/*
 * Creates the file itself rather than letting SQLite do it, so that it is 0600 from its first
 * moment whatever the umask: it will hold pay data. An existing file is left as it is.
 */
static int ensure_file(const char *path, unsigned flags, spm_error *err)
{
	char q[SPM_QUOTE_BUFSZ];
	struct stat sb;

	if (flags & SPM_STORE_CREATE) {
		int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
		if (fd >= 0) {
			/* the umask may have taken the owner's bits too (umask 0200) */
			int rc = fchmod(fd, 0600);
			int saved = errno;
			close(fd);
			if (rc == 0)
				return SPM_OK;
			unlink(path);
			return spm_error_set(err, SPM_EIO, "store %s: cannot make it private: %s",
			                     quote_path(q, path), strerror(saved));
		}
		if (errno != EEXIST)
			return spm_error_set(err, SPM_EIO, "store %s: cannot create: %s",
			                     quote_path(q, path), strerror(errno));
		return SPM_OK;
	}
	if (stat(path, &sb) != 0) {
		if (errno == ENOENT)
			return spm_error_set(err, SPM_EIO, "store %s does not exist",
			                     quote_path(q, path));
		return spm_error_set(err, SPM_EIO, "store %s: %s", quote_path(q, path),
		                     strerror(errno));
	}
	return SPM_OK;
}

static int refuse_newer(spm_store *st, int version, spm_error *err)
{
	char q[SPM_QUOTE_BUFSZ];

	return spm_error_set(
	    err, SPM_ESTORE,
	    "store %s has schema version %d, newer than this spm supports (%d): upgrade spm",
	    quote_path(q, st->path), version, spm_schema_migration_count);
}

/* Fails when a row references a missing one, as a migration may leave with the checks off. */
static int check_references(spm_store *st, int version, spm_error *err)
{
	char q[SPM_QUOTE_BUFSZ];
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v2(st->db, "PRAGMA foreign_key_check", -1, &stmt, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		const unsigned char *table = sqlite3_column_text(stmt, 0);
		const unsigned char *parent = sqlite3_column_text(stmt, 2);
		rc = spm_error_set(
		    err, SPM_ESTORE,
		    "store %s: schema version %d has a row in '%s' that references a "
		    "missing row in '%s'",
		    quote_path(q, st->path), version, table ? (const char *)table : "?",
		    parent ? (const char *)parent : "?");
	} else if (rc == SQLITE_DONE) {
		rc = SPM_OK;
	} else {
		rc = store_fail(st->path, st->db, rc, "cannot check references", err);
	}
	sqlite3_finalize(stmt);
	return rc;
}

/*
 * Runs the migrations the file lacks in one transaction, so that a failure leaves it as it was.
 * Foreign keys are off meanwhile (SQLite cannot switch them inside a transaction, and a migration
 * that rebuilds a table must not cascade deletes); the references are checked as a whole before the
 * commit instead.
 */
static int migrate(spm_store *st, spm_error *err)
{
	const int latest = spm_schema_migration_count;
	char sql[64];
	char what[64];
	char q[SPM_QUOTE_BUFSZ];
	int version = 0;
	int rc;

	rc = store_exec(st, "PRAGMA foreign_keys = OFF", "cannot turn foreign keys off", err);
	if (rc == SPM_OK)
		rc = store_exec(st, "BEGIN IMMEDIATE", "cannot begin the schema upgrade", err);
	if (rc != SPM_OK)
		goto done;
	/* another process may have upgraded the file while this one waited for the lock */
	rc = query_int(st, "PRAGMA user_version", &version, "cannot read the schema version", err);
	if (rc == SPM_OK && version > latest)
		rc = refuse_newer(st, version, err);
	for (int v = version; rc == SPM_OK && v < latest; v++) {
		snprintf(what, sizeof what, "schema upgrade to version %d failed", v + 1);
		rc = store_exec(st, spm_schema_migrations[v], what, err);
		if (rc == SPM_OK && sqlite3_get_autocommit(st->db))
			rc = spm_error_set(
			    err, SPM_ESTORE,
			    "store %s: schema upgrade to version %d ended its own transaction",
			    quote_path(q, st->path), v + 1);
	}
	if (rc == SPM_OK)
		rc = check_references(st, latest, err);
	if (rc == SPM_OK) {
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", latest);
		rc = store_exec(st, sql, "cannot record the schema version", err);
	}
	if (rc == SPM_OK)
		rc = store_exec(st, "COMMIT", "cannot commit the schema upgrade", err);
done:
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	if (rc == SPM_OK)
		rc = store_exec(st, "PRAGMA foreign_keys = ON", "cannot turn foreign keys on", err);
	return rc;
}

/* WAL lets a report read while the nightly job writes; the mode stays with the file. */
static int use_wal(spm_store *st, spm_error *err)
{
	char q[SPM_QUOTE_BUFSZ];
	sqlite3_stmt *stmt = NULL;
	const unsigned char *mode;
	int rc = sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		/* SQLite answers with the mode it is in, which need not be the one asked for */
		mode = sqlite3_column_text(stmt, 0);
		if (mode && strcmp((const char *)mode, "wal") == 0)
			rc = SPM_OK;
		else
			rc = spm_error_set(
			    err, SPM_ESTORE,
			    "store %s: cannot use WAL journaling (journal mode is '%s')",
			    quote_path(q, st->path), mode ? (const char *)mode : "unknown");
	} else {
		rc = store_fail(st->path, st->db, rc, "cannot use WAL journaling", err);
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* Sets up a freshly opened connection and brings its schema up to date. */
static int store_setup(spm_store *st, unsigned flags, int timeout_ms, spm_error *err)
{
	const int latest = spm_schema_migration_count;
	char q[SPM_QUOTE_BUFSZ];
	int version = 0;
	int tables = 0;
	int rc;

	sqlite3_busy_timeout(st->db, timeout_ms);
	rc = store_exec(st, "PRAGMA foreign_keys = ON", "cannot turn foreign keys on", err);
	if (rc != SPM_OK)
		return rc;

	/* first reads of the file: whether it is SQLite at all, and whose */
	rc = query_int(st, "PRAGMA user_version", &version, "cannot read the schema version", err);
	if (rc != SPM_OK)
		return rc;
	if (version > latest)
		return refuse_newer(st, version, err);
	if (version == 0) {
		/* an empty file is a new store; a database with tables but no version is someone
		 * else's */
		rc = query_int(st, "SELECT count(*) FROM sqlite_master", &tables,
		               "cannot read the schema", err);
		if (rc != SPM_OK)
			return rc;
	}
	if (version < 0 || tables > 0)
		return spm_error_set(err, SPM_ESTORE, "%s is not an spm store",
		                     quote_path(q, st->path));

	rc = store_exec(st, "PRAGMA synchronous = NORMAL", "cannot set synchronous mode", err);
	/* 16 MiB of page cache (the default is 2): a large import then spills far less to the WAL,
	 * and peak memory stays well under the 64 MiB an import may use. */
	if (rc == SPM_OK)
		rc = store_exec(st, "PRAGMA cache_size = -16384", "cannot set the cache size", err);
	if (rc != SPM_OK)
		return rc;
	if (flags & SPM_STORE_READONLY) {
		if (version < latest)
			return spm_error_set(
			    err, SPM_ESTORE,
			    "store %s has schema version %d and needs upgrading to %d, "
			    "which a read-only open cannot do",
			    quote_path(q, st->path), version, latest);
		return SPM_OK;
	}

	rc = use_wal(st, err);
	if (rc != SPM_OK)
		return rc;

	if (version < latest)
		return migrate(st, err);
	return SPM_OK;
}

int spm_store_open(spm_store **out, const char *path, unsigned flags, spm_error *err)
{
	char q[SPM_QUOTE_BUFSZ];
	spm_store *st;
	char *name = NULL;
	size_t len;
	int timeout_ms;
	int rc;

	if (out)
		*out = NULL;
	if (!out || !path || !path[0])
		return spm_error_set(err, SPM_EUSAGE, "store: no path given");
	if (flags & ~(SPM_STORE_CREATE | SPM_STORE_READONLY))
		return spm_error_set(err, SPM_EUSAGE, "store %s: unknown open flags 0x%x",
		                     quote_path(q, path), flags);
	if ((flags & SPM_STORE_CREATE) && (flags & SPM_STORE_READONLY))
		return spm_error_set(err, SPM_EUSAGE, "store %s: cannot be created read-only",
		                     quote_path(q, path));
	rc = busy_timeout_ms(&timeout_ms, err);
	if (rc != SPM_OK)
		return rc;
	rc = ensure_file(path, flags, err);
	if (rc != SPM_OK)
		return rc;

	st = calloc(1, sizeof *st);
	len = strlen(path);
	if (st)
		st->path = malloc(len + 1);
	/*
	 * The path is always a file name: SQLite would take ":memory:" as a database in memory and,
	 * as built here, "file:..." as a URI. "./" keeps such relative names literal.
	 */
	if (st && (strcmp(path, ":memory:") == 0 || strncmp(path, "file:", 5) == 0)) {
		name = malloc(len + 3);
		if (!name)
			goto nomem;
		memcpy(name, "./", 2);
		memcpy(name + 2, path, len + 1);
	}
	if (!st || !st->path)
		goto nomem;
	memcpy(st->path, path, len + 1);

	/* No global allocation statistics: they take a mutex on every allocation. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	rc = sqlite3_open_v2(
	    name ? name : path, &st->db,
	    ((flags & SPM_STORE_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
	        SQLITE_OPEN_NOMUTEX,
	    NULL);
	free(name);
	if (rc != SQLITE_OK)
		rc = store_fail(path, st->db, rc, "cannot open", err);
	else
		rc = store_setup(st, flags, timeout_ms, err);
	if (rc != SPM_OK) {
		spm_store_close(st);
		return rc;
	}
	*out = st;
	return SPM_OK;
nomem:
	free(name);
	if (st)
		free(st->path);
	free(st);
	return spm_error_set(err, SPM_ENOMEM, "store %s: out of memory", quote_path(q, path));
}

void spm_store_close(spm_store *st)
{
	if (!st)
		return;
	/* close_v2: a statement left unfinalized by mistake delays the close instead of leaking it
	 */
	sqlite3_close_v2(st->db);
	free(st->path);
	free(st);
}

const char *spm_store_path(const spm_store *st)
{
	return st->path;
}

int spm_store_schema_latest(void)
{
	return spm_schema_migration_count;
}

int spm_store_schema_version(spm_store *st)
{
	int version = -1;

	if (query_int(st, "PRAGMA user_version", &version, NULL, NULL) != SPM_OK)
		return -1;
	return version;
}

int spm_store_begin(spm_store *st, spm_error *err)
{
	char q[SPM_QUOTE_BUFSZ];

	if (!sqlite3_get_autocommit(st->db))
		return spm_error_set(err, SPM_EUSAGE, "store %s: a transaction is open already",
		                     quote_path(q, st->path));
	return store_exec(st, "BEGIN IMMEDIATE", "cannot begin a transaction", err);
}

int spm_store_commit(spm_store *st, spm_error *err)
{
	char q[SPM_QUOTE_BUFSZ];

	if (sqlite3_get_autocommit(st->db))
		return spm_error_set(err, SPM_EUSAGE, "store %s: no transaction to commit",
		                     quote_path(q, st->path));
	return store_exec(st, "COMMIT", "cannot commit", err);
}

void spm_store_rollback(spm_store *st)
{
	if (!st || sqlite3_get_autocommit(st->db))
		return;
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

int spm_store_exec(spm_store *st, const char *sql, spm_error *err)
{
	return store_exec(st, sql, NULL, err);
}

int64_t spm_store_changes(spm_store *st)
{
	return (int64_t)sqlite3_changes64(st->db);
}

int spm_stmt_prepare(spm_store *st, spm_stmt **out, const char *sql, spm_error *err)
{
	char q[SPM_QUOTE_BUFSZ];
	char qsql[SPM_QUOTE_BUFSZ];
	sqlite3_stmt *stmt = NULL;
	const char *tail = NULL;
	spm_stmt *s;
	int rc;

	*out = NULL;
	/* persistent: most statements are prepared once and run for every row of an import */
	rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
	if (rc != SQLITE_OK)
		return store_fail(st->path, st->db, rc, "cannot prepare statement", err);
	if (!stmt)
		return spm_error_set(err, SPM_EUSAGE, "store %s: no SQL statement in %s",
		                     quote_path(q, st->path),
		                     spm_quote(qsql, sizeof qsql, sql, strlen(sql)));
	if (tail && tail[0]) {
		/* SQLite would silently ignore a second statement; whitespace and comments are fine
		 */
		sqlite3_stmt *extra = NULL;
		rc = sqlite3_prepare_v2(st->db, tail, -1, &extra, NULL);
		sqlite3_finalize(extra);
		if (rc != SQLITE_OK || extra) {
			sqlite3_finalize(stmt);
			return spm_error_set(err, SPM_EUSAGE,
			                     "store %s: more than one SQL statement in %s",
			                     quote_path(q, st->path),
			                     spm_quote(qsql, sizeof qsql, sql, strlen(sql)));
		}
	}
	s = malloc(sizeof *s);
	if (!s) {
		sqlite3_finalize(stmt);
		return spm_error_set(err, SPM_ENOMEM, "store %s: out of memory",
		                     quote_path(q, st->path));
	}
	s->stmt = stmt;
	s->st = st;
	*out = s;
	return SPM_OK;
}

static int bind_status(spm_stmt *s, int rc)
{
	if (rc == SQLITE_OK)
		return SPM_OK;
	return store_fail(s->st->path, NULL, rc, NULL, NULL);
}

static int bind_text(spm_stmt *s, int idx, const char *text, size_t len,
		     void (*lifetime)(void *))
{
	if (!text) {
		if (len)
			return SPM_EUSAGE;
		text = ""; /* SQLite would bind a NULL pointer as SQL NULL */
	}
	return bind_status(s, sqlite3_bind_text64(s->stmt, idx, text, (sqlite3_uint64)len,
	                                          lifetime, SQLITE_UTF8));
}

int spm_stmt_bind_text(spm_stmt *s, int idx, const char *text, size_t len)
{
	return bind_text(s, idx, text, len, SQLITE_TRANSIENT);
}

int spm_stmt_bind_text_static(spm_stmt *s, int idx, const char *text, size_t len)
{
	return bind_text(s, idx, text, len, SQLITE_STATIC);
}

int spm_stmt_bind_int64(spm_stmt *s, int idx, int64_t v)
{
	return bind_status(s, sqlite3_bind_int64(s->stmt, idx, (sqlite3_int64)v));
}

int spm_stmt_bind_double(spm_stmt *s, int idx, double v)
{
	return bind_status(s, sqlite3_bind_double(s->stmt, idx, v));
}

int spm_stmt_bind_null(spm_stmt *s, int idx)
{
	return bind_status(s, sqlite3_bind_null(s->stmt, idx));
}

int spm_stmt_step(spm_stmt *s, spm_error *err)
{
	int rc = sqlite3_step(s->stmt);
	int status;

	if (rc == SQLITE_ROW)
		return SPM_ROW;
	if (rc == SQLITE_DONE)
		return SPM_DONE;
	status = store_fail(s->st->path, s->st->db, rc, NULL, err);
	/* a failed statement must not keep its read lock until the caller resets it */
	sqlite3_reset(s->stmt);
	return status;
}

int spm_stmt_columns(spm_stmt *s)
{
	return sqlite3_column_count(s->stmt);
}

bool spm_stmt_is_null(spm_stmt *s, int col)
{
	return sqlite3_column_type(s->stmt, col) == SQLITE_NULL;
}

int64_t spm_stmt_int64(spm_stmt *s, int col)
{
	return (int64_t)sqlite3_column_int64(s->stmt, col);
}

double spm_stmt_double(spm_stmt *s, int col)
{
	return sqlite3_column_double(s->stmt, col);
}

const char *spm_stmt_text(spm_stmt *s, int col, size_t *len)
{
	/* text first, then bytes: the order in which SQLite promises the length matches the text */
	const unsigned char *text = sqlite3_column_text(s->stmt, col);
	int n = text ? sqlite3_column_bytes(s->stmt, col) : 0;

	if (len)
		*len = n > 0 ? (size_t)n : 0;
	return text ? (const char *)text : "";
}

const char *spm_stmt_column_name(spm_stmt *s, int col)
{
	const char *name = sqlite3_column_name(s->stmt, col);

	return name ? name : "";
}

void spm_stmt_reset(spm_stmt *s)
{
	sqlite3_reset(s->stmt);
}

void spm_stmt_clear_bindings(spm_stmt *s)
{
	sqlite3_clear_bindings(s->stmt);
}

void spm_stmt_finalize(spm_stmt *s)
{
	if (!s)
		return;
	sqlite3_finalize(s->stmt);
	free(s);
}

int spm_store_setting_get(spm_store *st, const char *key, char *buf, size_t size, spm_error *err)
{
	char q[SPM_QUOTE_BUFSZ];
	spm_stmt *s;
	const char *value;
	size_t len;
	int rc;

	if (!key || !buf || size == 0)
		return spm_error_set(err, SPM_EUSAGE, "setting: no key or no buffer");
	buf[0] = '\0';
	rc = spm_stmt_prepare(st, &s, "SELECT value FROM settings WHERE key = ?1", err);
	if (rc != SPM_OK)
		return rc;
	rc = spm_stmt_bind_text(s, 1, key, strlen(key));
	if (rc != SPM_OK)
		rc = spm_error_set(err, rc, "setting %s: cannot bind the key",
		                   spm_quote(q, sizeof q, key, strlen(key)));
	else
		rc = spm_stmt_step(s, err);
	if (rc == SPM_DONE) {
		rc = 1;
	} else if (rc == SPM_ROW) {
		value = spm_stmt_text(s, 0, &len);
		if (len < size) {
			memcpy(buf, value, len);
			buf[len] = '\0';
			rc = SPM_OK;
		} else {
			rc = spm_error_set(
			    err, SPM_EUSAGE,
			    "setting %s: value of %zu bytes does not fit a buffer of %zu",
			    spm_quote(q, sizeof q, key, strlen(key)), len, size);
		}
	}
	spm_stmt_finalize(s);
	return rc;
}

int spm_store_setting_set(spm_store *st, const char *key, const char *value, spm_error *err)
{
	char q[SPM_QUOTE_BUFSZ];
	spm_stmt *s;
	int rc;

	if (!key || !key[0] || !value)
		return spm_error_set(err, SPM_EUSAGE, "setting: no key or no value");
	/* the upsert is also PostgreSQL's */
	rc = spm_stmt_prepare(st, &s,
	                      "INSERT INTO settings(key, value) VALUES (?1, ?2) "
	                      "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	                      err);
	if (rc != SPM_OK)
		return rc;
	rc = spm_stmt_bind_text(s, 1, key, strlen(key));
	if (rc == SPM_OK)
		rc = spm_stmt_bind_text(s, 2, value, strlen(value));
	if (rc != SPM_OK)
		rc = spm_error_set(err, rc, "setting %s: cannot bind the value",
		                   spm_quote(q, sizeof q, key, strlen(key)));
	else
		rc = spm_stmt_step(s, err);
	spm_stmt_finalize(s);
	return rc == SPM_DONE ? SPM_OK : rc;
}

int spm_store_fiscal(spm_store *st, spm_fiscal *out, spm_error *err)
{
	char start[8], named[8];
	int64_t month = 1;
	int rc;

	*out = SPM_FISCAL_CALENDAR;
	if ((rc = spm_store_setting_get(st, "fiscal_year_start", start, sizeof start, err)) < 0)
		return rc;
	if (rc == SPM_OK && spm_int_parse(&month, start, strlen(start), 1, 12, NULL))
		return spm_error_set(err, SPM_ESTORE, "setting fiscal_year_start: not a month: '%s'",
		                     start);
	if ((rc = spm_store_setting_get(st, "fiscal_year_named_by", named, sizeof named, err)) < 0)
		return rc;
	if (rc == SPM_OK && strcmp(named, "end") != 0 && strcmp(named, "start") != 0)
		return spm_error_set(err, SPM_ESTORE,
		                     "setting fiscal_year_named_by: not end or start: '%s'", named);
	out->start_month = (int)month;
	out->named_by_start = rc == SPM_OK && strcmp(named, "start") == 0;
	return SPM_OK;
}
