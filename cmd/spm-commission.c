/*
 * spm-commission - compensation plans as code: check plans, run a period, what-if and reverse
 * solve on history, and read stored runs back as statements, payroll exports and explanations.
 * The work is in the library (plan.c, lint.c, run.c, payouts.c); this file reads options and
 * files, and reports.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "spm/lint.h"
#include "spm/payouts.h"
#include "spm/plan.h"
#include "spm/run.h"

enum { OPT_CLIFF = 256, OPT_EXPLAIN, OPT_DEAL, OPT_DRY_RUN, OPT_PLAN, OPT_AGAINST, OPT_PAYOUT,
       OPT_COMPONENT };

static const cli_option options[] = {
    {"db", 'd', "PATH", "the store (default: $SPM_DB, else ./spm.db)"},
    {"period", 'p', "PERIOD", "the period: 2026-Q1, 2026-03, FY2027-H1...; check: who sold on no plan"},
    {"rep", 'r', "REP", "statement, explain: this rep only (default: every rep); solve: the rep"},
    {"deal", OPT_DEAL, "DEAL", "explain: only this deal's credits and the lines they fed"},
    {"explain", OPT_EXPLAIN, NULL, "run: add each line's explanation (JSON)"},
    {"dry-run", OPT_DRY_RUN, NULL, "run: compute and write the lines, keep nothing"},
    {"plan", OPT_PLAN, "FILE", "simulate: the new plan"},
    {"against", OPT_AGAINST, "FILE", "simulate: the plan it is compared with"},
    {"payout", OPT_PAYOUT, "X", "solve: the pay to reach"},
    {"component", OPT_COMPONENT, "NAME", "solve: the component more sales go to"},
    {"cliff-tolerance", OPT_CLIFF, "X", "check: report cliffs above X (an amount, or N% of quota)"},
    {"format", 'f', "FMT", "table, csv, tsv, json, jsonl; check: text too; statement: html too"},
    {"output", 'o', "FILE", "write the results to FILE (default: standard output)"},
    {"quiet", 'q', NULL, "no summary on standard error"},
    {"help", 'h', NULL, "show this help and exit"},
    {"version", 'V', NULL, "show the version and exit"},
    {NULL, 0, NULL, NULL},
};

static const char usage[] = "[options] check PLAN... | run [PLAN...]\n"
                            "       spm-commission [options] statement|export|explain|close\n"
                            "       spm-commission [options] simulate --plan NEW --against OLD\n"
                            "       spm-commission [options] solve --payout X PLAN";
static const char about[] =
    "Work with compensation plans written as YAML files (see spm-plan(5)).\n\n"
    "commands:\n"
    "  check PLAN...   read each plan strictly and report what a reviewer should see:\n"
    "                  cliffs and falling pay in retroactive tables, and with --period,\n"
    "                  reps who sold in the period but are on none of the plans\n"
    "  run [PLAN...]   pay every rep assigned to the plans for --period PERIOD: store\n"
    "                  the run (replacing the period's previous one), write its lines;\n"
    "                  without plans, the plans of the period's run, from the store\n"
    "  statement       the stored run's lines of --period for --rep (or every rep),\n"
    "                  with the total per currency; --format html: a printable page\n"
    "  export          the payroll file of --period: per rep, pay code and currency\n"
    "  explain         every line of --rep (or every rep) in --period, with its\n"
    "                  explanation, tier steps and credits; --deal: that deal only\n"
    "  close           lock --period's run: its pay can no longer change\n"
    "  simulate        what-if on history: every rep's pay over --period under --plan\n"
    "                  and under --against, the difference and the total cost\n"
    "  solve PLAN      how much more --rep must sell in --period to earn --payout,\n"
    "                  and how much more reaches the next tier";
static const char after[] =
    "'spm-commission COMMAND --help' shows one command's options.\n"
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
		char *text = cli_read_file(paths[i], &len, "a plan");
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
		if ((status = cli_open_period("check", db, SPM_STORE_READONLY, period_name, &st, &period)))
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
enum { PAYOUT_COLS = 15 };

/* A run's lines go to the output as they come (held until the run succeeds). */
typedef struct payout_rows {
	cli_rows rows;
	bool explain;
} payout_rows;

static int add_payout(void *ctx, const spm_payout *p)
{
	payout_rows *out = ctx;
	char num[6][SPM_NUM_BUFSZ], credits[24];
	spm_money_format(num[0], sizeof num[0], p->base, 2);
	spm_money_format(num[1], sizeof num[1], p->quota, 2);
	spm_rate_format(num[2], sizeof num[2], p->attainment, true);
	spm_money_format(num[3], sizeof num[3], p->earned, 2);
	spm_money_format(num[4], sizeof num[4], p->cut, 2);
	spm_money_format(num[5], sizeof num[5], p->pay, 2);
	snprintf(credits, sizeof credits, "%lld", (long long)p->credits);
	bool measured = strcmp(p->kind, "commission") == 0 || strcmp(p->kind, "override") == 0;
	const char *row[PAYOUT_COLS] = {p->rep_id,
	                                p->plan,
	                                p->component,
	                                p->kind,
	                                measured ? credits : NULL,
	                                measured ? num[0] : NULL,
	                                p->has_quota ? num[1] : NULL,
	                                p->has_quota ? num[2] : NULL,
	                                measured ? num[3] : NULL,
	                                measured ? num[4] : NULL,
	                                num[5],
	                                p->currency,
	                                p->reference,
	                                p->reason,
	                                p->explain};
	return cli_rows_add(&out->rows, row);
}

