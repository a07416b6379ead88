/*
 * spm-quota - quota planning and tracking: allocate a target down the organisation and across
 * sub-periods (with ramps and proration), report attainment with pacing, and check capacity.
 * The work is in the library (quota.c, attainment.c); this file reads options and files, and
 * writes rows.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "spm/attainment.h"
#include "spm/quota.h"
#include "spm/reader.h"

enum {
	OPT_TOTAL = 256,
	OPT_BY,
	OPT_METHOD,
	OPT_HISTORY,
	OPT_ATTRIBUTE,
	OPT_WEIGHTS,
	OPT_OVER,
	OPT_SPLIT,
	OPT_SEASONALITY,
	OPT_RAMP,
	OPT_PRORATE,
	OPT_PLACES,
	OPT_METRIC,
	OPT_CURRENCY,
	OPT_AS_OF,
	OPT_LEVEL,
	OPT_TO_DATE,
	OPT_PACING,
	OPT_TEAM,
	OPT_TERRITORY,
	OPT_PRODUCTIVITY,
	OPT_TARGET
};

static const cli_option options[] = {
    {"db", 'd', "PATH", "the store (default: $SPM_DB, else ./spm.db)"},
    {"period", 'p', "PERIOD", "the period: FY2026, 2026, 2026-Q1, 2026-03, ..."},
    {"total", OPT_TOTAL, "X", "allocate: the target to split"},
    {"by", OPT_BY, "LEVEL", "allocate, capacity: team (default), territory, manager or rep"},
    {"method", OPT_METHOD, "M", "allocate: even (default), history, potential or weights"},
    {"history", OPT_HISTORY, "H", "last-year (default) or ttm: the bookings history uses"},
    {"attribute", OPT_ATTRIBUTE, "NAME", "allocate --method potential: the reps' attribute"},
    {"weights", OPT_WEIGHTS, "FILE|LIST", "allocate --method weights: id,weight rows or A=40,B=60"},
    {"over", OPT_OVER, "N%", "allocate: reps carry N% more than their group (over-assignment)"},
    {"split", OPT_SPLIT, "KIND", "allocate: also per quarter, month or half"},
    {"seasonality", OPT_SEASONALITY, "LIST", "allocate: % per sub-period (20,20,20,40) or history"},
    {"ramp", OPT_RAMP, "LIST|FILE", "new hires' ramp by month of tenure: 25,50,75 or a YAML file"},
    {"prorate", OPT_PRORATE, "HOW", "hires and leavers: days (default), months or none"},
    {"places", OPT_PLACES, "N", "allocate: decimals of the quotas, 0 to 4 (default 2)"},
    {"metric", OPT_METRIC, "NAME", "the quotas' metric (default bookings)"},
    {"currency", OPT_CURRENCY, "CUR", "the currency of amounts (default: the store's base)"},
    {"as-of", OPT_AS_OF, "DATE", "attainment: to this day (default: today, within the period)"},
    {"level", OPT_LEVEL, "LIST", "attainment: rep, manager, team, territory, company, or all"},
    {"to-date", OPT_TO_DATE, "LIST", "attainment: also month, quarter, year to date"},
    {"pacing", OPT_PACING, "HOW", "attainment: linear (default) or seasonal"},
    {"team", OPT_TEAM, "TEAM", "attainment: this team's rows only"},
    {"territory", OPT_TERRITORY, "ID", "attainment: this territory's rows only"},
    {"rep", 'r', "REP", "attainment: this rep's rows only"},
    {"productivity", OPT_PRODUCTIVITY, "X", "capacity: bookings per ramped rep (default: measured)"},
    {"target", OPT_TARGET, "X", "capacity: the company's target (default: the stored quotas)"},
    {"format", 'f', "FMT", "table, csv, tsv, json, jsonl (default: table on a terminal, else csv)"},
    {"output", 'o', "FILE", "write the results to FILE (default: standard output)"},
    {"quiet", 'q', NULL, "no summary on standard error"},
    {"help", 'h', NULL, "show this help and exit"},
    {"version", 'V', NULL, "show the version and exit"},
    {NULL, 0, NULL, NULL},
};

static const char usage[] = "[options] allocate --period P --total X\n"
                            "       spm-quota [options] attainment --period P [--as-of DATE]\n"
                            "       spm-quota [options] capacity --period P";
static const char about[] =
    "Plan quotas and track attainment over the store (see spm-quota(1)).\n\n"
    "commands:\n"
    "  allocate     split --total for --period over teams (or territories, managers),\n"
    "               their reps and sub-periods, exactly; ramp and prorate new hires;\n"
    "               writes rows in the quotas import columns: | spm-import quotas -\n"
    "  attainment   credited bookings against quota per rep and roll-up, to --as-of:\n"
    "               attainment, gap, and where they should be by now (pacing)\n"
    "  capacity     what the ramped headcount can book in --period against the target";
static const char after[] =
    "'spm-quota COMMAND --help' shows one command's options.\n"
    "Exit status: 0 success, 64 usage, 65 bad input data, 70 store error, 74 input/output\n"
    "error, 75 store busy, 78 a ramp file is invalid.\n";

static const cli_command_help command_helps[] = {
    {"allocate", "[options] --period P --total X allocate",
     "Split the total over the groups of --by, each group's part over its reps (times\n"
     "1 + --over), and each part over the sub-periods of --split by --seasonality; parts\n"
     "add up exactly (largest remainder). New hires are ramped and hires and leavers\n"
     "prorated; their lines say why. Nothing is stored: pipe the rows to spm-import quotas -.",
     "db period total by method history attribute weights over split seasonality ramp "
     "prorate places metric currency format output quiet"},
    {"attainment", "[options] --period P [--as-of DATE] attainment",
     "Credited bookings (splits and overlays honoured) against quota, per rep and rolled\n"
     "up, from the period's first day to the as-of date: attainment, gap, expected and\n"
     "pace; --to-date adds the month, quarter and year to date.",
     "db period as-of level to-date pacing metric currency team territory rep format output "
     "quiet"},
    {"capacity", "[options] --period P capacity",
     "The ramped headcount of the period times the productivity of a fully ramped rep,\n"
     "against the stored quotas (or --target), per rep, group and the company.",
     "db period by ramp prorate productivity history target metric currency format output"},
};

typedef struct opts {
	const char *db, *period, *format, *output;
	const char *total, *by, *method, *history, *attribute, *weights, *over, *split;
	const char *seasonality, *ramp, *prorate, *places, *metric, *currency;
	const char *as_of, *level, *to_date, *pacing, *team, *territory, *rep;
	const char *productivity, *target;
	bool quiet;
} opts;

/* ---- option values -------------------------------------------------------------------------- */

