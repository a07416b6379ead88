/*
 * spm-commission - compensation plans as code. This version implements `check`: read plans
 * strictly (spm-plan(5)) and lint them; runs, statements and payroll exports come next. The work is
 * in the library (plan.c, lint.c); this file reads options and files, and reports.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "spm/lint.h"
#include "spm/plan.h"
#include "spm/run.h"

enum { OPT_CLIFF = 256, OPT_EXPLAIN };

static const cli_option options[] = {
    {"db", 'd', "PATH", "the store (default: $SPM_DB, else ./spm.db)"},
    {"period", 'p', "PERIOD", "run: the period to pay; check: list who sold in it on no plan"},
    {"explain", OPT_EXPLAIN, NULL, "run: add each line's explanation (JSON)"},
    {"cliff-tolerance", OPT_CLIFF, "X", "check: report cliffs above X (an amount, or N% of quota)"},
    {"format", 'f', "FMT", "table, csv, tsv, json or jsonl; check also text, its default"},
    {"output", 'o', "FILE", "write the results to FILE (default: standard output)"},
    {"quiet", 'q', NULL, "no summary on standard error"},
    {"help", 'h', NULL, "show this help and exit"},
    {"version", 'V', NULL, "show the version and exit"},
    {NULL, 0, NULL, NULL},
};

static const char usage[] = "[options] check|run PLAN...";
static const char about[] =
    "Work with compensation plans written as YAML files (see spm-plan(5)).\n\n"
    "commands:\n"
    "  check PLAN...   read each plan strictly and report what a reviewer should see:\n"
    "                  cliffs and falling pay in retroactive tables, and with --period,\n"
    "                  reps who sold in the period but are on none of the plans\n"
    "  run PLAN...     pay every rep assigned to the plans for --period PERIOD: store\n"
    "                  the run (replacing the period's previous one), write its lines";
static const char after[] =
    "Exit status: 0 success (check: findings are warnings), 64 usage, 65 data the run\n"
    "cannot use, 70 store error, 74 input/output error, 75 store busy, 78 a plan is invalid.\n";

/* Findings, gathered to be written in one format at the end. Every cell is owned (or NULL). */
typedef struct findings {
	char **cells; /* 4 per finding: plan, source, line, message */
	size_t n, cap;
	bool failed;
} findings;

static void add_finding(void *ctx, const spm_lint *l)
{
	findings *f = ctx;
	if (f->failed)
		return;
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		char **p = realloc(f->cells, cap * 4 * sizeof *p);
		if (!p) {
			f->failed = true;
			return;
		}
		f->cells = p;
		f->cap = cap;
	}
	char line[24];
	snprintf(line, sizeof line, "%ld", l->line);
	char **row = f->cells + f->n * 4;
	row[0] = NULL; /* the plan, named by the caller */
	row[1] = strdup(l->source);
	row[2] = l->line ? strdup(line) : NULL;
	row[3] = strdup(l->message);
	if (!row[1] || (l->line && !row[2]) || !row[3]) {
		free(row[1]);
		free(row[2]);
		free(row[3]);
		f->failed = true;
		return;
	}
	f->n++;
}

static void findings_free(findings *f)
{
	for (size_t i = 0; i < f->n * 4; i++)
		free(f->cells[i]);
	free(f->cells);
}

/* Reads a whole plan file; plans are small, and a large file is surely not one. */
static char *read_plan(const char *path, size_t *len)
{
	enum { MAX_PLAN = 1 << 20 };
	FILE *fp = fopen(path, "rb");
	char *text;
	if (!fp) {
		cli_errorf("cannot open '%s': %s", path, strerror(errno));
		return NULL;
	}
	text = malloc(MAX_PLAN + 1);
	*len = text ? fread(text, 1, MAX_PLAN + 1, fp) : 0;
	if (!text)
		cli_errorf("out of memory");
	else if (ferror(fp))
		cli_errorf("cannot read '%s': %s", path, strerror(errno));
	else if (*len > MAX_PLAN)
		cli_errorf("'%s' is larger than 1 MiB: not a plan", path);
	if (!text || ferror(fp) || *len > MAX_PLAN) {
		free(text);
		fclose(fp);
		return NULL;
	}
	fclose(fp);
	return text;
}

static int parse_tolerance(const char *arg, spm_lint_options *lo)
{
	size_t n = strlen(arg);
	if (n && arg[n - 1] == '%')
		return spm_rate_parse(&lo->cliff_share, arg, n, SPM_NUM_PERCENT, NULL) ||
		       lo->cliff_share.units < 0;
	return spm_money_parse(&lo->cliff_amount, arg, n, 0, NULL) || lo->cliff_amount.units < 0;
}