/* Plan files read and parsed, each kept with its text for the store. */
/*
 * The plans of the period's current run, from the store: that run again, exactly. Returns an
 * exit status, the message printed.
 */
static int plan_set_stored(cli_plan_set *ps, spm_store *st, const spm_period *period)
{
	spm_run_info info;
	spm_error err;
	int rc;

	memset(ps, 0, sizeof *ps);
	if ((rc = spm_run_info_read(st, period, &info, &err))) {
		cli_print_error(&err);
		return cli_exit_code(rc);
	}
	ps->plans = calloc(info.nplans ? info.nplans : 1, sizeof *ps->plans);
	ps->texts = calloc(info.nplans ? info.nplans : 1, sizeof *ps->texts);
	if (!ps->plans || !ps->texts)
		rc = spm_error_set(&err, SPM_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < info.nplans; i++) {
		size_t len;
		spm_plan *p = NULL;
		if ((rc = spm_plan_text_read(st, info.plans[i].hash, &ps->texts[i], &len, &err)))
			break;
		ps->n = i + 1;
		if ((rc = spm_plan_parse(&p, info.plans[i].source, ps->texts[i], len, &err)))
			break;
		ps->plans[i] = (spm_run_plan){p, ps->texts[i], len};
	}
	spm_run_info_release(&info);
	if (rc) {
		cli_print_error(&err);
		return cli_exit_code(rc);
	}
	return SPM_EXIT_OK;
}

static int run_plans(int nplans, char **paths, const char *db, const char *period_name,
                     bool explain, bool dry, const char *format, const char *output, bool quiet)
{
	static const spm_column cols[PAYOUT_COLS] = {
	    {"rep_id", SPM_COL_TEXT},     {"plan", SPM_COL_TEXT},       {"component", SPM_COL_TEXT},
	    {"kind", SPM_COL_TEXT},       {"credits", SPM_COL_NUMBER},  {"base", SPM_COL_NUMBER},
	    {"quota", SPM_COL_NUMBER},    {"attainment", SPM_COL_TEXT}, {"earned", SPM_COL_NUMBER},
	    {"cut", SPM_COL_NUMBER},      {"pay", SPM_COL_NUMBER},      {"currency", SPM_COL_TEXT},
	    {"reference", SPM_COL_TEXT},  {"reason", SPM_COL_TEXT},     {"explain", SPM_COL_TEXT},
	};
	payout_rows out = {{0}, explain};
	cli_plan_set ps = {0};
	spm_store *st = NULL;
	spm_period period;
	spm_run_summary sum;
	spm_error err;
	int status, rc;

	if ((nplans && (status = cli_plan_set_load(&ps, nplans, paths))) ||
	    (status = cli_open_period("run", db, 0, period_name, &st, &period)) ||
	    (!nplans && (status = plan_set_stored(&ps, st, &period))) ||
	    (status = cli_rows_begin(&out.rows, format && strcmp(format, "text") != 0 ? format : NULL,
	                             output, cols, explain ? PAYOUT_COLS : PAYOUT_COLS - 1)))
		goto out;
	rc = (dry ? spm_run_dry : spm_run)(st, ps.plans, ps.n, &period, add_payout, &out, &sum,
	                                   &err);
	if (rc) {
		status = cli_library_error(rc, &err);
		goto out;
	}
	status = cli_rows_end(&out.rows, true);
	if (!quiet && status == SPM_EXIT_OK) {
		if (dry)
			fprintf(stderr, "%s: dry run for %s: %lld lines, nothing kept; inputs %.16s\n",
			        cli_progname(), period_name, (long long)sum.lines, sum.inputs_hash);
		else
			fprintf(stderr, "%s: run %lld for %s: %lld lines; inputs %.16s\n",
			        cli_progname(), (long long)sum.run_id, period_name,
			        (long long)sum.lines, sum.inputs_hash);
	}
out:
	cli_rows_end(&out.rows, false);
	spm_store_close(st);
	cli_plan_set_free(&ps);
	return status;
}

/* What-if rows, written as they come, with the totals per currency. */
typedef struct whatif_rows {
	cli_rows rows;
	spm_totals old_total, new_total;
	size_t reps;
} whatif_rows;

static int whatif_add(void *ctx, const spm_whatif_row *w)
{
	whatif_rows *x = ctx;
	char num[3][SPM_NUM_BUFSZ];
	spm_money_format(num[0], sizeof num[0], w->old_pay, 2);
	spm_money_format(num[1], sizeof num[1], w->new_pay, 2);
	spm_money_format(num[2], sizeof num[2], w->diff, 2);
	const char *row[5] = {w->rep_id, w->currency, num[0], num[1], num[2]};
	if (spm_totals_add(&x->old_total, w->currency, w->old_pay, NULL) ||
	    spm_totals_add(&x->new_total, w->currency, w->new_pay, NULL))
		return SPM_ENOMEM;
	x->reps++;
	return cli_rows_add(&x->rows, row);
}

