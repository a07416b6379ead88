/*
 * spm/error.h - status codes and the error record every library call fills.
 *
 * Library functions never print and never exit. A function that can fail returns an int: SPM_OK (0)
 * or a negative spm_status, and, when the caller passes a non-NULL spm_error, fills it with the
 * status, where the failure is (source, line, column) and a message. The message is lowercase, names
 * the failing thing first, quotes the subject and has no final period:
 *
 *     deals.csv:17: column 'amount': not a number: '12,5x'
 *
 * The record is a plain struct with fixed buffers: filling it never allocates, so it works when memory
 * has run out, and it needs no cleanup.
 */
#ifndef SPM_ERROR_H
#define SPM_ERROR_H

#include <stdarg.h>
#include <stddef.h>

typedef enum spm_status {
	SPM_OK = 0,
	SPM_EUSAGE = -1,    /* an invalid argument or option from the caller */
	SPM_EDATA = -2,     /* input data is malformed or breaks a rule */
	SPM_ECONFIG = -3,   /* a plan or configuration file is invalid */
	SPM_EBUSY = -4,     /* the store is locked by another process; retrying later may succeed */
	SPM_EIO = -5,       /* reading or writing a file failed */
	SPM_ENOMEM = -6,    /* out of memory */
	SPM_ESTORE = -7,    /* the store is damaged, from a newer spm, or failed inside */
	SPM_ERANGE = -8     /* an arithmetic result does not fit (overflow, division by zero) */
} spm_status;

typedef struct spm_error {
	spm_status code;
	long line;           /* 1-based line in source; 0 when not applicable */
	long col;            /* 1-based column (a character position, for plan files); 0 when none */
	char source[256];    /* file name, "-" for standard input, or "" */
	char column[128];    /* column or field name, or "" */
	char message[768];   /* the reason, without the location */
} spm_error;

/* Resets err to SPM_OK with no location and no message. NULL-safe. */
void spm_error_clear(spm_error *err);

/*
 * Sets err's code and message (printf-style) and clears its location. Returns code, so that a failing
 * function can `return spm_error_set(err, SPM_EDATA, "...")`. err may be NULL.
 */
int spm_error_set(spm_error *err, spm_status code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int spm_error_vset(spm_error *err, spm_status code, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/*
 * Adds a location to an error that has a message already (a parser fills the message, the caller
 * knows the file, line and column). NULL source or column leaves that part unchanged; line 0 leaves
 * the line unchanged. err may be NULL.
 */
void spm_error_locate(spm_error *err, const char *source, long line, const char *column);

/* Locates err at a position in a text file: "plan.yaml:12:5: ...". NULL source leaves it. */
void spm_error_locate_at(spm_error *err, const char *source, long line, long col);

/*
 * Writes "source:line[:col]: column 'c': message" (parts that are unset are left out) to buf, always
 * NUL-terminated when size > 0. Returns the length the full text has, like snprintf.
 */
size_t spm_error_format(const spm_error *err, char *buf, size_t size);

/* A short lowercase name for a status: "bad data", "store busy", ... */
const char *spm_status_name(int status);

/*
 * Writes value (len bytes, not necessarily NUL-terminated) into buf quoted for a message: 'value',
 * with control characters, quotes, backslashes and bytes that are not UTF-8 shown as \xNN and long
 * values cut at 60 characters with "...". Returns buf.
 */
char *spm_quote(char *buf, size_t size, const char *value, size_t len);
#define SPM_QUOTE_BUFSZ 256

#endif
