/*
 * cli.h - what the spm tools share: the option table that drives getopt_long and renders --help,
 * the exit codes, error printing, the store path, output defaults and progress on a terminal.
 */
#ifndef SPM_CLI_H
#define SPM_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "spm/error.h"
#include "spm/org.h"
#include "spm/period.h"
#include "spm/run.h"
#include "spm/store.h"
#include "spm/writer.h"

/* Exit codes, the same in every tool (see spm(7), EXIT STATUS). */
enum {
	SPM_EXIT_OK = 0,
	SPM_EXIT_USAGE = 64,   /* bad options or arguments */
	SPM_EXIT_DATA = 65,    /* bad input data; nothing was written */
	SPM_EXIT_STORE = 70,   /* the store is damaged, not a store, or from a newer spm */
	SPM_EXIT_NOMEM = 71,   /* out of memory */
	SPM_EXIT_IO = 74,      /* a file could not be read or written */
	SPM_EXIT_BUSY = 75,    /* the store is locked by another process: try again later */
	SPM_EXIT_CONFIG = 78   /* a plan or configuration file is invalid */
};

/* One option: drives getopt_long and one line of --help. */
typedef struct cli_option {
	const char *name;    /* long name, without the dashes */
	int short_name;      /* a letter, or a value above 255 for long-only options */
	const char *arg;     /* argument name shown in --help, or NULL for a flag */
	const char *help;    /* one line */
} cli_option;

/* Sets the program name used in messages. */
void cli_init(const char *progname);
const char *cli_progname(void);

/* The exit code for a library status. */
int cli_exit_code(int status);

/* Prints "prog: <formatted error>" on stderr. */
void cli_print_error(const spm_error *err);
/* "s" for a count other than 1, else "": "%zu row%s" in messages. */
const char *cli_plural(size_t n);

/* Prints "prog: <message>" on stderr. */
void cli_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints a usage error and the hint to run --help; returns SPM_EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Runs getopt_long over the table. Returns the option's short_name, -1 at the end of the options,
 * or '?' after printing a usage error. *arg receives the option's argument.
 */
int cli_getopt(int argc, char **argv, const cli_option *opts, const char **arg);

/* Prints the usage line, the description and the option table, as --help shows them. */
void cli_print_help(FILE *fp, const char *usage, const char *about, const cli_option *opts,
		    const char *after);
void cli_print_version(void);

/* The store path: the --db argument, else $SPM_DB, else ./spm.db. */
const char *cli_store_path(const char *from_option);

/* Opens the store; on failure prints the error and returns NULL with *exit_code set. */
spm_store *cli_open_store(const char *path, unsigned flags, int *exit_code);

/* Parses --format; NULL means the default: table on a terminal, else csv. */
int cli_output_format(const char *name, FILE *out, spm_output_format *fmt);

/* Opens --output (NULL or "-": stdout). On failure prints the error and returns NULL. */
FILE *cli_open_output(const char *path);
/* Closes an output from cli_open_output, reporting a write error; returns an exit code. */
int cli_close_output(FILE *fp, const char *path);

/*
 * Rows written as they come, in memory, and to the output only when the work succeeds: a failed
 * run leaves no partial output and no half-written file. cli_rows_begin returns an exit code
 * (usage for an unknown format); cli_rows_add returns an spm status; cli_rows_end writes the
 * rows out when `ok` and returns an exit code, or discards them.
 */
typedef struct cli_rows {
	FILE *mem;
	char *text;
	size_t len;
	spm_writer *w;
	const char *output;
} cli_rows;

int cli_rows_begin(cli_rows *r, const char *format, const char *output, const spm_column *cols,
		   size_t ncols);
int cli_rows_add(cli_rows *r, const char *const *values);
int cli_rows_end(cli_rows *r, bool ok);
/* Ends the rows after the library returned rc: written when rc is SPM_OK, else discarded with the
 * failure printed. Returns the exit status: the library's failure's, else the writing's. */