static int write_findings(const findings *f, const char *format, const char *output)
{
	static const spm_column cols[] = {
	    {"plan", SPM_COL_TEXT},
	    {"source", SPM_COL_TEXT},
	    {"line", SPM_COL_NUMBER},
	    {"finding", SPM_COL_TEXT},
	};
	if (format && strcmp(format, "text") != 0)
		return cli_write_rows(format, output, cols, 4, (const char *const *)f->cells, f->n);
	FILE *out = cli_open_output(output);
	if (!out)
		return SPM_EXIT_IO;
	for (size_t i = 0; i < f->n; i++) {
		char *const *row = f->cells + i * 4;
		if (row[2])
			fprintf(out, "%s:%s: warning: %s\n", row[1], row[2], row[3]);
		else
			fprintf(out, "warning: %s\n", row[3]);
	}
	return cli_close_output(out, output);
}

static int check(int nplans, char **paths, const char *db, const char *period_name,
                 const spm_lint_options *lo, const char *format, const char *output, bool quiet)
{
	spm_plan **plans = calloc((size_t)nplans, sizeof *plans);
	findings f = {0};
	spm_store *st = NULL;
	int status = SPM_EXIT_OK;
	size_t nvalid = 0;
	int written;

	if (!plans) {
		cli_errorf("out of memory");
		return SPM_EXIT_NOMEM;
	}
	for (int i = 0; i < nplans; i++) {
		size_t len, before = f.n;
		spm_error err;
		char *text = read_plan(paths[i], &len);
		if (!text) {
			status = SPM_EXIT_IO;
			continue;
		}
		int rc = spm_plan_parse(&plans[nvalid], paths[i], text, len, &err);
		free(text);
		if (rc) {
			cli_print_error(&err);
			if (status == SPM_EXIT_OK)
				status = cli_exit_code(rc);
			continue;
		}
		spm_plan *p = plans[nvalid++];
		rc = spm_plan_lint(p, lo, add_finding, &f, &err);
		if (rc < 0) {
			cli_print_error(&err);
			status = cli_exit_code(rc);
		}
		for (size_t k = before; k < f.n; k++)
			if (!(f.cells[k * 4] = strdup(p->name)))
				f.failed = true;
		if (!quiet && f.n == before && (!format || strcmp(format, "text") == 0))
			fprintf(stderr, "%s: plan '%s' is valid\n", paths[i], p->name);
	}
	if (period_name && nvalid > 0 && status == SPM_EXIT_OK) {
		spm_period period;
		spm_error err;
		if (spm_period_parse(&period, period_name, strlen(period_name), NULL, &err)) {
			status = cli_usage_error("--period: %s", err.message);
			goto out;
		}
		if (!(st = cli_open_store(cli_store_path(db), SPM_STORE_READONLY, &status)))
			goto out;
		int rc = spm_plan_unassigned(st, (const spm_plan *const *)plans, nvalid, &period,
		                             add_finding, &f, &err);
		if (rc < 0) {
			cli_print_error(&err);
			status = cli_exit_code(rc);
			goto out;
		}
	}
	if (f.failed) {
		cli_errorf("out of memory");
		status = SPM_EXIT_NOMEM;
		goto out;
	}
	written = write_findings(&f, format, output);
	if (status == SPM_EXIT_OK)
		status = written;
out:
	spm_store_close(st);
	findings_free(&f);
	for (size_t i = 0; i < nvalid; i++)
		spm_plan_free(plans[i]);
	free(plans);
	return status;
}

/* Payout lines, as text cells (owned), gathered to be written in one format at the end. */
typedef struct payouts {
	char **cells;
	size_t n, cap, ncols; /* ncols: with or without the explanation */
} payouts;

enum { PAYOUT_COLS = 12 };

static int add_payout(void *ctx, const spm_payout *p)
{
	payouts *out = ctx;
	char num[6][SPM_NUM_BUFSZ], credits[24];
	spm_money_format(num[0], sizeof num[0], p->base, 2);
	spm_money_format(num[1], sizeof num[1], p->quota, 2);
	spm_rate_format(num[2], sizeof num[2], p->attainment, true);
	spm_money_format(num[3], sizeof num[3], p->earned, 2);
	spm_money_format(num[4], sizeof num[4], p->cut, 2);
	spm_money_format(num[5], sizeof num[5], p->pay, 2);
	snprintf(credits, sizeof credits, "%lld", (long long)p->credits);
	const char *row[PAYOUT_COLS] = {p->rep_id,
	                                p->plan,
	                                p->component,
	                                credits,
	                                num[0],
	                                p->has_quota ? num[1] : NULL,
	                                p->has_quota ? num[2] : NULL,
	                                num[3],
	                                num[4],
	                                num[5],
	                                p->currency,
	                                p->explain};
	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 64;
		char **cells = realloc(out->cells, cap * out->ncols * sizeof *cells);
		if (!cells)
			return SPM_ENOMEM;
		out->cells = cells;
		out->cap = cap;
	}
	char **dst = out->cells + out->n * out->ncols;
	for (size_t i = 0; i < out->ncols; i++) {
		dst[i] = row[i] ? strdup(row[i]) : NULL;
		if (row[i] && !dst[i]) {
			while (i-- > 0)
				free(dst[i]);
			return SPM_ENOMEM;
		}
	}
	out->n++;
	return 0;
}

static void payouts_free(payouts *out)
{
	for (size_t i = 0; i < out->n * out->ncols; i++)
		free(out->cells[i]);
	free(out->cells);
}