static int word_index(const char *option, const char *value, const char *const *words)
{
	for (int i = 0; words[i]; i++)
		if (strcmp(value, words[i]) == 0)
			return i;
	cli_usage_error("--%s: unknown value '%s'", option, value);
	return -1;
}

static int parse_money(const char *option, const char *text, spm_money *out)
{
	spm_error err;
	if (spm_money_parse(out, text, strlen(text), 0, &err))
		return cli_usage_error("--%s: %s", option, err.message);
	return SPM_EXIT_OK;
}

/* A percentage: "10%" or "10". */
static int parse_percent(const char *option, const char *text, spm_rate *out)
{
	size_t n = strlen(text);
	spm_error err;
	if (n && text[n - 1] == '%')
		n--;
	if (spm_rate_parse(out, text, n, 0, &err))
		return cli_usage_error("--%s: %s", option, err.message);
	return SPM_EXIT_OK;
}

static int parse_level(const char *option, const char *text, spm_level *out)
{
	int l = spm_level_parse(text);
	if (l < 0 || l == SPM_LEVEL_COMPANY)
		return cli_usage_error("--%s: expected team, territory, manager or rep, not '%s'",
		                       option, text);
	*out = (spm_level)l;
	return SPM_EXIT_OK;
}

static int parse_prorate(const char *text, spm_plan_proration *out)
{
	static const char *const words[] = {"days", "months", "none", NULL};
	int i = text ? word_index("prorate", text, words) : 0;
	if (i < 0)
		return SPM_EXIT_USAGE;
	*out = i == 0 ? SPM_PRORATE_DAYS : i == 1 ? SPM_PRORATE_MONTHS : SPM_PRORATE_NONE;
	return SPM_EXIT_OK;
}

static int parse_history(const char *text, spm_history_basis *out)
{
	static const char *const words[] = {"last-year", "ttm", NULL};
	int i = text ? word_index("history", text, words) : 0;
	if (i < 0)
		return SPM_EXIT_USAGE;
	*out = i ? SPM_HISTORY_TTM : SPM_HISTORY_LAST_YEAR;
	return SPM_EXIT_OK;
}