static int simulate(const char *plan_path, const char *against_path, const char *db,
                    const char *period_name, const char *format, const char *output, bool quiet)
{
	static const spm_column cols[5] = {{"rep_id", SPM_COL_TEXT},
	                                   {"currency", SPM_COL_TEXT},
	                                   {"old_pay", SPM_COL_NUMBER},
	                                   {"new_pay", SPM_COL_NUMBER},
	                                   {"difference", SPM_COL_NUMBER}};
	whatif_rows x = {{0}, {0}, {0}, 0};
	cli_plan_set now = {0}, then = {0};
	spm_store *st = NULL;
	spm_period period;
	spm_error err;
	int status, rc;

	if (!plan_path || !against_path)
		return cli_usage_error("simulate: give the plans with --plan NEW --against OLD");
	if ((status = cli_plan_set_load(&now, 1, (char **)&plan_path)) ||
	    (status = cli_plan_set_load(&then, 1, (char **)&against_path)) ||
	    (status = cli_open_period("simulate", db, 0, period_name, &st, &period)) ||
	    (status = cli_rows_begin(&x.rows, format, output, cols, 5)))
		goto out;
	if ((rc = spm_simulate(st, now.plans, now.n, then.plans, then.n, &period, whatif_add, &x,
	                       &err))) {
		status = cli_library_error(rc, &err);
		goto out;
	}
	status = cli_rows_end(&x.rows, true);
	if (!quiet && status == SPM_EXIT_OK) {
		fprintf(stderr, "%s: %s against %s over %s: %zu reps", cli_progname(), plan_path,
		        against_path, period_name, x.reps);
		for (size_t i = 0; i < x.new_total.n; i++) {
			char o[SPM_NUM_BUFSZ], n[SPM_NUM_BUFSZ], d[SPM_NUM_BUFSZ];
			spm_money diff;
			spm_money_sub(&diff, x.new_total.items[i].amount, x.old_total.items[i].amount);
			spm_money_format(o, sizeof o, x.old_total.items[i].amount, 2);
			spm_money_format(n, sizeof n, x.new_total.items[i].amount, 2);
			spm_money_format(d, sizeof d, diff, 2);
			fprintf(stderr, "; %s old %s, new %s, cost %s", x.new_total.items[i].currency,
			        o, n, d);
		}
		fputc('\n', stderr);
	}
out:
	spm_store_close(st);
	cli_plan_set_free(&now);
	cli_plan_set_free(&then);
	spm_totals_release(&x.old_total);
	spm_totals_release(&x.new_total);
	cli_rows_end(&x.rows, false);
	return status;
}

static int solve(int nplans, char **paths, const char *db, const char *period_name,
                 const char *rep, const char *component, const char *payout_arg,
                 const char *format, const char *output)
{
	static const spm_column cols[8] = {
	    {"rep_id", SPM_COL_TEXT},          {"component", SPM_COL_TEXT},
	    {"earned", SPM_COL_NUMBER},        {"payout", SPM_COL_NUMBER},
	    {"more_sales", SPM_COL_NUMBER},    {"next_tier_sales", SPM_COL_NUMBER},
	    {"next_tier_earned", SPM_COL_NUMBER}, {"reachable", SPM_COL_TEXT}};
	cli_plan_set ps = {0};
	spm_store *st = NULL;
	spm_period period;
	spm_money payout;
	spm_solve_result res;
	spm_error err;
	int status, rc;

	if (nplans != 1)
		return cli_usage_error("solve: give one plan");
	if (!rep)
		return cli_usage_error("solve: give the rep with --rep");
	if (!payout_arg)
		return cli_usage_error("solve: give the pay to reach with --payout");
	if (spm_money_parse(&payout, payout_arg, strlen(payout_arg), 0, &err) ||
	    payout.units < 0)
		return cli_usage_error("--payout: not an amount: '%s'", payout_arg);
	/* solve computes in a transaction it rolls back: the store opens for writing */
	if ((status = cli_plan_set_load(&ps, nplans, paths)) ||
	    (status = cli_open_period("solve", db, 0, period_name, &st, &period)))
		goto out;
	if ((rc = spm_solve(st, ps.plans, &period, rep, component, payout, &res, &err))) {
		status = cli_library_error(rc, &err);
		goto out;
	}
	char num[5][SPM_NUM_BUFSZ];
	spm_money_format(num[0], sizeof num[0], res.earned, 2);
	spm_money_format(num[1], sizeof num[1], payout, 2);
	spm_money_format(num[2], sizeof num[2], res.more, 2);
	spm_money_format(num[3], sizeof num[3], res.to_next_tier, 2);
	spm_money_format(num[4], sizeof num[4], res.next_tier_earned, 2);
	const char *row[8] = {rep,
	                      res.component,
	                      num[0],
	                      num[1],
	                      res.reachable ? num[2] : NULL,
	                      res.has_next_tier ? num[3] : NULL,
	                      res.has_next_tier ? num[4] : NULL,
	                      res.reachable ? "yes" : "no"};
	status = cli_write_rows(format, output, cols, 8, row, 1);
out:
	spm_store_close(st);
	cli_plan_set_free(&ps);
	return status;
}

