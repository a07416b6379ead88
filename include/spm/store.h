/*
 * spm/store.h - the store: one SQLite file holding all of spm's data.
 *
 * The store module is the only one that talks to SQLite; other modules use this small API (open,
 * prepare, bind, step, transactions) so that another backend can be added later without touching
 * them. SQL written for the store keeps to what PostgreSQL also accepts, and marks where it cannot.
 *
 * Opening a store: a new file is created readable and writable by its owner only (it holds pay data),
 * with foreign keys on, WAL journaling, and a busy timeout so a report can read while the nightly job
 * writes. The schema version is PRAGMA user_version: an older file is migrated forward in one
 * transaction; a file written by a newer spm is refused.
 */
#ifndef SPM_STORE_H
#define SPM_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spm/error.h"
#include "spm/period.h"

typedef struct spm_store spm_store;
typedef struct spm_stmt spm_stmt;

#define SPM_STORE_CREATE 0x1u    /* create the file if it does not exist */
#define SPM_STORE_READONLY 0x2u  /* open for reading only; no migration */

#define SPM_ROW 1   /* spm_stmt_step: a row is ready */
#define SPM_DONE 0  /* spm_stmt_step: the statement has finished */

/*
 * Opens (and with SPM_STORE_CREATE creates) the store at path and brings its schema up to date.
 * path is always a file name (":memory:" and "file:..." too). An existing empty file is a new
 * store; a SQLite database that has tables but no schema version belongs to something else and is
 * refused. The busy timeout is 5000 ms, or $SPM_BUSY_TIMEOUT (digits only, 0 to 3600000; empty
 * means unset). Missing migrations run in one transaction with foreign keys off and every reference
 * checked before the commit, so that a failed upgrade leaves the file as it was. Returns SPM_OK;
 * SPM_EUSAGE for no path, unknown flags, CREATE with READONLY, or a bad SPM_BUSY_TIMEOUT; SPM_EIO
 * when the file does not exist (without SPM_STORE_CREATE) or cannot be opened or created;
 * SPM_ESTORE when it is not a store ("'x' is not an spm store"), is damaged, has a schema newer
 * than this spm ("store 'x' has schema version 7, newer than this spm supports (1): upgrade spm"),
 * needs an upgrade that SPM_STORE_READONLY forbids, or an upgrade fails; SPM_EBUSY when another
 * process holds the lock past the busy timeout. *out is NULL on failure.
 */
int spm_store_open(spm_store **out, const char *path, unsigned flags, spm_error *err);

/*
 * Closes the store, finalizing nothing: every statement must have been finalized (one that was not
 * keeps the file open until it is, and must not be stepped again). An open transaction is rolled
 * back. NULL-safe.
 */
void spm_store_close(spm_store *st);

/* The path as given to spm_store_open; owned by the store. */
const char *spm_store_path(const spm_store *st);

/*
 * The schema version this build writes, and the version of the open file (equal after open; -1 if
 * it cannot be read).
 */
int spm_store_schema_latest(void);
int spm_store_schema_version(spm_store *st);

/*
 * Transactions. begin takes the write lock at once (BEGIN IMMEDIATE), so that a second writer fails
 * early with SPM_EBUSY instead of half-way; SPM_EUSAGE if a transaction is open already (on a
 * read-only store it only holds one snapshot for reading). commit returns SPM_EBUSY, SPM_ESTORE or
 * SPM_EIO on failure, SPM_EDATA when a deferred foreign key is broken, SPM_EUSAGE when no
 * transaction is open; after a failure the caller must roll back. rollback never fails (a no-op
 * outside a transaction; NULL-safe).
 */
int spm_store_begin(spm_store *st, spm_error *err);
int spm_store_commit(spm_store *st, spm_error *err);
void spm_store_rollback(spm_store *st);

/* Runs one or more SQL statements that return no rows. Fails as spm_stmt_step does. */
int spm_store_exec(spm_store *st, const char *sql, spm_error *err);