/*
 * --ramp: a list of percentages, or a YAML file, which may set the proration too; --prorate, when
 * given, has the last word.
 */
static int parse_ramp(const char *text, const char *how, spm_ramp *ramp,
                      spm_plan_proration *prorate)
{
	spm_error err;
	int rc;
	if (!text)
		return parse_prorate(how, prorate);
	if (access(text, F_OK) == 0 || strchr(text, '/') || strstr(text, ".y")) {
		size_t len;
		char *doc = cli_read_file(text, &len, "a ramp");
		if (!doc)
			return SPM_EXIT_IO;
		rc = spm_ramp_read(ramp, prorate, text, doc, len, &err);
		free(doc);
		if (rc)
			return cli_library_error(rc, &err);
		return how ? parse_prorate(how, prorate) : SPM_EXIT_OK;
	}
	if (spm_ramp_parse(ramp, text, &err))
		return cli_usage_error("--ramp: %s", err.message);
	return parse_prorate(how, prorate);
}

/* ---- weights: A=40,B=60 or a file of id,weight rows ------------------------------------------ */

typedef struct weights {
	spm_weight *w;
	char **ids;
	size_t n, cap;
} weights;

static void weights_free(weights *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->ids[i]);
	free(w->ids);
	free(w->w);
}

static int weights_add(weights *w, const char *id, size_t idlen, spm_rate pct)
{
	if (w->n == w->cap) {
		size_t n = w->cap ? 2 * w->cap : 16;
		spm_weight *a = realloc(w->w, n * sizeof *a);
		char **b = a ? realloc(w->ids, n * sizeof *b) : NULL;
		if (a)
			w->w = a;
		if (!b) {
			cli_errorf("out of memory");
			return SPM_EXIT_NOMEM;
		}
		w->ids = b;
		w->cap = n;
	}
	char *copy = strndup(id, idlen);
	if (!copy) {
		cli_errorf("out of memory");
		return SPM_EXIT_NOMEM;
	}
	w->ids[w->n] = copy;
	w->w[w->n++] = (spm_weight){copy, pct};
	return SPM_EXIT_OK;
}

static int weights_list(weights *w, const char *text)
{
	for (const char *p = text; *p;) {
		const char *end = strchr(p, ','), *eq;
		size_t n = end ? (size_t)(end - p) : strlen(p);
		spm_rate pct;
		eq = memchr(p, '=', n);
		if (!eq || eq == p)
			return cli_usage_error("--weights: expected ID=PERCENT, not '%.*s'", (int)n, p);
		size_t vn = n - (size_t)(eq + 1 - p);
		if (vn && eq[vn] == '%')
			vn--;
		if (spm_rate_parse(&pct, eq + 1, vn, 0, NULL))
			return cli_usage_error("--weights: not a percentage: '%.*s'", (int)n, p);
		int status = weights_add(w, p, (size_t)(eq - p), pct);
		if (status)
			return status;
		p = end ? end + 1 : p + n;
	}
	return SPM_EXIT_OK;
}

/* A file with columns id and weight (CSV, TSV, JSON or JSON Lines, by its extension). */
static int weights_file(weights *w, const char *path)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	spm_reader *r = NULL;
	spm_reader_options ro = {.format = spm_input_format_from_path(path)};
	spm_error err;
	spm_record rec;
	int rc, status = SPM_EXIT_OK;
	if (!fp) {
		cli_errorf("cannot open '%s': %s", path, strerror(errno));
		return SPM_EXIT_IO;
	}
	if ((rc = spm_reader_open(&r, path, fp, &ro, &err)))
		status = cli_library_error(rc, &err);
	while (!status && (rc = spm_reader_next(r, &rec, &err)) == 1) {
		const char *const *names;
		size_t nn = spm_reader_names(r, &names);
		const spm_field *id = NULL, *weight = NULL;
		for (size_t i = 0; i < rec.nfields; i++) {
			const char *name = rec.fields[i].name < nn ? names[rec.fields[i].name] : "";
			if (strcmp(name, "id") == 0)
				id = &rec.fields[i];
			else if (strcmp(name, "weight") == 0)
				weight = &rec.fields[i];
		}
		spm_rate pct;
		size_t vn = weight ? weight->len : 0;
		if (vn && weight->value[vn - 1] == '%')
			vn--;
		if (!id || !weight || !id->len) {
			cli_errorf("%s:%ld: expected the columns id and weight", path, rec.line);
			status = SPM_EXIT_DATA;
		} else if (spm_rate_parse(&pct, weight->value, vn, 0, NULL)) {
			cli_errorf("%s:%ld: column 'weight': not a percentage: '%s'", path, rec.line,
			           weight->value);
			status = SPM_EXIT_DATA;
		} else {
			status = weights_add(w, id->value, id->len, pct);
		}
	}
	if (!status && rc < 0)
		status = cli_library_error(rc, &err);
	spm_reader_close(r);
	if (fp != stdin)
		fclose(fp);
	return status;
}