/*
 * Reading stored runs: statement, export, explain, close. Each reads what a run stored (see
 * spm/payouts.h); nothing is recomputed.
 */

/* Rows written as they come, through one writer. */
typedef struct row_out {
	const char *path;
	FILE *fp;
	spm_output_format format;
	spm_writer *w;
	spm_error err;
} row_out;

/* Opens the output and decides the format; returns an exit code. */
static int row_out_open(row_out *o, const char *format, const char *output)
{
	memset(o, 0, sizeof *o);
	o->path = output;
	if (!(o->fp = cli_open_output(output)))
		return SPM_EXIT_IO;
	cli_output_format(format, o->fp, &o->format);
	return SPM_EXIT_OK;
}

static int row_out_columns(row_out *o, const spm_column *cols, size_t ncols)
{
	return spm_writer_open(&o->w, o->fp, o->format, cols, ncols, &o->err);
}

/* Finishes the writer and the output; returns the exit code, status being the work's own. */
static int row_out_close(row_out *o, int status)
{
	int rc = SPM_OK;
	if (status == SPM_EXIT_OK)
		rc = spm_writer_close(o->w, &o->err);
	else
		spm_writer_free(o->w);
	o->w = NULL;
	if (rc) {
		cli_print_error(&o->err);
		status = cli_exit_code(rc);
	}
	if (status != SPM_EXIT_OK) {
		if (o->fp != stdout)
			fclose(o->fp);
		return status;
	}
	return cli_close_output(o->fp, o->path);
}

/* A stored run's command: the period parsed, the store opened, the run's facts read. */
typedef struct stored_run {
	spm_store *st;
	spm_run_info info;
	char *rep_name;
} stored_run;

static int stored_run_open(stored_run *r, const char *command, const char *db,
                           const char *period_name, const char *rep, unsigned flags)
{
	spm_period period;
	spm_error err;
	int status = SPM_EXIT_OK, rc;

	memset(r, 0, sizeof *r);
	if ((status = cli_open_period(command, db, flags, period_name, &r->st, &period)))
		return status;
	if ((rc = spm_run_info_read(r->st, &period, &r->info, &err)) ||
	    (rep && (rc = spm_rep_lookup(r->st, rep, &r->rep_name, &err)))) {
		cli_print_error(&err);
		return cli_exit_code(rc);
	}
	return SPM_EXIT_OK;
}

static void stored_run_close(stored_run *r)
{
	spm_run_info_release(&r->info);
	free(r->rep_name);
	spm_store_close(r->st);
}

/* The run's facts above a statement on a terminal, as a small table of its own. */
static int write_facts(row_out *o, const stored_run *r, const char *rep)
{
	static const spm_column cols[] = {{"fact", SPM_COL_TEXT}, {"value", SPM_COL_TEXT}};
	const spm_run_info *in = &r->info;
	char buf[256], id[24];
	spm_writer *w = NULL;
	int rc;

	if ((rc = spm_writer_open(&w, o->fp, SPM_OUT_TABLE, cols, 2, &o->err)))
		return rc;
	snprintf(buf, sizeof buf, "%s (%s to %s)", in->period, in->first, in->last);
	snprintf(id, sizeof id, "%lld", (long long)in->run_id);
	const char *rows[][2] = {
	    {"period", buf},
	    {"status", in->closed ? "closed" : "open"},
	    {"closed", in->closed ? in->closed_at : NULL},
	    {"rep", rep},
	    {"name", r->rep_name},
	    {"run", id},
	    {"finished", in->finished_at},
	    {"inputs", in->inputs_hash},
	};
	for (size_t i = 0; rc == SPM_OK && i < sizeof rows / sizeof rows[0]; i++)
		if (rows[i][1] && *rows[i][1])
			rc = spm_writer_row(w, rows[i], &o->err);
	for (size_t i = 0; rc == SPM_OK && i < in->nplans; i++) {
		snprintf(buf, sizeof buf, "%s %s", in->plans[i].name, in->plans[i].hash);
		const char *row[2] = {"plan", buf};
		rc = spm_writer_row(w, row, &o->err);
	}
	if (rc) {
		spm_writer_free(w);
		return rc;
	}
	if ((rc = spm_writer_close(w, &o->err)))
		return rc;
	fputc('\n', o->fp);
	return SPM_OK;
}

enum { STATEMENT_COLS = 12 };

typedef struct statement_rows {
	row_out *out;
	const char *period;
	char *rep_id, *name; /* whose lines are being written */
	spm_totals totals;
} statement_rows;

static int statement_totals(statement_rows *s)
{
	int rc = SPM_OK;
	for (size_t i = 0; rc == SPM_OK && i < s->totals.n; i++) {
		char amount[SPM_NUM_BUFSZ];
		spm_money_format(amount, sizeof amount, s->totals.items[i].amount, 2);
		const char *row[STATEMENT_COLS] = {
		    s->period, s->rep_id, s->name, NULL, "total", NULL, NULL, NULL, amount,
		    s->totals.items[i].currency, NULL, NULL};
		rc = spm_writer_row(s->out->w, row, &s->out->err);
	}
	spm_totals_clear(&s->totals);
	return rc;
}

