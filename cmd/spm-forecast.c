/*
 * spm-forecast - what a period will close: the pipeline by forecast category, weighted, with its
 * overdue deals and the run-rate; and statistical forecasts of a monthly series (from the store's
 * bookings or from any file), with their backtests. The work is in the library (pipeline.c,
 * tseries.c); this file reads options and series, and writes rows.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "spm/pipeline.h"
#include "spm/reader.h"
#include "spm/run.h"
#include "spm/tseries.h"

enum {
	OPT_AS_OF = 256,
	OPT_LEVEL,
	OPT_TEAM,
	OPT_TERRITORY,
	OPT_WINDOW,
	OPT_CURRENCY,
	OPT_METHOD,
	OPT_HORIZON,
	OPT_HOLDOUT,
	OPT_SEASON,
	OPT_INTERVAL,
	OPT_FROM,
	OPT_TO,
	OPT_STEP,
	OPT_SCENARIO
};

static const cli_option options[] = {
    {"db", 'd', "PATH", "the store (default: $SPM_DB, else ./spm.db)"},
    {"period", 'p', "PERIOD", "pipeline, overdue, snapshot, accuracy: 2026-Q3, 2026-09, ..."},
    {"as-of", OPT_AS_OF, "DATE", "pipeline, overdue, snapshot, accuracy: the day (default: today)"},
    {"level", OPT_LEVEL, "LIST",
     "pipeline, accuracy: rep, manager, ..., company, all; series: rep"},
    {"team", OPT_TEAM, "TEAM", "pipeline, overdue: this team's rows only"},
    {"territory", OPT_TERRITORY, "ID", "pipeline, overdue: this territory's rows only"},
    {"rep", 'r', "REP", "pipeline, overdue: this rep's rows only"},
    {"window", OPT_WINDOW, "DAYS", "pipeline: the run-rate's window (default 90)"},
    {"currency", OPT_CURRENCY, "CUR", "the currency of amounts (default: the store's base)"},
    {"method", OPT_METHOD, "M", "series: naive, snaive, drift, mean, linear, linear-seasonal,"},
    {"horizon", OPT_HORIZON, "N", "series: months (or weeks) ahead (default 12, or --holdout's N)"},
    {"holdout", OPT_HOLDOUT, "N",
     "series, backtest: hold out the last N months (or weeks), score them"},
    {"season", OPT_SEASON, "M", "series, backtest: the seasonal period (default 12; weeks 52)"},
    {"interval", OPT_INTERVAL, "PCT", "series: prediction interval coverage (default 80)"},
    {"step", OPT_STEP, "STEP", "series, backtest: the store's bookings by month (default) or week"},
    {"from", OPT_FROM, "STEP", "series, backtest: ... from this month or week (the first)"},
    {"to", OPT_TO, "STEP",
     "series, backtest: ... to this month or week (default: the last won deal's)"},
    {"scenario", OPT_SCENARIO, "CAT", "cost: commit (default), best_case or pipeline lands"},
    {"format", 'f', "FMT", "table, csv, tsv, json, jsonl (default: table on a terminal, else csv)"},
    {"output", 'o', "FILE", "write the results to FILE (default: standard output)"},
    {"quiet", 'q', NULL, "no summary on standard error"},
    {"help", 'h', NULL, "show this help and exit"},
    {"version", 'V', NULL, "show the version and exit"},
    {NULL, 0, NULL, NULL},
};

static const char usage[] = "[options] pipeline|overdue|snapshot|accuracy --period P\n"
                            "       spm-forecast [options] cost --period P PLAN...\n"
                            "       spm-forecast [options] series [FILE|-]\n"
                            "       spm-forecast [options] backtest [FILE|-]";
static const char about[] =
    "Forecast what will close, from the pipeline and from history (see spm-forecast(1)).\n"
    "--method also: ses, holt, holt-damped, hw-additive, hw-multiplicative, auto (default).\n\n"
    "commands:\n"
    "  pipeline     per rep and roll-up for --period as of --as-of: closed, commit, best\n"
    "               case and open pipeline (cumulative), omitted, weighted pipeline, deals\n"
    "               overdue (counted apart) and the run-rate\n"
    "  overdue      the open deals of --period whose close date has passed\n"
    "  snapshot     keep --period's pipeline as of --as-of in the store\n"
    "  accuracy     each snapshot of --period against what closed: error, and per rep\n"
    "               and manager the mean error and bias (who sandbags, who is optimistic)\n"
    "  cost PLAN... what the plans pay for --period if the forecast lands, against what\n"
    "               they pay as things stand: the commission cost of the forecast\n"
    "  series       a monthly or weekly series forecast: period, forecast, lower, upper;\n"
    "               FILE is a two-column CSV (month YYYY-MM or week YYYY-Www, value), else\n"
    "               the store's won bookings per month or week (--step)\n"
    "  backtest     every method on the last --holdout months or weeks: MAPE, MASE, RMSE,\n"
    "               bias";
static const char after[] =
    "'spm-forecast COMMAND --help' shows one command's options.\n"
    "Exit status: 0 success, 64 usage, 65 bad input data, 70 store error, 74 input/output\n"
    "error, 75 store busy.\n";

static const cli_command_help command_helps[] = {
    {"pipeline", "[options] --period P [--as-of DATE] pipeline",
     "The period's pipeline as of a day, per rep and rolled up: closed; commit, best case\n"
     "and open pipeline, cumulative; omitted; weighted by probability; deals overdue, apart;\n"
     "and the run-rate: closed plus the days left at the window's daily rate.",
     "db period as-of level team territory rep window currency format output quiet"},
    {"overdue", "[options] --period P [--as-of DATE] overdue",
     "The open deals of the period whose close date has passed by the as-of day, per rep.",
     "db period as-of team territory rep currency format output quiet"},
    {"snapshot", "[options] --period P [--as-of DATE] snapshot",
     "Keep the period's pipeline as of the day in the store, per rep, manager, team,\n"
     "territory and the company, to be held against what closes (accuracy).",
     "db period as-of window currency quiet"},
    {"accuracy", "[options] --period P [--as-of DATE] accuracy",
     "Each snapshot's commit for the period against what closed by the as-of day (default:\n"
     "today, within the period): the error, then per rep or group the mean absolute error\n"
     "and the bias, with a verdict: under-forecasts below -5%, over-forecasts above +5%.",
     "db period as-of level format output quiet"},
    {"cost", "[options] --period P [--as-of DATE] [--scenario CAT] cost PLAN...",
     "What the plans pay each rep for the period if the forecast lands (the open deals due\n"
     "from the as-of day in the scenario's categories taken as won), against what they pay\n"
     "as things stand; the difference is the forecast's commission cost. Dry runs of the\n"
     "engine that pays: nothing is kept.",
     "db period as-of scenario format output quiet"},
    {"series", "[options] series [FILE|-]",
     "Forecast a monthly or weekly series: FILE (or standard input) is a CSV of two\n"
     "columns, a month (YYYY-MM) or an ISO week (YYYY-Www) and a value, the header's names\n"
     "free; without FILE, the store's won bookings per month or ISO week (--step, --from,\n"
     "--to). With --holdout N the last N steps are held out and scored.",
     "db method horizon holdout season interval step from to currency level format output quiet"},
    {"backtest", "[options] backtest [FILE|-]",
     "Every method fitted on all but the last --holdout months (default 12) and scored on\n"
     "them: MAPE, MASE, RMSE and bias, with auto's choice.",
     "db holdout season step from to currency format output quiet"},
};

typedef struct opts {
	const char *db, *period, *as_of, *level, *team, *territory, *rep, *window, *currency;
	const char *method, *horizon, *holdout, *season, *interval, *from, *to, *step;
	const char *scenario, *format, *output;
	bool quiet;
} opts;

/* ---- option values -------------------------------------------------------------------------- */