/* ---- allocate ------------------------------------------------------------------------------- */

static const spm_column alloc_cols[] = {
    {"rep_id", SPM_COL_TEXT},   {"team", SPM_COL_TEXT},   {"territory", SPM_COL_TEXT},
    {"period", SPM_COL_TEXT},   {"metric", SPM_COL_TEXT}, {"amount", SPM_COL_NUMBER},
    {"currency", SPM_COL_TEXT}, {"note", SPM_COL_TEXT},
};

typedef struct alloc_out {
	cli_rows rows;
	int places;
	size_t lines;
} alloc_out;

static int alloc_line(void *ctx, const spm_quota_line *l)
{
	alloc_out *o = ctx;
	char period[SPM_PERIOD_BUFSZ], amount[SPM_NUM_BUFSZ];
	spm_period_format(period, sizeof period, l->period);
	spm_money_format(amount, sizeof amount, l->amount, o->places);
	const char *cells[8] = {NULL, NULL, NULL, period, l->metric, amount, l->currency,
	                        l->note[0] ? l->note : NULL};
	cells[strcmp(l->scope, "team") == 0 ? 1 : strcmp(l->scope, "territory") == 0 ? 2 : 0] = l->id;
	o->lines++;
	return cli_rows_add(&o->rows, cells);
}

static int parse_list(const char *option, const char *text, spm_rate *out, size_t cap, size_t *n)
{
	*n = 0;
	for (const char *p = text;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (*n == cap)
			return cli_usage_error("--%s: more than %zu values", option, cap);
		char buf[64];
		snprintf(buf, sizeof buf, "%.*s", (int)len, p);
		if (parse_percent(option, buf, &out[(*n)++]))
			return SPM_EXIT_USAGE;
		if (!end)
			break;
		p = end + 1;
	}
	return SPM_EXIT_OK;
}