static int statement_line(void *ctx, const spm_payout_line *l)
{
	statement_rows *s = ctx;
	char id[24], base[SPM_NUM_BUFSZ], amount[SPM_NUM_BUFSZ];
	int rc;

	if (!s->rep_id || strcmp(s->rep_id, l->rep_id) != 0) {
		if (s->rep_id && (rc = statement_totals(s)))
			return rc;
		free(s->rep_id);
		free(s->name);
		s->rep_id = strdup(l->rep_id);
		s->name = l->rep_name ? strdup(l->rep_name) : NULL;
		if (!s->rep_id || (l->rep_name && !s->name))
			return spm_error_set(&s->out->err, SPM_ENOMEM, "out of memory");
	}
	/* the total is the sum of the amounts as written: they are written exactly */
	if ((rc = spm_totals_add(&s->totals, l->currency, l->amount, &s->out->err)))
		return rc;
	snprintf(id, sizeof id, "%lld", (long long)l->line_id);
	spm_money_format(base, sizeof base, l->base, 2);
	spm_money_format(amount, sizeof amount, l->amount, 2);
	const char *row[STATEMENT_COLS] = {
	    s->period, s->rep_id,    s->name,      id,           l->kind,
	    l->plan,   l->component, l->has_base ? base : NULL, amount, l->currency,
	    l->reference, l->reason};
	return spm_writer_row(s->out->w, row, &s->out->err);
}

static int statement(const char *db, const char *period_name, const char *rep,
                     const char *format, const char *output)
{
	static const spm_column cols[STATEMENT_COLS] = {
	    {"period", SPM_COL_TEXT},    {"rep_id", SPM_COL_TEXT},    {"name", SPM_COL_TEXT},
	    {"line", SPM_COL_NUMBER},    {"kind", SPM_COL_TEXT},      {"plan", SPM_COL_TEXT},
	    {"component", SPM_COL_TEXT}, {"base", SPM_COL_NUMBER},    {"amount", SPM_COL_NUMBER},
	    {"currency", SPM_COL_TEXT},  {"reference", SPM_COL_TEXT}, {"reason", SPM_COL_TEXT},
	};
	stored_run r;
	row_out o;
	int status, rc = SPM_OK;

	if ((status = stored_run_open(&r, "statement", db, period_name, rep, SPM_STORE_READONLY)))
		goto out;
	if (format && strcmp(format, "html") == 0) {
		FILE *fp = cli_open_output(output);
		spm_error err;
		if (!fp) {
			status = SPM_EXIT_IO;
			goto out;
		}
		if ((rc = spm_statement_html(fp, r.st, &r.info, rep, &err))) {
			cli_print_error(&err);
			status = cli_exit_code(rc);
			if (fp != stdout)
				fclose(fp);
			goto out;
		}
		status = cli_close_output(fp, output);
		goto out;
	}
	if ((status = row_out_open(&o, format, output)))
		goto out;
	statement_rows s = {&o, r.info.period, NULL, NULL, {0}};
	if (o.format == SPM_OUT_TABLE)
		rc = write_facts(&o, &r, rep);
	if (rc == SPM_OK)
		rc = row_out_columns(&o, cols, STATEMENT_COLS);
	if (rc == SPM_OK)
		rc = spm_payout_lines_each(r.st, r.info.run_id, rep, statement_line, &s, &o.err);
	if (rc == SPM_OK)
		rc = statement_totals(&s);
	if (rc) {
		cli_print_error(&o.err);
		status = cli_exit_code(rc);
	}
	free(s.rep_id);
	free(s.name);
	spm_totals_release(&s.totals);
	status = row_out_close(&o, status);
out:
	stored_run_close(&r);
	return status;
}

typedef struct export_rows {
	row_out *out;
	const char *period;
} export_rows;

static int export_row(void *ctx, const spm_payroll_row *p)
{
	export_rows *e = ctx;
	char amount[SPM_NUM_BUFSZ];
	spm_money_format(amount, sizeof amount, p->amount, 2);
	const char *row[] = {e->period, p->rep_id, p->name, p->pay_code, amount, p->currency};
	return spm_writer_row(e->out->w, row, &e->out->err);
}

static int export_payroll(const char *db, const char *period_name, const char *format,
                          const char *output)
{
	static const spm_column cols[] = {
	    {"period", SPM_COL_TEXT},   {"rep_id", SPM_COL_TEXT},   {"name", SPM_COL_TEXT},
	    {"pay_code", SPM_COL_TEXT}, {"amount", SPM_COL_NUMBER}, {"currency", SPM_COL_TEXT},
	};
	stored_run r;
	row_out o;
	int status, rc;

	if ((status = stored_run_open(&r, "export", db, period_name, NULL, SPM_STORE_READONLY)))
		goto out;
	if ((status = row_out_open(&o, format, output)))
		goto out;
	export_rows e = {&o, r.info.period};
	if ((rc = row_out_columns(&o, cols, sizeof cols / sizeof cols[0])) == SPM_OK)
		rc = spm_payroll_each(r.st, r.info.run_id, export_row, &e, &o.err);
	if (rc) {
		cli_print_error(&o.err);
		status = cli_exit_code(rc);
	}
	status = row_out_close(&o, status);
out:
	stored_run_close(&r);
	return status;
}