static int parse_as_of(const char *text, spm_date *out)
{
	spm_error err;
	if (!text) {
		*out = cli_today();
		return SPM_EXIT_OK;
	}
	if (spm_date_parse(out, text, strlen(text), NULL, &err))
		return cli_usage_error("--as-of: %s", err.message);
	return SPM_EXIT_OK;
}

/* ---- pipeline and overdue ------------------------------------------------------------------- */

static const spm_column pipeline_cols[] = {
    {"level", SPM_COL_TEXT},
    {"id", SPM_COL_TEXT},
    {"name", SPM_COL_TEXT},
    {"period", SPM_COL_TEXT},
    {"as_of", SPM_COL_TEXT},
    {"closed", SPM_COL_NUMBER},
    {"commit", SPM_COL_NUMBER},
    {"best_case", SPM_COL_NUMBER},
    {"open_pipeline", SPM_COL_NUMBER},
    {"omitted", SPM_COL_NUMBER},
    {"weighted", SPM_COL_NUMBER},
    {"open_deals", SPM_COL_NUMBER},
    {"overdue_deals", SPM_COL_NUMBER},
    {"overdue", SPM_COL_NUMBER},
    {"run_rate", SPM_COL_NUMBER},
    {"call_commit", SPM_COL_NUMBER},
    {"call_best_case", SPM_COL_NUMBER},
    {"call_note", SPM_COL_TEXT},
    {"currency", SPM_COL_TEXT},
};
#define NPIPELINE (sizeof pipeline_cols / sizeof pipeline_cols[0])

typedef struct pipeline_out {
	cli_rows rows;
	char period[SPM_PERIOD_BUFSZ], as_of[SPM_DATE_BUFSZ];
	size_t n;
} pipeline_out;

static int pipeline_row(void *ctx, const spm_pipeline_row *r)
{
	pipeline_out *o = ctx;
	char m[10][SPM_NUM_BUFSZ], open[24], over[24];
	const spm_money v[8] = {r->closed,  r->commit,   r->best_case, r->open_pipeline,
	                        r->omitted, r->weighted, r->overdue,   r->run_rate};
	for (int i = 0; i < 8; i++)
		spm_money_format(m[i], sizeof m[i], v[i], 2);
	spm_money_format(m[8], sizeof m[8], r->call_commit, 2);
	spm_money_format(m[9], sizeof m[9], r->call_best_case, 2);
	snprintf(open, sizeof open, "%zu", r->open_deals);
	snprintf(over, sizeof over, "%zu", r->overdue_deals);
	const char *cells[NPIPELINE] = {spm_level_name(r->level),
	                                r->id,
	                                r->name,
	                                o->period,
	                                o->as_of,
	                                m[0],
	                                m[1],
	                                m[2],
	                                m[3],
	                                m[4],
	                                m[5],
	                                open,
	                                over,
	                                m[6],
	                                m[7],
	                                r->has_call_commit ? m[8] : NULL,
	                                r->has_call_best_case ? m[9] : NULL,
	                                r->call_note,
	                                r->currency};
	o->n++;
	return cli_rows_add(&o->rows, cells);
}

static const spm_column overdue_cols[] = {
    {"deal_id", SPM_COL_TEXT},    {"rep_id", SPM_COL_TEXT},   {"stage", SPM_COL_TEXT},
    {"close_date", SPM_COL_TEXT}, {"amount", SPM_COL_NUMBER}, {"currency", SPM_COL_TEXT},
};
#define NOVERDUE (sizeof overdue_cols / sizeof overdue_cols[0])

/* Overdue lines come in no set order: kept, sorted, then written. */
typedef struct overdue_list {
	char **cells; /* 6 per line, owned */
	size_t n, cap;
	bool failed;
} overdue_list;

static int overdue_add(void *ctx, const spm_overdue_deal *d)
{
	overdue_list *l = ctx;
	char day[SPM_DATE_BUFSZ], amount[SPM_NUM_BUFSZ];
	if (l->n == l->cap) {
		size_t n = l->cap ? 2 * l->cap : 64;
		char **c = realloc(l->cells, n * NOVERDUE * sizeof *c);
		if (!c)
			return SPM_ENOMEM;
		l->cells = c;
		l->cap = n;
	}
	spm_date_format(day, sizeof day, d->close_date);
	spm_money_format(amount, sizeof amount, d->amount, 2);
	const char *v[NOVERDUE] = {d->deal_id, d->rep_id, d->stage, day, amount, d->currency};
	for (size_t i = 0; i < NOVERDUE; i++) {
		char **cell = &l->cells[l->n * NOVERDUE + i];
		*cell = v[i] ? strdup(v[i]) : NULL;
		if (v[i] && !*cell)
			l->failed = true;
	}
	l->n++;
	return l->failed ? SPM_ENOMEM : SPM_OK;
}

