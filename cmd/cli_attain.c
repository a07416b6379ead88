/*
 * cli_attain.c - the attainment report, one command in two tools: `spm-quota attainment` and
 * `spm-report attainment` print the same rows from spm_attainment (spm/attainment.h).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "spm/attainment.h"

static const spm_column attain_cols[] = {
    {"level", SPM_COL_TEXT},
    {"id", SPM_COL_TEXT},
    {"name", SPM_COL_TEXT},
    {"span", SPM_COL_TEXT},
    {"period", SPM_COL_TEXT},
    {"from", SPM_COL_TEXT},
    {"to", SPM_COL_TEXT},
    {"reps", SPM_COL_NUMBER},
    {"credited", SPM_COL_NUMBER},
    {"quota", SPM_COL_NUMBER},
    {"quota_source", SPM_COL_TEXT},
    {"reps_quota", SPM_COL_NUMBER},
    {"attainment_pct", SPM_COL_NUMBER},
    {"gap", SPM_COL_NUMBER},
    {"expected", SPM_COL_NUMBER},
    {"pace_pct", SPM_COL_NUMBER},
    {"currency", SPM_COL_TEXT},
};
#define NATTAIN (sizeof attain_cols / sizeof attain_cols[0])

typedef struct attain_out {
	cli_rows rows;
	const spm_attainment_query *q;
	const char *span_names[SPM_ATTAINMENT_MAX_SPANS];
	size_t lines;
} attain_out;

void cli_percent2(char *buf, size_t size, spm_rate r)
{
	int64_t hundredths =
	    r.units / 1000000; /* 10^10 per 1, so 10^6 per hundredth of a percent */
	int64_t a = hundredths < 0 ? -hundredths : hundredths;
	snprintf(buf, size, "%s%lld.%02lld", hundredths < 0 ? "-" : "", (long long)(a / 100),
	         (long long)(a % 100));
}

static int attain_row(void *ctx, const spm_attainment_row *r)
{
	attain_out *o = ctx;
	char period[SPM_PERIOD_BUFSZ], from[SPM_DATE_BUFSZ], to[SPM_DATE_BUFSZ], reps[24];
	char credited[SPM_NUM_BUFSZ], quota[SPM_NUM_BUFSZ], reps_quota[SPM_NUM_BUFSZ];
	char att[32], gap[SPM_NUM_BUFSZ], expected[SPM_NUM_BUFSZ], pace[32];
	spm_period_format(period, sizeof period, &o->q->spans[r->span]);
	spm_date_format(from, sizeof from, r->from);
	spm_date_format(to, sizeof to, r->to);
	snprintf(reps, sizeof reps, "%zu", r->reps);
	spm_money_format(credited, sizeof credited, r->credited, 2);
	spm_money_format(quota, sizeof quota, r->quota, 2);
	spm_money_format(reps_quota, sizeof reps_quota, r->reps_quota, 2);
	spm_money_format(gap, sizeof gap, r->gap, 2);
	spm_money_format(expected, sizeof expected, r->expected, 2);
	cli_percent2(att, sizeof att, r->attainment);
	cli_percent2(pace, sizeof pace, r->pace);
	bool group = r->level != SPM_LEVEL_REP;
	const char *cells[NATTAIN] = {
	    spm_level_name(r->level),
	    r->id,
	    r->name,
	    o->span_names[r->span],
	    period,
	    from,
	    to,
	    reps,
	    credited,
	    r->has_quota ? quota : NULL,
	    !group || !r->has_quota ? NULL
	    : r->quota_set          ? "set"
	                            : "sum",
	    group && r->has_reps_quota ? reps_quota : NULL,
	    r->has_quota ? att : NULL,
	    r->has_quota ? gap : NULL,
	    r->has_quota ? expected : NULL,
	    r->has_quota && r->expected.units > 0 ? pace : NULL,
	    r->currency,
	};
	o->lines++;
	return cli_rows_add(&o->rows, cells);
}

/* --to-date: month, quarter and year spans holding the as-of day. */
static int add_to_date(const char *text, spm_attainment_query *q, const char **names,
                       const spm_fiscal *fiscal)
{
	static const char *const words[] = {"month", "quarter", "year", NULL};
	static const spm_period_kind kinds[] = {SPM_PERIOD_MONTH, SPM_PERIOD_QUARTER,
	                                        SPM_PERIOD_YEAR};
	for (const char *p = text; p;) {
		const char *end = strchr(p, ',');
		char word[32];
		snprintf(word, sizeof word, "%.*s", (int)(end ? (size_t)(end - p) : strlen(p)), p);
		int i = 0;
		while (words[i] && strcmp(word, words[i]) != 0)
			i++;
		if (!words[i])
			return cli_usage_error("--to-date: unknown value '%s'", word);
		if (q->nspans == SPM_ATTAINMENT_MAX_SPANS)
			return cli_usage_error("--to-date: at most month, quarter and year");
		if (spm_period_of(&q->spans[q->nspans], q->as_of, kinds[i], fiscal))
			return cli_usage_error("--to-date: no %s holds the as-of date", word);
		names[q->nspans++] = i == 0 ? "mtd" : i == 1 ? "qtd" : "ytd";
		p = end ? end + 1 : NULL;
	}
	return SPM_EXIT_OK;
}

int cli_attainment(const cli_attain_opts *o)
{
	static const char *const pacings[] = {"linear", "seasonal", NULL};
	spm_attainment_query q = {.metric = o->metric,
	                          .currency = o->currency,
	                          .team = o->team,
	                          .territory = o->territory,
	                          .rep = o->rep,
	                          .nspans = 1};
	attain_out out = {.q = &q, .span_names = {"period"}};
	spm_store *st = NULL;
	spm_fiscal fiscal;
	spm_error err = {0};
	int status, i;

	if ((status = cli_parse_levels(o->level, &q.levels)))
		return status;
	if (o->pacing) {
		for (i = 0; pacings[i] && strcmp(o->pacing, pacings[i]) != 0; i++)
			;
		if (!pacings[i])
			return cli_usage_error("--pacing: unknown value '%s'", o->pacing);
		q.pacing = i ? SPM_PACING_SEASONAL : SPM_PACING_LINEAR;
	}
	if ((status = cli_open_period("attainment", o->db, SPM_STORE_READONLY, o->period, &st,
	                              &q.spans[0])) ||
	    (status = cli_period_as_of(o->as_of, &q.spans[0], &q.as_of)))
		goto done;
	char name[SPM_PERIOD_BUFSZ], day[SPM_DATE_BUFSZ];
	spm_period_format(name, sizeof name, &q.spans[0]);
	spm_date_format(day, sizeof day, q.as_of);
	if (o->to_date) {
		int rc = spm_store_fiscal(st, &fiscal, &err);
		if (rc) {
			status = cli_library_error(rc, &err);
			goto done;
		}
		if ((status = add_to_date(o->to_date, &q, out.span_names, &fiscal)))
			goto done;
	}
	if ((status = cli_rows_begin(&out.rows, o->format, o->output, attain_cols, NATTAIN)) == 0) {
		int rc = spm_attainment(st, &q, attain_row, &out, &err);
		status = cli_rows_finish(&out.rows, rc, &err);
	}
	if (!status && !o->quiet)
		fprintf(stderr, "%s: %zu row%s, %s to %s\n", cli_progname(), out.lines,
		        cli_plural(out.lines), name, day);
done:
	spm_store_close(st);
	return status;
}