/*
 * explain's rows. On a table (for a person) four columns: rep_id, line, what, detail. In the
 * other formats (for programs) every value in a column of its own, empty where it does not apply.
 */
enum { EXPLAIN_COLS = 21, EXPLAIN_TABLE_COLS = 4 };
enum {
	X_REP, X_LINE, X_SECTION, X_KIND, X_PLAN, X_COMPONENT, X_KEY, X_VALUE, X_TIER, X_BASE,
	X_RATE, X_PAY, X_DEAL, X_ROLE, X_SHARE, X_DATE, X_AMOUNT, X_CURRENCY, X_CONVERTED,
	X_REFERENCE, X_REASON
};

typedef struct explain_rows {
	row_out *out;
	spm_store *st;
	int64_t run_id;
	const char *deal;
	const spm_payout_line *line;
	char id[24];
	char detail[4096];
	size_t len;
} explain_rows;

/* Appends "name value" to the detail of a table row, parts joined by ", ". */
static void detail_add(explain_rows *x, const char *name, const char *value)
{
	if (!value || x->len >= sizeof x->detail - 1)
		return;
	int n = snprintf(x->detail + x->len, sizeof x->detail - x->len, "%s%s%s%s",
	                 x->len ? ", " : "", name ? name : "", name ? " " : "", value);
	if (n > 0)
		x->len += (size_t)n;
	if (x->len >= sizeof x->detail)
		x->len = sizeof x->detail - 1;
}

static void detail_clear(explain_rows *x)
{
	x->detail[0] = '\0';
	x->len = 0;
}

static int explain_emit(explain_rows *x, const char *what, const char **cells)
{
	if (x->out->format == SPM_OUT_TABLE) {
		const char *row[EXPLAIN_TABLE_COLS] = {x->line->rep_id, x->id, what, x->detail};
		return spm_writer_row(x->out->w, row, &x->out->err);
	}
	cells[X_REP] = x->line->rep_id;
	cells[X_LINE] = x->id;
	cells[X_KIND] = x->line->kind;
	cells[X_PLAN] = x->line->plan;
	cells[X_COMPONENT] = x->line->component;
	return spm_writer_row(x->out->w, cells, &x->out->err);
}

static int explain_entry(void *ctx, const spm_explain_entry *e)
{
	explain_rows *x = ctx;
	const char *cells[EXPLAIN_COLS] = {NULL};
	char what[32];
	detail_clear(x);
	detail_add(x, NULL, e->value);
	cells[X_SECTION] = e->step ? "step" : "explain";
	cells[X_KEY] = e->key;
	cells[X_VALUE] = e->value;
	cells[X_TIER] = e->tier;
	cells[X_BASE] = e->base;
	cells[X_RATE] = e->rate;
	cells[X_PAY] = e->pay;
	if (e->step)
		snprintf(what, sizeof what, "step %d", e->step);
	return explain_emit(x, e->step ? what : e->key, cells);
}

static int explain_credit(void *ctx, const spm_payout_credit *c)
{
	explain_rows *x = ctx;
	const char *cells[EXPLAIN_COLS] = {NULL};
	char share[SPM_NUM_BUFSZ], amount[SPM_NUM_BUFSZ], converted[SPM_NUM_BUFSZ];
	char money[2 * SPM_NUM_BUFSZ + 24];
	spm_rate_format(share, sizeof share, c->share, true);
	spm_money_format(amount, sizeof amount, c->amount, 2);
	spm_money_format(converted, sizeof converted, c->converted, 2);
	detail_clear(x);
	detail_add(x, "deal", c->deal_id);
	detail_add(x, NULL, c->role);
	detail_add(x, "share", share);
	detail_add(x, NULL, c->date);
	snprintf(money, sizeof money, "%s %s", amount, c->currency);
	detail_add(x, NULL, money);
	snprintf(money, sizeof money, "%s %s", converted, x->line->currency);
	detail_add(x, "converted", money);
	cells[X_SECTION] = "credit";
	cells[X_DEAL] = c->deal_id;
	cells[X_ROLE] = c->role;
	cells[X_SHARE] = share;
	cells[X_DATE] = c->date;
	cells[X_AMOUNT] = amount;
	cells[X_CURRENCY] = c->currency;
	cells[X_CONVERTED] = converted;
	return explain_emit(x, "credit", cells);
}