/* By close date, then deal, then rep. */
static int overdue_cmp(const void *a, const void *b)
{
	char *const *x = a, *const *y = b;
	int c = strcmp(x[3], y[3]);
	if (!c)
		c = strcmp(x[0], y[0]);
	return c ? c : strcmp(x[1], y[1]);
}

static int ignore_row(void *ctx, const spm_pipeline_row *r)
{
	(void)ctx;
	(void)r;
	return SPM_OK;
}

static int pipeline(const opts *o, bool overdue_only)
{
	spm_pipeline_query q = {.currency = o->currency, .filter = {o->team, o->territory, o->rep}};
	pipeline_out out = {0};
	overdue_list list = {0};
	spm_store *st = NULL;
	spm_error err = {0};
	long window = 0;
	int status;

	if ((status = parse_as_of(o->as_of, &q.as_of)) ||
	    (status = cli_parse_levels(o->level, &q.levels)) ||
	    (o->window && (status = cli_parse_count("window", o->window, 1, 3660, &window))))
		return status;
	q.window = (int)window;
	if ((status = cli_open_period(overdue_only ? "overdue" : "pipeline", o->db,
	                              SPM_STORE_READONLY, o->period, &st, &q.period))) {
		spm_store_close(st);
		return status;
	}
	spm_period_format(out.period, sizeof out.period, &q.period);
	spm_date_format(out.as_of, sizeof out.as_of, q.as_of);
	int rc;
	if (overdue_only) {
		q.overdue = overdue_add;
		q.overdue_ctx = &list;
		q.levels = 1u << SPM_LEVEL_COMPANY;
		rc = spm_pipeline(st, &q, ignore_row, NULL, &err);
		if (rc == SPM_OK) {
			/* each column of a row is a cell; rows sorted by their cells */
			qsort(list.cells, list.n, NOVERDUE * sizeof *list.cells, overdue_cmp);
			status = cli_write_rows(o->format, o->output, overdue_cols, NOVERDUE,
			                        (const char *const *)list.cells, list.n);
			if (!status && !o->quiet)
				fprintf(stderr, "%s: %zu overdue deal%s in %s as of %s\n",
				        cli_progname(), list.n, cli_plural(list.n), out.period,
				        out.as_of);
		} else {
			status = cli_library_error(rc, &err);
		}
		for (size_t i = 0; i < list.n * NOVERDUE; i++)
			free(list.cells[i]);
		free(list.cells);
	} else if ((status = cli_rows_begin(&out.rows, o->format, o->output, pipeline_cols,
	                                    NPIPELINE)) == 0) {
		rc = spm_pipeline(st, &q, pipeline_row, &out, &err);
		status = cli_rows_finish(&out.rows, rc, &err);
		if (!status && !o->quiet)
			fprintf(stderr, "%s: %zu row%s, %s as of %s\n", cli_progname(), out.n,
			        cli_plural(out.n), out.period, out.as_of);
	}
	spm_store_close(st);
	return status;
}

/* ---- snapshots and their accuracy ----------------------------------------------------------- */

static int snapshot(const opts *o)
{
	spm_pipeline_query q = {.currency = o->currency};
	spm_store *st = NULL;
	spm_error err = {0};
	long window = 0;
	int64_t id;
	size_t rows;
	int status;
	if ((status = parse_as_of(o->as_of, &q.as_of)) ||
	    (o->window && (status = cli_parse_count("window", o->window, 1, 3660, &window))))
		return status;
	q.window = (int)window;
	if (!(status = cli_open_period("snapshot", o->db, 0, o->period, &st, &q.period))) {
		int rc = spm_pipeline_snapshot(st, &q, &id, &rows, &err);
		if (rc) {
			status = cli_library_error(rc, &err);
		} else if (!o->quiet) {
			char name[SPM_PERIOD_BUFSZ], day[SPM_DATE_BUFSZ];
			spm_period_format(name, sizeof name, &q.period);
			spm_date_format(day, sizeof day, q.as_of);
			fprintf(stderr, "%s: snapshot %lld of %s as of %s: %zu rows\n",
			        cli_progname(), (long long)id, name, day, rows);
		}
	}
	spm_store_close(st);
	return status;
}

static const spm_column accuracy_cols[] = {
    {"level", SPM_COL_TEXT},       {"id", SPM_COL_TEXT},          {"as_of", SPM_COL_TEXT},
    {"snapshots", SPM_COL_NUMBER}, {"forecast", SPM_COL_NUMBER},  {"actual", SPM_COL_NUMBER},
    {"error", SPM_COL_NUMBER},     {"error_pct", SPM_COL_NUMBER}, {"bias_pct", SPM_COL_NUMBER},
    {"verdict", SPM_COL_TEXT},     {"currency", SPM_COL_TEXT},
};
#define NACCURACY (sizeof accuracy_cols / sizeof accuracy_cols[0])

/* A rate as a percentage to two decimals, half away from zero. */
static void rate_pct(char *buf, size_t size, spm_rate r)
{
	int64_t u = r.units < 0 ? -r.units : r.units;
	int64_t hundredths = (u + 500000) / 1000000;
	snprintf(buf, size, "%s%lld.%02lld", r.units < 0 && hundredths ? "-" : "",
	         (long long)(hundredths / 100), (long long)(hundredths % 100));
}

static int accuracy_row(void *ctx, const spm_accuracy_row *r)
{
	cli_rows *rows = ctx;
	char day[SPM_DATE_BUFSZ], n[24], f[SPM_NUM_BUFSZ], a[SPM_NUM_BUFSZ], e[SPM_NUM_BUFSZ];
	char pct[32], bias[32];
	const char *verdict = NULL;
	if (!r->summary)
		spm_date_format(day, sizeof day, r->as_of);
	snprintf(n, sizeof n, "%zu", r->summary ? r->snapshots : (size_t)1);
	spm_money_format(f, sizeof f, r->forecast, 2);
	spm_money_format(a, sizeof a, r->actual, 2);
	spm_money_format(e, sizeof e, r->error, 2);
	rate_pct(pct, sizeof pct, r->pct);
	rate_pct(bias, sizeof bias, r->bias);
	if (r->summary && r->pct_defined) /* 5% either way: the rule the help states */
		verdict = r->bias.units < -500000000  ? "under-forecasts"
		          : r->bias.units > 500000000 ? "over-forecasts"
		                                      : "on target";
	const char *cells[NACCURACY] = {
	    spm_level_name(r->level),
	    r->id,
	    r->summary ? "all" : day,
	    n,
	    f,
	    a,
	    e,
	    r->pct_defined ? pct : NULL,
	    r->summary && r->pct_defined ? bias : NULL,
	    verdict,
	    r->currency,
	};
	return cli_rows_add(rows, cells);
}