static int allocate(const opts *o)
{
	static const char *const methods[] = {"even", "history", "potential", "weights", NULL};
	static const char *const splits[] = {"month", "quarter", "half", NULL};
	spm_allocation a = {.places = 2, .by = SPM_LEVEL_TEAM, .metric = o->metric,
	                    .currency = o->currency};
	spm_rate season[12];
	weights w = {0};
	spm_store *st = NULL;
	spm_error err = {0};
	int status, m;

	if (!o->total)
		return cli_usage_error("allocate: give the target with --total");
	if ((status = parse_money("total", o->total, &a.total)) ||
	    (o->by && (status = parse_level("by", o->by, &a.by))) ||
	    (status = parse_history(o->history, &a.history)) ||
	    (status = parse_ramp(o->ramp, o->prorate, &a.ramp, &a.prorate)) ||
	    (o->over && (status = parse_percent("over", o->over, &a.over))))
		return status;
	a.over.units /= 100;
	if (o->method) {
		if ((m = word_index("method", o->method, methods)) < 0)
			return SPM_EXIT_USAGE;
		a.method = (spm_alloc_method)m;
	}
	if (o->places) {
		char *end;
		long v = strtol(o->places, &end, 10);
		if (*end || end == o->places || v < 0 || v > 4)
			return cli_usage_error("--places: expected 0 to 4, not '%s'", o->places);
		a.places = (int)v;
	}
	if (o->split) {
		if ((m = word_index("split", o->split, splits)) < 0)
			return SPM_EXIT_USAGE;
		a.split = true;
		a.sub = m == 0 ? SPM_PERIOD_MONTH : m == 1 ? SPM_PERIOD_QUARTER : SPM_PERIOD_HALF;
	}
	if (o->seasonality && strcmp(o->seasonality, "history") == 0) {
		a.season_history = true;
	} else if (o->seasonality) {
		if ((status = parse_list("seasonality", o->seasonality, season, 12, &a.nseason)))
			return status;
		a.season = season;
	}
	if ((a.season || a.season_history) && !a.split)
		return cli_usage_error("--seasonality needs --split");
	if (a.method == SPM_ALLOC_POTENTIAL && !(a.attribute = o->attribute))
		return cli_usage_error("allocate --method potential: name the attribute with "
		                       "--attribute");
	if (a.method == SPM_ALLOC_WEIGHTS && !o->weights)
		return cli_usage_error("allocate --method weights: give them with --weights");
	if (o->weights && a.method != SPM_ALLOC_WEIGHTS)
		return cli_usage_error("--weights is for --method weights");
	if (o->attribute && a.method != SPM_ALLOC_POTENTIAL)
		return cli_usage_error("--attribute is for --method potential");
	if (o->history && a.method != SPM_ALLOC_HISTORY)
		return cli_usage_error("--history is for --method history");
	if (o->weights && (status = strchr(o->weights, '=') ? weights_list(&w, o->weights)
	                                                     : weights_file(&w, o->weights))) {
		weights_free(&w);
		return status;
	}
	a.weights = w.w;
	a.nweights = w.n;
	if ((status = cli_open_period("allocate", o->db, SPM_STORE_READONLY, o->period, &st,
	                              &a.period))) {
		spm_store_close(st);
		weights_free(&w);
		return status;
	}
	alloc_out out = {.places = a.places};
	if ((status = cli_rows_begin(&out.rows, o->format, o->output, alloc_cols, 8)) == 0) {
		int rc = spm_quota_allocate(st, &a, alloc_line, &out, &err);
		if (rc > 0)
			rc = SPM_ENOMEM; /* cli_rows_add could not keep a row */
		status = cli_rows_finish(&out.rows, rc, &err);
	}
	if (!status && !o->quiet)
		fprintf(stderr, "%s: %zu quota line%s\n", cli_progname(), out.lines,
		        cli_plural(out.lines));
	spm_store_close(st);
	weights_free(&w);
	return status;
}

/* ---- capacity ------------------------------------------------------------------------------- */

static const spm_column capacity_cols[] = {
    {"level", SPM_COL_TEXT},          {"id", SPM_COL_TEXT},
    {"headcount", SPM_COL_NUMBER},    {"ramped_fte", SPM_COL_NUMBER},
    {"productivity", SPM_COL_NUMBER}, {"capacity", SPM_COL_NUMBER},
    {"target", SPM_COL_NUMBER},       {"gap", SPM_COL_NUMBER},
    {"coverage_pct", SPM_COL_NUMBER}, {"currency", SPM_COL_TEXT},
};
#define NCAPACITY (sizeof capacity_cols / sizeof capacity_cols[0])

static int capacity_out(void *ctx, const spm_capacity_row *r)
{
	cli_rows *rows = ctx;
	char head[24], fte[SPM_NUM_BUFSZ], prod[SPM_NUM_BUFSZ], cap[SPM_NUM_BUFSZ];
	char target[SPM_NUM_BUFSZ], gap[SPM_NUM_BUFSZ], cov[32];
	snprintf(head, sizeof head, "%zu", r->headcount);
	/* full-time equivalents to two decimals, half-up */
	spm_rate f = {(r->fte.units + 50000000) / 100000000 * 100000000};
	spm_rate_format(fte, sizeof fte, f, false);
	spm_money_format(prod, sizeof prod, r->productivity, 2);
	spm_money_format(cap, sizeof cap, r->capacity, 2);
	spm_money_format(target, sizeof target, r->target, 2);
	spm_money_format(gap, sizeof gap, r->gap, 2);
	cli_percent2(cov, sizeof cov, r->coverage);
	const char *cells[NCAPACITY] = {
	    spm_level_name(r->level), r->id, head, fte, prod, cap,
	    r->has_target ? target : NULL, r->has_target ? gap : NULL,
	    r->has_target && r->target.units > 0 ? cov : NULL, r->currency,
	};
	return cli_rows_add(rows, cells);
}