static int explain_line(void *ctx, const spm_payout_line *l)
{
	explain_rows *x = ctx;
	const char *cells[EXPLAIN_COLS] = {NULL};
	char base[SPM_NUM_BUFSZ], amount[SPM_NUM_BUFSZ], money[SPM_NUM_BUFSZ + 24];
	int rc;

	if (x->deal) {
		bool fed;
		if ((rc = spm_payout_line_has_deal(x->st, l, x->deal, &fed, &x->out->err)))
			return rc;
		if (!fed)
			return SPM_OK;
	}
	x->line = l;
	snprintf(x->id, sizeof x->id, "%lld", (long long)l->line_id);
	spm_money_format(base, sizeof base, l->base, 2);
	spm_money_format(amount, sizeof amount, l->amount, 2);
	snprintf(money, sizeof money, "%s %s", amount, l->currency);
	detail_clear(x);
	detail_add(x, NULL, money);
	detail_add(x, "plan", l->plan);
	detail_add(x, "component", l->component);
	detail_add(x, "base", l->has_base ? base : NULL);
	detail_add(x, "reference", l->reference);
	detail_add(x, "reason", l->reason);
	cells[X_SECTION] = "line";
	cells[X_AMOUNT] = amount;
	cells[X_CURRENCY] = l->currency;
	cells[X_BASE] = l->has_base ? base : NULL;
	cells[X_REFERENCE] = l->reference;
	cells[X_REASON] = l->reason;
	if ((rc = explain_emit(x, l->kind, cells)))
		return rc;
	if ((rc = spm_explain_each(x->st, l->explain, explain_entry, x, &x->out->err))) {
		if (rc == SPM_EDATA)
			spm_error_set(&x->out->err, rc, "line %lld: %s", (long long)l->line_id,
			              x->out->err.message);
		return rc;
	}
	return spm_payout_credits_each(x->st, l, x->deal, explain_credit, x,
	                               &x->out->err);
}

static int explain(const char *db, const char *period_name, const char *rep, const char *deal,
                   const char *format, const char *output)
{
	static const spm_column table_cols[EXPLAIN_TABLE_COLS] = {
	    {"rep_id", SPM_COL_TEXT},
	    {"line", SPM_COL_NUMBER},
	    {"what", SPM_COL_TEXT},
	    {"detail", SPM_COL_TEXT},
	};
	static const spm_column cols[EXPLAIN_COLS] = {
	    {"rep_id", SPM_COL_TEXT},     {"line", SPM_COL_NUMBER},      {"section", SPM_COL_TEXT},
	    {"kind", SPM_COL_TEXT},       {"plan", SPM_COL_TEXT},        {"component", SPM_COL_TEXT},
	    {"key", SPM_COL_TEXT},        {"value", SPM_COL_TEXT},       {"tier", SPM_COL_NUMBER},
	    {"base", SPM_COL_NUMBER},     {"rate", SPM_COL_TEXT},        {"pay", SPM_COL_NUMBER},
	    {"deal_id", SPM_COL_TEXT},    {"role", SPM_COL_TEXT},        {"share", SPM_COL_TEXT},
	    {"date", SPM_COL_TEXT},       {"amount", SPM_COL_NUMBER},    {"currency", SPM_COL_TEXT},
	    {"converted", SPM_COL_NUMBER}, {"reference", SPM_COL_TEXT}, {"reason", SPM_COL_TEXT},
	};
	stored_run r;
	row_out o;
	int status, rc;

	if ((status = stored_run_open(&r, "explain", db, period_name, rep, SPM_STORE_READONLY)))
		goto out;
	if ((status = row_out_open(&o, format, output)))
		goto out;
	explain_rows x = {&o, r.st, r.info.run_id, deal, NULL, "", "", 0};
	if (o.format == SPM_OUT_TABLE)
		rc = row_out_columns(&o, table_cols, EXPLAIN_TABLE_COLS);
	else
		rc = row_out_columns(&o, cols, EXPLAIN_COLS);
	if (rc == SPM_OK)
		rc = spm_payout_lines_each(r.st, r.info.run_id, rep, explain_line, &x, &o.err);
	if (rc) {
		cli_print_error(&o.err);
		status = cli_exit_code(rc);
	}
	status = row_out_close(&o, status);
out:
	stored_run_close(&r);
	return status;
}

static int close_period(const char *db, const char *period_name, bool quiet)
{
	spm_store *st = NULL;
	spm_period period;
	spm_error err;
	int64_t run_id = 0;
	int status = SPM_EXIT_OK, rc;

	if ((status = cli_open_period("close", db, 0, period_name, &st, &period))) {
		spm_store_close(st);
		return status;
	}
	if ((rc = spm_period_close(st, &period, &run_id, &err))) {
		cli_print_error(&err);
		status = cli_exit_code(rc);
	} else if (!quiet) {
		char name[SPM_PERIOD_BUFSZ];
		spm_period_format(name, sizeof name, &period);
		fprintf(stderr, "%s: closed %s (run %lld)\n", cli_progname(), name,
		        (long long)run_id);
	}
	spm_store_close(st);
	return status;
}

/* The commands over stored runs; -1 when `command` is none of them. */
static int stored_command(const char *command, int nargs, char **args, const char *db,
                          const char *period, const char *rep, const char *deal,
                          const char *format, const char *output, bool quiet)
{
	static const char *const names[] = {"statement", "export", "explain", "close"};
	size_t i = 0;
	while (i < 4 && strcmp(command, names[i]) != 0)
		i++;
	if (i == 4)
		return -1;
	if (nargs > 0)
		return cli_usage_error("%s: unexpected argument '%s'", command, args[0]);
	if (format && strcmp(format, "html") == 0 && i != 0)
		return cli_usage_error("%s: --format html is for statement only", command);
	if (deal && i != 2)
		return cli_usage_error("%s: --deal is for explain only", command);
	if (rep && i != 0 && i != 2)
		return cli_usage_error("%s: --rep is for statement and explain only", command);
	switch (i) {
	case 0: return statement(db, period, rep, format, output);
	case 1: return export_payroll(db, period, format, output);
	case 2: return explain(db, period, rep, deal, format, output);
	default: return close_period(db, period, quiet);
	}
}