static int run_plans(int nplans, char **paths, const char *db, const char *period_name,
                     bool explain, const char *format, const char *output, bool quiet)
{
	static const spm_column cols[PAYOUT_COLS] = {
	    {"rep_id", SPM_COL_TEXT},     {"plan", SPM_COL_TEXT},     {"component", SPM_COL_TEXT},
	    {"credits", SPM_COL_NUMBER},  {"base", SPM_COL_NUMBER},   {"quota", SPM_COL_NUMBER},
	    {"attainment", SPM_COL_TEXT}, {"earned", SPM_COL_NUMBER}, {"cut", SPM_COL_NUMBER},
	    {"pay", SPM_COL_NUMBER},      {"currency", SPM_COL_TEXT}, {"explain", SPM_COL_TEXT},
	};
	spm_run_plan *plans = calloc((size_t)nplans, sizeof *plans);
	char **texts = calloc((size_t)nplans, sizeof *texts);
	payouts out = {NULL, 0, 0, explain ? PAYOUT_COLS : PAYOUT_COLS - 1};
	spm_store *st = NULL;
	spm_period period;
	spm_run_summary sum;
	spm_error err;
	int status = SPM_EXIT_OK, rc;

	if (!plans || !texts) {
		cli_errorf("out of memory");
		status = SPM_EXIT_NOMEM;
		goto out;
	}
	if (!period_name) {
		status = cli_usage_error("run: give the period to pay with --period");
		goto out;
	}
	if (spm_period_parse(&period, period_name, strlen(period_name), NULL, &err)) {
		status = cli_usage_error("--period: %s", err.message);
		goto out;
	}
	for (int i = 0; i < nplans; i++) {
		size_t len;
		spm_plan *p = NULL;
		if (!(texts[i] = read_plan(paths[i], &len))) {
			status = SPM_EXIT_IO;
			goto out;
		}
		if ((rc = spm_plan_parse(&p, paths[i], texts[i], len, &err))) {
			cli_print_error(&err);
			status = cli_exit_code(rc);
			goto out;
		}
		plans[i] = (spm_run_plan){p, texts[i], len};
	}
	if (!(st = cli_open_store(cli_store_path(db), 0, &status)))
		goto out;
	if ((rc = spm_run(st, plans, (size_t)nplans, &period, add_payout, &out, &sum, &err))) {
		if (rc == SPM_ENOMEM && !err.message[0])
			spm_error_set(&err, SPM_ENOMEM, "out of memory");
		cli_print_error(&err);
		status = cli_exit_code(rc);
		goto out;
	}
	status = cli_write_rows(format && strcmp(format, "text") != 0 ? format : NULL, output, cols,
	                        out.ncols, (const char *const *)out.cells, out.n);
	if (!quiet && status == SPM_EXIT_OK)
		fprintf(stderr, "%s: run %lld for %s: %lld lines; inputs %.16s\n", cli_progname(),
		        (long long)sum.run_id, period_name, (long long)sum.lines, sum.inputs_hash);
out:
	spm_store_close(st);
	for (int i = 0; plans && i < nplans; i++)
		spm_plan_free((spm_plan *)plans[i].plan);
	for (int i = 0; texts && i < nplans; i++)
		free(texts[i]);
	free(plans);
	free(texts);
	payouts_free(&out);
	return status;
}

int main(int argc, char **argv)
{
	const char *db = NULL, *period = NULL, *format = NULL, *output = NULL, *arg;
	spm_lint_options lo = {{0}, {0}};
	bool quiet = false, explain = false;
	int c;

	cli_init(argv[0]);
	while ((c = cli_getopt(argc, argv, options, &arg)) != -1) {
		switch (c) {
		case 'd':
			db = arg;
			break;
		case 'p':
			period = arg;
			break;
		case OPT_EXPLAIN:
			explain = true;
			break;
		case OPT_CLIFF:
			if (parse_tolerance(arg, &lo))
				return cli_usage_error("--cliff-tolerance: not an amount or a "
				                       "percentage: '%s'",
				                       arg);
			break;
		case 'f':
			format = arg;
			break;
		case 'o':
			output = arg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			cli_print_help(stdout, usage, about, options, after);
			return SPM_EXIT_OK;
		case 'V':
			cli_print_version();
			return SPM_EXIT_OK;
		default:
			return SPM_EXIT_USAGE;
		}
	}
	if (format && strcmp(format, "text") != 0) {
		spm_output_format f;
		if (spm_output_format_parse(&f, format))
			return cli_usage_error("unknown format '%s'", format);
	}
	if (optind >= argc)
		return cli_usage_error("no command given");
	const char *command = argv[optind];
	if (strcmp(command, "check") != 0 && strcmp(command, "run") != 0)
		return cli_usage_error("unknown command '%s'", command);
	if (optind + 1 >= argc)
		return cli_usage_error("%s: no plan given", command);
	if (strcmp(command, "run") == 0)
		return run_plans(argc - optind - 1, argv + optind + 1, db, period, explain, format,
		                 output, quiet);
	return check(argc - optind - 1, argv + optind + 1, db, period, &lo, format, output, quiet);
}