static int capacity(const opts *o)
{
	spm_capacity c = {.by = SPM_LEVEL_TEAM, .metric = o->metric, .currency = o->currency};
	spm_store *st = NULL;
	spm_error err = {0};
	cli_rows rows;
	int status;

	if ((o->by && (status = parse_level("by", o->by, &c.by))) ||
	    (status = parse_history(o->history, &c.history)) ||
	    (status = parse_ramp(o->ramp, o->prorate, &c.ramp, &c.prorate)))
		return status;
	if (o->productivity) {
		if ((status = parse_money("productivity", o->productivity, &c.productivity)))
			return status;
		if (o->history)
			return cli_usage_error("capacity: --history measures the productivity that "
			                       "--productivity gives");
		c.has_productivity = true;
	}
	if (o->target) {
		if ((status = parse_money("target", o->target, &c.target)))
			return status;
		c.has_target = true;
	}
	if (!(status = cli_open_period("capacity", o->db, SPM_STORE_READONLY, o->period, &st,
	                               &c.period)) &&
	    !(status = cli_rows_begin(&rows, o->format, o->output, capacity_cols, NCAPACITY))) {
		int rc = spm_quota_capacity(st, &c, capacity_out, &rows, &err);
		status = cli_rows_finish(&rows, rc, &err);
	}
	spm_store_close(st);
	return status;
}

/* ---- main ----------------------------------------------------------------------------------- */

/* Options given that the command does not take: a usage error naming the first. */
static int check_options(const char *command, const opts *o)
{
	const char *const given[][2] = {
	    {"total", o->total},         {"by", o->by},
	    {"method", o->method},       {"history", o->history},
	    {"attribute", o->attribute}, {"weights", o->weights},
	    {"over", o->over},           {"split", o->split},
	    {"seasonality", o->seasonality}, {"ramp", o->ramp},
	    {"prorate", o->prorate},     {"places", o->places},
	    {"as-of", o->as_of},         {"level", o->level},
	    {"to-date", o->to_date},     {"pacing", o->pacing},
	    {"team", o->team},           {"territory", o->territory},
	    {"rep", o->rep},             {"productivity", o->productivity},
	    {"target", o->target},
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
		case 'd': o.db = arg; break;
		case 'p': o.period = arg; break;
		case 'f': o.format = arg; break;
		case 'o': o.output = arg; break;
		case 'q': o.quiet = true; break;
		case 'r': o.rep = arg; break;
		case OPT_TOTAL: o.total = arg; break;
		case OPT_BY: o.by = arg; break;
		case OPT_METHOD: o.method = arg; break;
		case OPT_HISTORY: o.history = arg; break;
		case OPT_ATTRIBUTE: o.attribute = arg; break;
		case OPT_WEIGHTS: o.weights = arg; break;
		case OPT_OVER: o.over = arg; break;
		case OPT_SPLIT: o.split = arg; break;
		case OPT_SEASONALITY: o.seasonality = arg; break;
		case OPT_RAMP: o.ramp = arg; break;
		case OPT_PRORATE: o.prorate = arg; break;
		case OPT_PLACES: o.places = arg; break;
		case OPT_METRIC: o.metric = arg; break;
		case OPT_CURRENCY: o.currency = arg; break;
		case OPT_AS_OF: o.as_of = arg; break;
		case OPT_LEVEL: o.level = arg; break;
		case OPT_TO_DATE: o.to_date = arg; break;
		case OPT_PACING: o.pacing = arg; break;
		case OPT_TEAM: o.team = arg; break;
		case OPT_TERRITORY: o.territory = arg; break;
		case OPT_PRODUCTIVITY: o.productivity = arg; break;
		case OPT_TARGET: o.target = arg; break;
		case 'h': help = true; break;
		case 'V': cli_print_version(); return SPM_EXIT_OK;
		default: return SPM_EXIT_USAGE;
		}
	}
	if (help) {
		if (optind < argc &&
		    cli_print_command_help(command_helps, sizeof command_helps / sizeof command_helps[0],
		                           options, after, argv[optind]))
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
	if (optind + 1 < argc)
		return cli_usage_error("%s: unexpected argument '%s'", command, argv[optind + 1]);
	if (strcmp(command, "allocate") == 0)
		return allocate(&o);
	if (strcmp(command, "attainment") == 0) {
		cli_attain_opts a = {o.db,   o.period,   o.as_of,  o.level,  o.to_date,
		                     o.pacing, o.team, o.territory, o.rep, o.metric,
		                     o.currency, o.format, o.output, o.quiet};
		return cli_attainment(&a);
	}
	return capacity(&o);
}