static int accuracy(const opts *o)
{
	spm_store *st = NULL;
	spm_error err = {0};
	spm_period period;
	spm_date to;
	unsigned levels = 0;
	cli_rows rows;
	int status;
	if ((status = parse_as_of(o->as_of, &to)) ||
	    (o->level && (status = cli_parse_levels(o->level, &levels))))
		return status;
	if (!(status = cli_open_period("accuracy", o->db, SPM_STORE_READONLY, o->period, &st,
	                               &period)) &&
	    !(status = cli_rows_begin(&rows, o->format, o->output, accuracy_cols, NACCURACY))) {
		int rc = spm_forecast_accuracy(st, &period, to, levels, accuracy_row, &rows, &err);
		status = cli_rows_finish(&rows, rc, &err);
	}
	spm_store_close(st);
	return status;
}

/* ---- the commission cost of the forecast ---------------------------------------------------- */

static const spm_column cost_cols[] = {
    {"rep_id", SPM_COL_TEXT},    {"currency", SPM_COL_TEXT},
    {"pay_now", SPM_COL_NUMBER}, {"pay_if_forecast", SPM_COL_NUMBER},
    {"cost", SPM_COL_NUMBER},
};

typedef struct cost_out {
	cli_rows rows;
	char currency[4];
	spm_money total;
	bool mixed;
} cost_out;

static int cost_row(void *ctx, const spm_whatif_row *w)
{
	cost_out *o = ctx;
	char now[SPM_NUM_BUFSZ], then[SPM_NUM_BUFSZ], diff[SPM_NUM_BUFSZ];
	spm_money_format(now, sizeof now, w->old_pay, 2);
	spm_money_format(then, sizeof then, w->new_pay, 2);
	spm_money_format(diff, sizeof diff, w->diff, 2);
	if (!o->currency[0])
		snprintf(o->currency, sizeof o->currency, "%s", w->currency);
	o->mixed |= strcmp(o->currency, w->currency) != 0;
	if (spm_money_add(&o->total, o->total, w->diff))
		return SPM_ERANGE;
	const char *cells[5] = {w->rep_id, w->currency, now, then, diff};
	return cli_rows_add(&o->rows, cells);
}

static int cost(const opts *o, int nplans, char **paths)
{
	static const char *const scenarios[] = {"commit", "best_case", "pipeline", NULL};
	static const spm_fc_category cats[] = {SPM_FC_COMMIT, SPM_FC_BEST_CASE, SPM_FC_PIPELINE};
	cli_plan_set ps = {0};
	spm_store *st = NULL;
	spm_error err = {0};
	spm_period period;
	spm_date as_of;
	cost_out out = {0};
	int status, scenario = 0;

	if (nplans < 1)
		return cli_usage_error("cost: no plan given");
	if (o->scenario) {
		for (scenario = 0; scenarios[scenario] && strcmp(scenarios[scenario], o->scenario);
		     scenario++)
			;
		if (!scenarios[scenario])
			return cli_usage_error(
			    "--scenario: expected commit, best_case or pipeline, not "
			    "'%s'",
			    o->scenario);
	}
	if ((status = parse_as_of(o->as_of, &as_of)) ||
	    (status = cli_plan_set_load(&ps, nplans, paths)) ||
	    (status = cli_open_period("cost", o->db, 0, o->period, &st, &period)) ||
	    (status = cli_rows_begin(&out.rows, o->format, o->output, cost_cols, 5))) {
		cli_plan_set_free(&ps);
		spm_store_close(st);
		return status;
	}
	int rc = spm_forecast_cost(st, ps.plans, ps.n, &period, as_of, cats[scenario], cost_row,
	                           &out, &err);
	status = cli_rows_finish(&out.rows, rc, &err);
	if (!status && !o->quiet) {
		char total[SPM_NUM_BUFSZ];
		spm_money_format(total, sizeof total, out.total, 2);
		fprintf(stderr, "%s: if the %s forecast lands, the plans cost %s %s more%s\n",
		        cli_progname(), scenarios[scenario], total, out.currency,
		        out.mixed ? " (in several currencies: see the rows)" : "");
	}
	cli_plan_set_free(&ps);
	spm_store_close(st);
	return status;
}

/* ---- series --------------------------------------------------------------------------------- */

/* A series of months or of ISO weeks: each step named by its first day. */
typedef struct series {
	double *y;
	spm_date *firsts;
	size_t n, cap;
	spm_step step;
} series;

static const char *step_unit(spm_step step)
{
	return step == SPM_STEP_WEEK ? "weeks" : "months";
}

/* The step after `first`: the next month or week. */
static spm_date step_next(spm_step step, spm_date first)
{
	return step == SPM_STEP_WEEK ? spm_date_add_days(first, 7) : spm_date_add_months(first, 1);
}

/* A step's name: 2026-03, or 2026-W09. */
static void step_name(spm_step step, spm_date first, char *buf, size_t size)
{
	int y, m;
	if (step == SPM_STEP_WEEK)
		spm_date_iso_week(first, &y, &m);
	else
		spm_date_to_ymd(first, &y, &m, NULL);
	snprintf(buf, size, step == SPM_STEP_WEEK ? "%04d-W%02d" : "%04d-%02d", y, m);
}