/* Rows changed by the last INSERT, UPDATE or DELETE that finished. */
int64_t spm_store_changes(spm_store *st);

/*
 * Prepares one SQL statement, with ?NNN or ? parameters (1-based); a final semicolon, blanks and
 * comments may follow it. The statement belongs to the caller, who finalizes it before closing the
 * store. Returns SPM_OK; SPM_EUSAGE when sql holds no statement or more than one; SPM_ESTORE for an
 * error in the SQL (with SQLite's message); SPM_ENOMEM. *out is NULL on failure.
 */
int spm_stmt_prepare(spm_store *st, spm_stmt **out, const char *sql, spm_error *err);

/*
 * Binding: idx is 1-based. text is copied (need not be NUL-terminated); NULL with len 0 binds ''.
 * Returns SPM_OK; SPM_EUSAGE for an index the statement does not have or NULL text with len > 0;
 * SPM_EDATA for text longer than the store allows; SPM_ENOMEM. No error record: the caller knows
 * which value it was binding.
 */
int spm_stmt_bind_text(spm_stmt *s, int idx, const char *text, size_t len);
/*
 * Binds text without copying it: the caller keeps it unchanged until the statement has stepped and
 * is reset or rebound. For hot loops (an import binds millions of values).
 */
int spm_stmt_bind_text_static(spm_stmt *s, int idx, const char *text, size_t len);
int spm_stmt_bind_int64(spm_stmt *s, int idx, int64_t v);
int spm_stmt_bind_double(spm_stmt *s, int idx, double v); /* statistics only, never money */
int spm_stmt_bind_null(spm_stmt *s, int idx);

/*
 * Steps: SPM_ROW when a row is ready, SPM_DONE when finished, or a negative status: SPM_EBUSY,
 * SPM_EDATA for a constraint violation (with SQLite's message), SPM_ESTORE, SPM_EIO (also for a
 * write to a read-only store), SPM_ENOMEM. After a failure the statement has been reset, its
 * bindings kept, so it can run again.
 */
int spm_stmt_step(spm_stmt *s, spm_error *err);

/*
 * Columns of the current row (0-based). text is NUL-terminated and valid until the next step, reset
 * or finalize; a NULL reads as 0 or "". column_name is the name or alias in the SELECT.
 */
int spm_stmt_columns(spm_stmt *s);
bool spm_stmt_is_null(spm_stmt *s, int col);
int64_t spm_stmt_int64(spm_stmt *s, int col);
double spm_stmt_double(spm_stmt *s, int col);
const char *spm_stmt_text(spm_stmt *s, int col, size_t *len); /* "" for NULL; len may be NULL */
const char *spm_stmt_column_name(spm_stmt *s, int col);

/* Makes the statement ready to run again; bindings are kept. */
void spm_stmt_reset(spm_stmt *s);
void spm_stmt_clear_bindings(spm_stmt *s);

/* Frees the statement. NULL-safe. */
void spm_stmt_finalize(spm_stmt *s);

/*
 * Store settings (the settings table): fiscal year start, base currency, ... get copies the value
 * into buf and returns SPM_OK, or returns 1 when the key is not set (buf then holds ""); SPM_EUSAGE
 * when the value does not fit in size bytes with its NUL (buf then holds "") or key or buf is
 * missing. set adds or replaces; SPM_EUSAGE for an empty key or a NULL value; SPM_EIO on a
 * read-only store. Both also fail as spm_stmt_step does.
 */
int spm_store_setting_get(spm_store *st, const char *key, char *buf, size_t size, spm_error *err);
int spm_store_setting_set(spm_store *st, const char *key, const char *value, spm_error *err);

/*
 * The store's fiscal year, from the settings fiscal_year_start (1..12) and fiscal_year_named_by
 * (end or start); the calendar year when they are unset. SPM_ESTORE for a value out of range.
 */
int spm_store_fiscal(spm_store *st, spm_fiscal *out, spm_error *err);

#endif