/* Each command's own help: `spm-commission COMMAND --help`. */
static const cli_command_help command_helps[] = {
    {"check", "[options] check PLAN...",
     "Read each plan strictly and report what a reviewer should see: cliffs and falling pay,\n"
     "and with --period, reps who sold in the period but are on none of the plans.",
     "db period cliff-tolerance format output quiet"},
    {"run", "[options] --period PERIOD run [PLAN...]",
     "Pay every rep assigned to the plans for the period: store the run, replacing the\n"
     "period's previous one, and write its lines. --dry-run keeps nothing. Without plans,\n"
     "the plans the period's run used, from the store: that run again, exactly.",
     "db period explain dry-run format output quiet"},
    {"statement", "[options] --period PERIOD [--rep REP] statement",
     "The stored run's lines of the period for a rep (or every rep), with the total per\n"
     "currency; --format html writes a printable page.",
     "db period rep format output"},
    {"export", "[options] --period PERIOD export",
     "The payroll file of the period: one row per rep, pay code and currency.",
     "db period format output"},
    {"explain", "[options] --period PERIOD [--rep REP] [--deal DEAL] explain",
     "Every line of the period with its explanation, tier steps and credits; --deal keeps\n"
     "that deal's credits and the lines they fed.",
     "db period rep deal format output"},
    {"close", "[options] --period PERIOD close",
     "Lock the period's run: its pay can no longer change; later changes to its data are\n"
     "paid in the next open period's run.",
     "db period quiet"},
    {"simulate", "[options] --period PERIOD --plan NEW --against OLD simulate",
     "What-if on history: every rep's pay over the period under both plans, the difference\n"
     "and the total cost. Nothing is kept.",
     "db period plan against format output quiet"},
    {"solve", "[options] --period PERIOD --rep REP --payout X solve PLAN",
     "How much more the rep must sell in the period to earn X, and how much more reaches\n"
     "the next tier. Nothing is kept.",
     "db period rep payout component format output"},
};

int main(int argc, char **argv)
{
	const char *db = NULL, *period = NULL, *format = NULL, *output = NULL, *arg;
	const char *rep = NULL, *deal = NULL, *plan = NULL, *against = NULL, *payout = NULL;
	const char *component = NULL;
	spm_lint_options lo = {{0}, {0}};
	bool quiet = false, explain = false, dry = false, help = false;
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
		case 'r':
			rep = arg;
			break;
		case OPT_DEAL:
			deal = arg;
			break;
		case OPT_EXPLAIN:
			explain = true;
			break;
		case OPT_DRY_RUN:
			dry = true;
			break;
		case OPT_PLAN:
			plan = arg;
			break;
		case OPT_AGAINST:
			against = arg;
			break;
		case OPT_PAYOUT:
			payout = arg;
			break;
		case OPT_COMPONENT:
			component = arg;
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
			help = true;
			break;
		case 'V':
			cli_print_version();
			return SPM_EXIT_OK;
		default:
			return SPM_EXIT_USAGE;
		}
	}
	if (format && strcmp(format, "text") != 0 && strcmp(format, "html") != 0) {
		spm_output_format f;
		if (spm_output_format_parse(&f, format))
			return cli_usage_error("unknown format '%s'", format);
	}
	if (help) {
		if (optind < argc && cli_print_command_help(command_helps, sizeof command_helps / sizeof command_helps[0], options, after, argv[optind]))
			return SPM_EXIT_OK;
		cli_print_help(stdout, usage, about, options, after);
		return SPM_EXIT_OK;
	}
	if (optind >= argc)
		return cli_usage_error("no command given");
	const char *command = argv[optind];
	int stored = stored_command(command, argc - optind - 1, argv + optind + 1, db, period, rep,
	                            deal, format, output, quiet);
	if (stored >= 0)
		return stored;
	if (strcmp(command, "simulate") == 0) {
		if (optind + 1 < argc)
			return cli_usage_error("simulate: unexpected argument '%s'", argv[optind + 1]);
		return simulate(plan, against, db, period, format, output, quiet);
	}
	if (strcmp(command, "solve") == 0)
		return solve(argc - optind - 1, argv + optind + 1, db, period, rep, component, payout,
		             format, output);
	if ((format && strcmp(format, "html") == 0) || rep || deal)
		return cli_usage_error("%s: %s", command,
		                       rep    ? "--rep is for statement and explain only"
		                       : deal ? "--deal is for explain only"
		                              : "--format html is for statement only");
	if (strcmp(command, "check") != 0 && strcmp(command, "run") != 0)
		return cli_usage_error("unknown command '%s'", command);
	if (strcmp(command, "run") != 0 && optind + 1 >= argc)
		return cli_usage_error("%s: no plan given", command);
	if (strcmp(command, "run") == 0)
		return run_plans(argc - optind - 1, argv + optind + 1, db, period, explain, dry,
		                 format, output, quiet);
	return check(argc - optind - 1, argv + optind + 1, db, period, &lo, format, output, quiet);
}