/* A month (YYYY-MM) or an ISO week (YYYY-Www): its first day, and which it is. */
static bool step_parse(const char *t, size_t n, spm_date *first, spm_step *step)
{
	spm_period p;
	int y, w;
	char tail;
	char buf[16];
	if (n < sizeof buf && n >= 7 && (t[5] == 'W' || t[5] == 'w')) {
		memcpy(buf, t, n);
		buf[n] = '\0';
		buf[5] = 'W';
		if (n != 8 || sscanf(buf, "%4d-W%2d%c", &y, &w, &tail) != 2 ||
		    spm_date_from_iso_week(first, y, w) != SPM_OK)
			return false;
		*step = SPM_STEP_WEEK;
		return true;
	}
	if (spm_period_parse(&p, t, n, NULL, NULL) || p.kind != SPM_PERIOD_MONTH)
		return false;
	*first = p.first;
	*step = SPM_STEP_MONTH;
	return true;
}

static void series_free(series *s)
{
	free(s->y);
	free(s->firsts);
}

static int series_add(series *s, spm_date first, double v)
{
	if (s->n == s->cap) {
		size_t n = s->cap ? 2 * s->cap : 64;
		double *y = realloc(s->y, n * sizeof *y);
		spm_date *m = y ? realloc(s->firsts, n * sizeof *m) : NULL;
		if (y)
			s->y = y;
		if (!m) {
			cli_errorf("out of memory");
			return SPM_EXIT_NOMEM;
		}
		s->firsts = m;
		s->cap = n;
	}
	s->firsts[s->n] = first;
	s->y[s->n++] = v;
	return SPM_EXIT_OK;
}

/*
 * A two-column series: the first column a month (YYYY-MM) or an ISO week (YYYY-Www), the second
 * a value (a plain decimal, `-` allowed); header names free; all months or all weeks, consecutive,
 * without gaps or repeats.
 */
static int series_read(series *s, const char *path)
{
	bool std = strcmp(path, "-") == 0;
	FILE *fp = std ? stdin : fopen(path, "rb");
	spm_reader *r = NULL;
	spm_reader_options ro = {.format = std ? SPM_IN_CSV : spm_input_format_from_path(path)};
	spm_error err;
	spm_record rec;
	const char *name = std ? "-" : path;
	int rc, status = SPM_EXIT_OK;
	if (!fp) {
		cli_errorf("cannot open '%s': %s", path, strerror(errno));
		return SPM_EXIT_IO;
	}
	if (ro.format == SPM_IN_AUTO)
		ro.format = SPM_IN_CSV;
	if ((rc = spm_reader_open(&r, name, fp, &ro, &err)))
		status = cli_library_error(rc, &err);
	while (!status && (rc = spm_reader_next(r, &rec, &err)) == 1) {
		spm_date first = {0};
		spm_step step = s->step;
		const char *const *names;
		size_t nn = spm_reader_names(r, &names);
		if (rec.nfields < 2) {
			cli_errorf("%s:%ld: expected two columns, a month and a value", name,
			           rec.line);
			status = SPM_EXIT_DATA;
			break;
		}
		const spm_field *m = &rec.fields[0], *v = &rec.fields[1];
		const char *vcol = v->name < nn ? names[v->name] : "value";
		const char *mcol = m->name < nn ? names[m->name] : "month";
		char *end;
		errno = 0;
		double value = strtod(v->value, &end);
		if (!step_parse(m->value, m->len, &first, &step) || (s->n && step != s->step)) {
			cli_errorf("%s:%ld: column '%s': not a %s: '%s'", name, rec.line, mcol,
			           !s->n                      ? "month (YYYY-MM) or week (YYYY-Www)"
			           : s->step == SPM_STEP_WEEK ? "week (YYYY-Www), as the first row"
			                                      : "month (YYYY-MM), as the first row",
			           m->value);
			status = SPM_EXIT_DATA;
		} else if (!v->len || *end || errno || !isfinite(value)) {
			cli_errorf("%s:%ld: column '%s': not a number: '%s'", name, rec.line, vcol,
			           v->value);
			status = SPM_EXIT_DATA;
		} else if (s->n) {
			char want[16];
			spm_date next = step_next(s->step, s->firsts[s->n - 1]);
			step_name(s->step, next, want, sizeof want);
			if (first.days != next.days) {
				cli_errorf(
				    "%s:%ld: column '%s': expected %s after the %s before, not "
				    "'%s'",
				    name, rec.line, mcol, want,
				    s->step == SPM_STEP_WEEK ? "week" : "month", m->value);
				status = SPM_EXIT_DATA;
			}
		}
		if (!status) {
			s->step = step;
			status = series_add(s, first, value);
		}
	}
	if (!status && rc < 0)
		status = cli_library_error(rc, &err);
	if (!status && s->n == 0) {
		cli_errorf("%s: no months or weeks in the series", name);
		status = SPM_EXIT_DATA;
	}
	spm_reader_close(r);
	if (!std)
		fclose(fp);
	return status;
}

/*
 * --from or --to: a month (YYYY-MM) or a week (YYYY-Www), of the step that *set_by (an option
 * given before) chose, else choosing it.
 */
static int parse_step(const char *option, const char *text, spm_step *step, const char **set_by,
                      spm_date *out)
{
	spm_step given;
	if (!step_parse(text, strlen(text), out, &given))
		return cli_usage_error("--%s: expected a month such as 2026-03 or a week such as "
		                       "2026-W09, not '%s'",
		                       option, text);
	if (*set_by && given != *step)
		return cli_usage_error("--%s: '%s' is a %s, but --%s is by %s", option, text,
		                       given == SPM_STEP_WEEK ? "week" : "month", *set_by,
		                       *step == SPM_STEP_WEEK ? "week" : "month");
	*step = given;
	*set_by = option;
	return SPM_EXIT_OK;
}

/*
 * The store's steps to read: --step's months or weeks from --from (default: the first won deal's)
 * to --to (default: the last's). Opens the store into *st.
 */