int cli_rows_finish(cli_rows *r, int rc, spm_error *err);

/*
 * Writes nrows rows of ncols cells (row after row; a NULL cell has no value) to `output` (NULL or
 * "-": standard output) in `format` (NULL: table on a terminal, else csv). Prints what fails and
 * returns the exit code.
 */
int cli_write_rows(const char *format, const char *output, const spm_column *cols, size_t ncols,
		   const char *const *cells, size_t nrows);

/*
 * Reads a whole small file (at most 1 MiB: plans, ramps, contests), for `what` ("a plan") in the
 * message about a file too large. Prints what fails and returns NULL; the caller frees the text.
 */
char *cli_read_file(const char *path, size_t *len, const char *what);

/*
 * Opens the store and reads the period name by the store's fiscal year (FY names); an exit
 * status, with the message printed ("COMMAND: give the period with --period" when name is NULL).
 * *st may be open on failure: the caller closes it.
 */
int cli_open_period(const char *command, const char *db, unsigned flags, const char *name,
                    spm_store **st, spm_period *out);

/* Prints a library failure and returns its exit code. */
int cli_library_error(int rc, spm_error *err);

/* One sub-command's --help: its usage, a paragraph, and its options' long names. */
typedef struct cli_command_help {
	const char *name, *usage, *about;
	const char *options; /* the long names of its options, space-separated */
} cli_command_help;

/*
 * Checks that every option given (given[i][1] not NULL; given[i][0] its long name) is one of the
 * command's in helps[0..n-1]: SPM_EXIT_OK, or a usage error naming the first that is not ("COMMAND:
 * --NAME is not one of its options") or the unknown command.
 */
int cli_check_options(const cli_command_help *helps, size_t n, const char *command,
                      const char *const (*given)[2], size_t ngiven);

/* Today, by the clock, in UTC. */
spm_date cli_today(void);

/*
 * The day a period is reported to: --as-of's text, else today, or the period's last day once it
 * has ended; a usage error (printed) when the period has not started by then. An exit status.
 */
int cli_period_as_of(const char *text, const spm_period *period, spm_date *out);

/*
 * --level: a comma list of rep, manager, team, territory, company, or all, as bits 1 << level;
 * NULL gives rep only. Returns an exit status, with the message printed.
 */
int cli_parse_levels(const char *text, unsigned *out);

/*
 * Prints the help of `command` from helps[0..n-1], with its options taken from `options` (and
 * --help); false when there is no such command.
 */
bool cli_print_command_help(const cli_command_help *helps, size_t n, const cli_option *options,
                            const char *after, const char *command);

/* Plan files read and parsed, for the tools that run plans. */
typedef struct cli_plan_set {
	spm_run_plan *plans;
	char **texts;
	size_t n;
} cli_plan_set;

/* Reads and parses the plan files; returns an exit status, with the message printed. */
int cli_plan_set_load(cli_plan_set *ps, int npaths, char **paths);
void cli_plan_set_free(cli_plan_set *ps);

/* Progress on stderr, only when stderr is a terminal, at most a few times a second. */
void cli_progress(const char *what, uint64_t count, uint64_t done, uint64_t total);
void cli_progress_end(void);

/* --OPTION's whole number from lo to hi into *out; an exit status, with the message printed. */
int cli_parse_count(const char *option, const char *text, long lo, long hi, long *out);

/* A rate as a percentage with two decimals, cut toward zero: 0.866666 is "86.66". */
void cli_percent2(char *buf, size_t size, spm_rate r);

/* The attainment command's options (cli_attain.c), as spm-quota and spm-report take them. */
typedef struct cli_attain_opts {
	const char *db, *period, *as_of, *level, *to_date, *pacing, *team, *territory, *rep;
	const char *metric, *currency, *format, *output;
	bool quiet;
} cli_attain_opts;

/* Per rep and roll-up, credited bookings against quota to a day; returns an exit status. */
int cli_attainment(const cli_attain_opts *o);

#endif