static int store_steps(const opts *o, spm_store **st, spm_step *step, spm_date *first, size_t *n)
{
	spm_error err = {0};
	spm_date from, to, lo, hi;
	const char *set_by = o->step ? "step" : NULL;
	bool any;
	int status = SPM_EXIT_OK, rc;
	*step = SPM_STEP_MONTH;
	if (o->step && strcmp(o->step, "month") != 0) {
		if (strcmp(o->step, "week") != 0)
			return cli_usage_error("--step: expected month or week, not '%s'", o->step);
		*step = SPM_STEP_WEEK;
	}
	if ((o->from && (status = parse_step("from", o->from, step, &set_by, &from))) ||
	    (o->to && (status = parse_step("to", o->to, step, &set_by, &to))))
		return status;
	if (!(*st = cli_open_store(cli_store_path(o->db), SPM_STORE_READONLY, &status)))
		return status;
	if ((rc = spm_bookings_span(*st, &lo, &hi, &any, &err)))
		return cli_library_error(rc, &err);
	if (!any && (!o->from || !o->to)) {
		cli_errorf("the store has no won bookings to forecast from");
		return SPM_EXIT_DATA;
	}
	if (!o->from)
		from = spm_step_first(*step, lo);
	if (!o->to)
		to = spm_step_first(*step, hi);
	if (to.days < from.days)
		return cli_usage_error("--to is before --from");
	*first = from;
	*n = 1;
	for (spm_date d = from; d.days < to.days; ++*n)
		d = step_next(*step, d);
	return SPM_EXIT_OK;
}

/* The store's won bookings per month or week (store_steps). */
static int series_store(series *s, const opts *o)
{
	spm_store *st = NULL;
	spm_error err = {0};
	spm_money *v = NULL;
	spm_date first;
	size_t n = 0;
	int status = store_steps(o, &st, &s->step, &first, &n), rc;
	if (!status) {
		if (!(v = calloc(n, sizeof *v)))
			rc = SPM_ENOMEM;
		else
			rc = spm_bookings_series(st, o->currency, s->step, first, n, v, &err);
		status = rc ? cli_library_error(rc, &err) : SPM_EXIT_OK;
	}
	for (size_t k = 0; k < n && !status; k++) {
		status = series_add(s, first, (double)v[k].units / 10000.0);
		first = step_next(s->step, first);
	}
	free(v);
	spm_store_close(st);
	return status;
}

static int series_load(series *s, const opts *o, int argc, char **argv)
{
	if (argc > 1)
		return cli_usage_error("unexpected argument '%s'", argv[1]);
	if (argc == 1) {
		if (o->from || o->to || o->step)
			return cli_usage_error(
			    "--from, --to and --step choose the store's bookings, not "
			    "a file's steps");
		return series_read(s, argv[0]);
	}
	return series_store(s, o);
}

/* A statistic as text: two decimals (or `places`), half away from zero; "" when undefined. */
static void stat_text(char *buf, size_t size, double v, int places, bool defined)
{
	double scale = places == 4 ? 10000.0 : 100.0;
	if (!defined || !isfinite(v)) {
		buf[0] = '\0';
		return;
	}
	double r = round(v * scale) / scale;
	snprintf(buf, size, "%.*f", places, r == 0 ? 0.0 : r);
}

static const spm_column series_cols[] = {
    {"period", SPM_COL_TEXT},  {"forecast", SPM_COL_NUMBER}, {"lower", SPM_COL_NUMBER},
    {"upper", SPM_COL_NUMBER}, {"actual", SPM_COL_NUMBER},
};

static int series_options(const opts *o, spm_ts_options *to, long *holdout)
{
	long season = 12, level = 80;
	int status;
	*holdout = 0;
	if ((o->season && (status = cli_parse_count("season", o->season, 1, 366, &season))) ||
	    (o->interval && (status = cli_parse_count("interval", o->interval, 1, 99, &level))) ||
	    (o->holdout && (status = cli_parse_count("holdout", o->holdout, 1, 100000, holdout))))
		return status;
	to->period = (int)season;
	to->level = (double)level;
	return SPM_EXIT_OK;
}

/* ---- series per rep ------------------------------------------------------------------------- */

static const spm_column rep_series_cols[] = {
    {"rep_id", SPM_COL_TEXT},  {"period", SPM_COL_TEXT},  {"forecast", SPM_COL_NUMBER},
    {"lower", SPM_COL_NUMBER}, {"upper", SPM_COL_NUMBER}, {"method", SPM_COL_TEXT},
};

/* Every rep's series, gathered to be forecast together. */
typedef struct rep_series {
	char **ids;
	double *y; /* n per rep */
	size_t reps, cap, n;
} rep_series;

static int rep_gather(void *ctx, const char *rep_id, const spm_money *months, size_t n)
{
	rep_series *r = ctx;
	if (r->reps == r->cap) {
		size_t c = r->cap ? 2 * r->cap : 256;
		char **ids = realloc(r->ids, c * sizeof *ids);
		double *y = ids ? realloc(r->y, c * n * sizeof *y) : NULL;
		if (ids)
			r->ids = ids;
		if (!y)
			return SPM_ENOMEM;
		r->y = y;
		r->cap = c;
	}
	if (!(r->ids[r->reps] = strdup(rep_id)))
		return SPM_ENOMEM;
	for (size_t k = 0; k < n; k++)
		r->y[r->reps * n + k] = (double)months[k].units / 10000.0;
	r->reps++;
	return SPM_OK;
}

/* Each rep's forecast rows, in rep order; the methods used counted. */
static int rep_rows(cli_rows *rows, const rep_series *r, const spm_ts_result *res, spm_step step,
                    spm_date last, size_t *chosen)
{
	int rc = SPM_OK;
	for (size_t i = 0; i < r->reps && !rc; i++) {
		spm_date at = last;
		chosen[res[i].method]++;
		for (size_t k = 0; k < res[i].horizon && !rc; k++) {
			char name[16], f[48], lo[48], hi[48];
			at = step_next(step, at);
			step_name(step, at, name, sizeof name);
			stat_text(f, sizeof f, res[i].mean[k], 2, true);
			stat_text(lo, sizeof lo, res[i].lower[k], 2, true);
			stat_text(hi, sizeof hi, res[i].upper[k], 2, true);
			const char *cells[6] = {r->ids[i],
			                        name,
			                        f,
			                        lo[0] ? lo : NULL,
			                        hi[0] ? hi : NULL,
			                        spm_ts_method_name(res[i].method)};
			rc = cli_rows_add(rows, cells);
		}
	}
	return rc;
}

/* Every rep's won bookings per month or week from the store, each forecast on its own. */
static int forecast_reps(const opts *o, spm_ts_options *to, int method, long horizon)
{
	spm_store *st = NULL;
	spm_error err = {0};
	spm_step step;
	spm_date first, last;
	size_t n = 0;
	int status = store_steps(o, &st, &step, &first, &n), rc;
	rep_series r = {.n = n};
	spm_ts_result *res = NULL;
	size_t chosen[SPM_TS_METHOD_COUNT] = {0}, failed = 0;
	cli_rows rows;
	if (!o->season && step == SPM_STEP_WEEK)
		to->period = 52;
	last = first;
	for (size_t k = 1; k < n; k++)
		last = step_next(step, last);
	if (status) {
		/* store_steps said why */
	} else if ((rc = spm_bookings_series_by_rep(st, o->currency, step, first, n, rep_gather, &r,
	                                            &err))) {
		status = cli_library_error(rc, &err);
	} else if (!(res = calloc(r.reps + 1, sizeof *res))) {
		status = cli_library_error(SPM_ENOMEM, &err);
	} else if ((rc = spm_ts_forecast_many(r.y, r.reps, n, (spm_ts_method)method,
	                                      (size_t)horizon, to, 0, res, &failed, &err))) {
		cli_errorf("rep '%s': %s", r.ids[failed], err.message);
		status = cli_exit_code(rc);
	} else if (!(status = cli_rows_begin(&rows, o->format, o->output, rep_series_cols, 6))) {
		rc = rep_rows(&rows, &r, res, step, last, chosen);
		status = cli_rows_end(&rows, rc == SPM_OK);
	}
	if (!status && !o->quiet) {
		fprintf(stderr, "%s: %zu reps, %zu %s each; methods used:", cli_progname(), r.reps,
		        n, step_unit(step));
		for (int m = 0; m < SPM_TS_METHOD_COUNT; m++)
			if (chosen[m])
				fprintf(stderr, " %s %zu", spm_ts_method_name((spm_ts_method)m),
				        chosen[m]);
		fputc('\n', stderr);
	}
	for (size_t i = 0; i < r.reps; i++) {
		free(r.ids[i]);
		if (res)
			spm_ts_result_free(&res[i]);
	}
	free(res);
	free(r.ids);
	free(r.y);
	spm_store_close(st);
	return status;
}

static int forecast_series(const opts *o, int argc, char **argv)
{
	series s = {0};
	spm_ts_options to;
	spm_ts_result r = {0};
	spm_error err = {0};
	long holdout, horizon = 12;
	int m = SPM_TS_AUTO, status;

	if ((status = series_options(o, &to, &holdout)))
		return status;
	if (o->method && (m = spm_ts_method_parse(o->method)) < 0)
		return cli_usage_error("--method: unknown method '%s'", o->method);
	if (o->horizon && (status = cli_parse_count("horizon", o->horizon, 1, 1200, &horizon)))
		return status;
	if (holdout && !o->horizon)
		horizon = holdout;
	if (o->level) {
		if (strcmp(o->level, "rep") != 0)
			return cli_usage_error(
			    "series: --level rep forecasts each rep; no other level");
		if (argc > 0 || holdout)
			return cli_usage_error("series --level rep: the store's series, without "
			                       "--holdout");
		return forecast_reps(o, &to, m, horizon);
	}
	if ((status = series_load(&s, o, argc, argv))) {
		series_free(&s);
		return status;
	}
	const char *unit = step_unit(s.step);
	if (!o->season && s.step == SPM_STEP_WEEK)
		to.period = 52;
	if ((size_t)holdout >= s.n) {
		series_free(&s);
		return cli_usage_error("--holdout %ld: the series has %zu %s", holdout, s.n, unit);
	}
	size_t ntrain = s.n - (size_t)holdout;
	int rc = spm_ts_forecast(s.y, ntrain, (spm_ts_method)m, (size_t)horizon, &to, &r, &err);
	if (rc) {
		series_free(&s);
		return cli_library_error(rc, &err);
	}
	cli_rows rows;
	size_t ncols = holdout ? 5 : 4;
	if ((status = cli_rows_begin(&rows, o->format, o->output, series_cols, ncols)) == 0) {
		spm_date step = s.firsts[ntrain - 1];
		for (size_t k = 0; k < r.horizon && !rc; k++) {
			char name[16], f[48], lo[48], hi[48], act[48];
			step = step_next(s.step, step);
			step_name(s.step, step, name, sizeof name);
			stat_text(f, sizeof f, r.mean[k], 2, true);
			stat_text(lo, sizeof lo, r.lower[k], 2, true);
			stat_text(hi, sizeof hi, r.upper[k], 2, true);
			stat_text(act, sizeof act, ntrain + k < s.n ? s.y[ntrain + k] : 0, 2,
			          ntrain + k < s.n);
			const char *cells[5] = {name, f, lo[0] ? lo : NULL, hi[0] ? hi : NULL,
			                        act[0] ? act : NULL};
			rc = cli_rows_add(&rows, cells);
		}
		status = cli_rows_end(&rows, rc == SPM_OK);
	}
	if (!status && !o->quiet) {
		fprintf(stderr, "%s: %s on %zu %s%s%s\n", cli_progname(),
		        spm_ts_method_name(r.method), ntrain, unit, r.note[0] ? ": " : "", r.note);
		if (holdout) {
			size_t scored = (size_t)holdout < r.horizon ? (size_t)holdout : r.horizon;
			spm_ts_accuracy a;
			char mape[48], mase[48], rmse[48], bias[48];
			spm_ts_accuracy_of(s.y, ntrain, to.period, s.y + ntrain, r.mean, scored, &a,
			                   &err);
			stat_text(mape, sizeof mape, a.mape, 2, a.mape_defined);
			stat_text(mase, sizeof mase, a.mase, 4, a.mase_defined);
			stat_text(rmse, sizeof rmse, a.rmse, 2, true);
			stat_text(bias, sizeof bias, a.me, 2, true);
			fprintf(stderr,
			        "%s: on %zu of the %ld %s held out: MAPE %s%s, MASE %s, RMSE %s, "
			        "bias %s\n",
			        cli_progname(), scored, holdout, unit,
			        mape[0] ? mape : "undefined (an actual is 0)", mape[0] ? "%" : "",
			        mase[0] ? mase : "undefined", rmse, bias);
		}
	}
	spm_ts_result_free(&r);
	series_free(&s);
	return status;
}

static const spm_column backtest_cols[] = {
    {"method", SPM_COL_TEXT}, {"used", SPM_COL_TEXT},   {"mape", SPM_COL_NUMBER},
    {"mase", SPM_COL_NUMBER}, {"rmse", SPM_COL_NUMBER}, {"bias", SPM_COL_NUMBER},
    {"note", SPM_COL_TEXT},
};

static int backtest(const opts *o, int argc, char **argv)
{
	series s = {0};
	spm_ts_options to;
	long holdout;
	int status;

	if ((status = series_options(o, &to, &holdout)))
		return status;
	if (!holdout)
		holdout = 12;
	if ((status = series_load(&s, o, argc, argv))) {
		series_free(&s);
		return status;
	}
	if (!o->season && s.step == SPM_STEP_WEEK)
		to.period = 52;
	if ((size_t)holdout >= s.n) {
		series_free(&s);
		return cli_usage_error("--holdout %ld: the series has %zu %s", holdout, s.n,
		                       step_unit(s.step));
	}
	size_t ntrain = s.n - (size_t)holdout;
	cli_rows rows;
	int rc = SPM_OK;
	if ((status = cli_rows_begin(&rows, o->format, o->output, backtest_cols, 7)) == 0) {
		for (int m = 0; m < SPM_TS_METHOD_COUNT && !rc; m++) {
			spm_ts_result r = {0};
			spm_ts_accuracy a = {0};
			spm_error err = {0};
			char mape[48] = "", mase[48] = "", rmse[48] = "", bias[48] = "";
			const char *note = NULL, *used = NULL;
			if (spm_ts_forecast(s.y, ntrain, (spm_ts_method)m, (size_t)holdout, &to, &r,
			                    &err) == SPM_OK) {
				spm_ts_accuracy_of(s.y, ntrain, to.period, s.y + ntrain, r.mean,
				                   (size_t)holdout, &a, &err);
				stat_text(mape, sizeof mape, a.mape, 2, a.mape_defined);
				stat_text(mase, sizeof mase, a.mase, 4, a.mase_defined);
				stat_text(rmse, sizeof rmse, a.rmse, 2, true);
				stat_text(bias, sizeof bias, a.me, 2, true);
				used = spm_ts_method_name(r.method);
				note = r.note[0] ? r.note : NULL;
			} else {
				note = err.message;
			}
			const char *cells[7] = {spm_ts_method_name((spm_ts_method)m),
			                        used,
			                        mape[0] ? mape : NULL,
			                        mase[0] ? mase : NULL,
			                        rmse[0] ? rmse : NULL,
			                        bias[0] ? bias : NULL,
			                        note};
			rc = cli_rows_add(&rows, cells);
			spm_ts_result_free(&r);
		}
		status = cli_rows_end(&rows, rc == SPM_OK);
	}
	if (!status && !o->quiet)
		fprintf(stderr, "%s: every method on %zu %s, scored on the last %ld\n",
		        cli_progname(), ntrain, step_unit(s.step), holdout);
	series_free(&s);
	return status;
}

/* ---- main ----------------------------------------------------------------------------------- */

static int check_options(const char *command, const opts *o)
{
	const char *const given[][2] = {
	    {"period", o->period},     {"as-of", o->as_of},         {"level", o->level},
	    {"team", o->team},         {"territory", o->territory}, {"rep", o->rep},
	    {"window", o->window},     {"currency", o->currency},   {"method", o->method},
	    {"horizon", o->horizon},   {"holdout", o->holdout},     {"season", o->season},
	    {"interval", o->interval}, {"from", o->from},           {"to", o->to},
	    {"step", o->step},         {"scenario", o->scenario},
	};
	return cli_check_options(command_helps, sizeof command_helps / sizeof command_helps[0],
	                         command, given, sizeof given / sizeof given[0]);
}

int main(int argc, char **argv)
{
	opts o = {0};
	const char *arg;
	bool help = false;
	int c;

	cli_init(argv[0]);
	while ((c = cli_getopt(argc, argv, options, &arg)) != -1) {
		switch (c) {
		case 'd':
			o.db = arg;
			break;
		case 'p':
			o.period = arg;
			break;
		case 'r':
			o.rep = arg;
			break;
		case 'f':
			o.format = arg;
			break;
		case 'o':
			o.output = arg;
			break;
		case 'q':
			o.quiet = true;
			break;
		case OPT_AS_OF:
			o.as_of = arg;
			break;
		case OPT_LEVEL:
			o.level = arg;
			break;
		case OPT_TEAM:
			o.team = arg;
			break;
		case OPT_TERRITORY:
			o.territory = arg;
			break;
		case OPT_WINDOW:
			o.window = arg;
			break;
		case OPT_CURRENCY:
			o.currency = arg;
			break;
		case OPT_METHOD:
			o.method = arg;
			break;
		case OPT_HORIZON:
			o.horizon = arg;
			break;
		case OPT_HOLDOUT:
			o.holdout = arg;
			break;
		case OPT_SEASON:
			o.season = arg;
			break;
		case OPT_INTERVAL:
			o.interval = arg;
			break;
		case OPT_FROM:
			o.from = arg;
			break;
		case OPT_TO:
			o.to = arg;
			break;
		case OPT_STEP:
			o.step = arg;
			break;
		case OPT_SCENARIO:
			o.scenario = arg;
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
	if (help) {
		if (optind < argc &&
		    cli_print_command_help(command_helps,
		                           sizeof command_helps / sizeof command_helps[0], options,
		                           after, argv[optind]))
			return SPM_EXIT_OK;
		cli_print_help(stdout, usage, about, options, after);
		return SPM_EXIT_OK;
	}
	if (optind >= argc)
		return cli_usage_error("no command given");
	const char *command = argv[optind];
	int status = check_options(command, &o);
	if (status)
		return status;
	int nargs = argc - optind - 1;
	char **args = argv + optind + 1;
	if (strcmp(command, "series") == 0)
		return forecast_series(&o, nargs, args);
	if (strcmp(command, "backtest") == 0)
		return backtest(&o, nargs, args);
	if (strcmp(command, "cost") == 0)
		return cost(&o, nargs, args);
	if (nargs > 0)
		return cli_usage_error("%s: unexpected argument '%s'", command, args[0]);
	if (strcmp(command, "snapshot") == 0)
		return snapshot(&o);
	if (strcmp(command, "accuracy") == 0)
		return accuracy(&o);
	return pipeline(&o, strcmp(command, "overdue") == 0);
}
