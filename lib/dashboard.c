/*
 * dashboard.c - one period as a self-contained HTML page (see spm/dashboard.h). Every figure is
 * read first (a scorecard of the company and one of the reps, one company scorecard per step of
 * the trend, the pipeline, the survey), so that a data error writes nothing; then the cards are
 * drawn through spm/html.h. Amounts stay exact until the last moment: a double is made from an
 * exact value only as a chart's geometry, and every text beside it is formatted from the exact
 * value.
 */
#include "spm/dashboard.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spm/attainment.h"
#include "spm/html.h"
#include "spm/money.h"
#include "spm/org.h"
#include "spm/pipeline.h"
#include "spm/rank.h"
#include "spm/scorecard.h"
#include "spm/survey.h"

#define MAX_STEPS 12 /* a year in months */
#define TEXT_SZ 64   /* a formatted amount with grouping, a percentage, a count */

/* The pipeline's four segments, each excluding the ones before it. */
enum { SEG_CLOSED, SEG_COMMIT, SEG_BEST_CASE, SEG_PIPELINE, SEG_COUNT };

/* Activities summed per team over the rep rows; team "" holds the reps without one. */
typedef struct team_activity {
	const char *team; /* borrowed from a rep row, or "" */
	int64_t count;
} team_activity;

/* One team's survey result, copied out of the callback. */
typedef struct team_score {
	char *team;
	spm_survey_tally tally;
	spm_rate score;
} team_score;

typedef struct dash {
	spm_store *st;
	const spm_dashboard_query *q;
	spm_date as_of; /* the effective day: within the period */
	spm_error *err;
	spm_scorecard company, reps;
	/* the trend */
	size_t nsteps;
	spm_period steps[MAX_STEPS];
	char step_names[MAX_STEPS][SPM_PERIOD_BUFSZ];
	double step_bookings[MAX_STEPS], step_quota[MAX_STEPS];
	bool trend_any; /* some step has bookings or a quota */
	/* the pipeline */
	bool has_pipeline;
	spm_money segment[SEG_COUNT];
	/* activities */
	team_activity *activity;
	size_t nactivity;
	int64_t kind_total[SPM_SCORECARD_KINDS];
	/* the survey */
	team_score *scores;
	size_t nscores, cap_scores;
	bool has_company_score;
	team_score company_score;
} dash;

static int nomem(spm_error *err)
{
	return spm_error_set(err, SPM_ENOMEM, "out of memory");
}

/* ---- texts from exact values --------------------------------------------------------------- */

/* m with at least two decimals (all four when it has them) and a comma every three digits. */
static void money_text(char *buf, size_t size, spm_money m)
{
	char plain[SPM_NUM_BUFSZ];
	size_t len = spm_money_format(plain, sizeof plain, m, 2);
	size_t neg = plain[0] == '-', point = neg;
	while (point < len && plain[point] != '.')
		point++;
	size_t digits = point - neg, o = 0;
	char out[TEXT_SZ];
	if (neg)
		out[o++] = '-';
	for (size_t i = neg; i < len && o + 1 < sizeof out; i++) {
		if (i < point && i > neg && (point - i) % 3 == 0 && digits > 3)
			out[o++] = ',';
		out[o++] = plain[i];
	}
	out[o] = '\0';
	snprintf(buf, size, "%s", out);
}

/* A count with a comma every three digits. */
static void count_text(char *buf, size_t size, int64_t v)
{
	spm_money m = {0};
	if (spm_money_from_int(&m, v)) {
		snprintf(buf, size, "%lld", (long long)v); /* past the money range: no commas */
		return;
	}
	char text[TEXT_SZ];
	money_text(text, sizeof text, m);
	char *point = strchr(text, '.');
	if (point)
		*point = '\0';
	snprintf(buf, size, "%s", text);
}

/* An attainment ratio as a percentage with two decimals, cut toward zero: "112.34%". */
static void percent_text(char *buf, size_t size, spm_rate r)
{
	int64_t hundredths = r.units / (SPM_RATE_ONE / 10000); /* C division cuts toward zero */
	int64_t a = hundredths < 0 ? -hundredths : hundredths;
	snprintf(buf, size, "%s%lld.%02lld%%", hundredths < 0 ? "-" : "", (long long)(a / 100),
	         (long long)(a % 100));
}

/* An eNPS score with one decimal and its sign: "+12.5", "-3.0", "0.0". */
static void score_text(char *buf, size_t size, const team_score *s)
{
	char text[SPM_NUM_BUFSZ];
	if (spm_survey_score_format(text, sizeof text, &s->tally, 1, NULL))
		snprintf(text, sizeof text, "?");
	bool plus = text[0] != '-' && strcmp(text, "0.0") != 0 && strcmp(text, "?") != 0;
	snprintf(buf, size, "%s%s", plus ? "+" : "", text);
}

/* Geometry only: an exact amount or rate as a double, at the last moment. */
static double money_value(spm_money m)
{
	return (double)m.units / (double)SPM_MONEY_ONE;
}

static double percent_value(spm_rate r)
{
	return (double)r.units / (double)(SPM_RATE_ONE / 100);
}

/* A rep's label: the name, else the id. */
static const char *rep_label(const spm_scorecard_row *r)
{
	return r->name && r->name[0] ? r->name : r->id ? r->id : "";
}

/* ---- reading ------------------------------------------------------------------------------- */

static int read_card(dash *d, spm_level level, const spm_period *p, spm_date as_of, bool activities,
                     bool payouts, spm_scorecard *out)
{
	spm_scorecard_query sq = {
	    .level = level,
	    .period = *p,
	    .as_of = as_of,
	    .currency = d->q->currency,
	    .activities = activities,
	    .payouts = payouts,
	};
	return spm_scorecard_read(d->st, &sq, out, d->err);
}

static int on_step(void *ctx, const spm_attainment_row *row)
{
	dash *d = ctx;
	size_t i = d->nsteps + row->span; /* the batch starts after the steps read before it */
	if (row->level != SPM_LEVEL_COMPANY || i >= MAX_STEPS)
		return SPM_OK;
	d->step_bookings[i] = money_value(row->credited);
	d->step_quota[i] = row->has_quota ? money_value(row->quota) : NAN;
	if (row->credited.units != 0 || row->has_quota)
		d->trend_any = true;
	return SPM_OK;
}

/*
 * The steps of q->by within the period that have begun by the as-of day, and the company's
 * bookings and quota in each, the last step cut at the as-of day. These are the company rows of
 * spm_attainment, as a company scorecard of each step gives them, read up to
 * SPM_ATTAINMENT_MAX_SPANS steps at a time: every read walks the deals of its spans, so a year
 * in months costs three reads rather than twelve.
 */
static int read_trend(dash *d)
{
	const spm_period *p = &d->q->period;
	spm_period all[MAX_STEPS];
	size_t n = 0, begun = 0;
	if (d->q->by == p->kind) {
		all[0] = *p;
		n = 1;
	} else if (spm_period_split(p, d->q->by, all, MAX_STEPS, &n)) {
		return spm_error_set(d->err, SPM_EUSAGE,
		                     "dashboard: cannot split the period into steps");
	}
	while (begun < n && all[begun].first.days <= d->as_of.days) {
		d->steps[begun] = all[begun];
		spm_period_format(d->step_names[begun], sizeof d->step_names[begun], &all[begun]);
		d->step_bookings[begun] = 0.0;
		d->step_quota[begun] = NAN;
		begun++;
	}
	while (d->nsteps < begun) {
		spm_attainment_query aq = {
		    .as_of = d->as_of,
		    .currency = d->q->currency,
		    .levels = 1u << SPM_LEVEL_COMPANY,
		};
		while (aq.nspans < SPM_ATTAINMENT_MAX_SPANS && d->nsteps + aq.nspans < begun) {
			aq.spans[aq.nspans] = d->steps[d->nsteps + aq.nspans];
			aq.nspans++;
		}
		int rc = spm_attainment(d->st, &aq, on_step, d, d->err);
		if (rc)
			return rc;
		d->nsteps += aq.nspans;
	}
	return SPM_OK;
}

static int on_pipeline(void *ctx, const spm_pipeline_row *row)
{
	dash *d = ctx;
	if (row->level != SPM_LEVEL_COMPANY)
		return SPM_OK;
	/* the figures are cumulative: each segment is its figure less the one it includes */
	spm_money closed_open = {0}, seg[SEG_COUNT];
	seg[SEG_CLOSED] = row->closed;
	if (spm_money_sub(&seg[SEG_COMMIT], row->commit, row->closed) ||
	    spm_money_sub(&seg[SEG_BEST_CASE], row->best_case, row->commit) ||
	    spm_money_sub(&closed_open, row->best_case, row->closed) ||
	    spm_money_sub(&seg[SEG_PIPELINE], row->open_pipeline, closed_open))
		return spm_error_set(d->err, SPM_ERANGE, "dashboard: pipeline out of range");
	for (int i = 0; i < SEG_COUNT; i++)
		d->segment[i] = seg[i].units < 0 ? (spm_money){0} : seg[i];
	d->has_pipeline = true;
	return SPM_OK;
}

static int read_pipeline(dash *d)
{
	spm_pipeline_query pq = {
	    .period = d->q->period,
	    .as_of = d->as_of,
	    .currency = d->q->currency,
	    .levels = 1u << SPM_LEVEL_COMPANY,
	};
	return spm_pipeline(d->st, &pq, on_pipeline, d, d->err);
}

static int by_team(const void *a, const void *b)
{
	const spm_scorecard_row *x = *(const spm_scorecard_row *const *)a;
	const spm_scorecard_row *y = *(const spm_scorecard_row *const *)b;
	int c = strcmp(x->team ? x->team : "", y->team ? y->team : "");
	return c ? c : strcmp(x->id ? x->id : "", y->id ? y->id : "");
}

/* The calls, emails, meetings, webinars and demos of the rep rows, per team and per kind. */
static int sum_activities(dash *d)
{
	size_t n = d->reps.n;
	if (n == 0)
		return SPM_OK;
	const spm_scorecard_row **order = malloc(n * sizeof *order);
	d->activity = malloc(n * sizeof *d->activity);
	if (!order || !d->activity) {
		free(order);
		return nomem(d->err);
	}
	for (size_t i = 0; i < n; i++)
		order[i] = &d->reps.rows[i];
	qsort(order, n, sizeof *order, by_team);
	int rc = SPM_OK;
	for (size_t i = 0; i < n && !rc; i++) {
		const char *team = order[i]->team ? order[i]->team : "";
		if (d->nactivity == 0 || strcmp(d->activity[d->nactivity - 1].team, team) != 0)
			d->activity[d->nactivity++] = (team_activity){team, 0};
		int64_t *sum = &d->activity[d->nactivity - 1].count;
		for (int k = 0; k < SPM_SCORECARD_KINDS && !rc; k++)
			if (__builtin_add_overflow(*sum, order[i]->activity[k], sum) ||
			    __builtin_add_overflow(d->kind_total[k], order[i]->activity[k],
			                           &d->kind_total[k]))
				rc = spm_error_set(d->err, SPM_ERANGE,
				                   "dashboard: activities out of range");
	}
	free(order);
	return rc;
}

static int on_survey(void *ctx, const spm_survey_row *row)
{
	dash *d = ctx;
	team_score s = {.tally = row->tally, .score = row->score};
	if (!row->team) {
		d->company_score = s;
		d->has_company_score = true;
		return SPM_OK;
	}
	if (d->nscores == d->cap_scores) {
		size_t cap = d->cap_scores ? 2 * d->cap_scores : 16;
		team_score *more = realloc(d->scores, cap * sizeof *more);
		if (!more)
			return nomem(d->err);
		d->scores = more;
		d->cap_scores = cap;
	}
	if (!(s.team = strdup(row->team)))
		return nomem(d->err);
	d->scores[d->nscores++] = s;
	return SPM_OK;
}

static int read_survey(dash *d)
{
	spm_survey_query sq = {.first = d->q->period.first, .last = d->as_of};
	return spm_survey_results(d->st, &sq, on_survey, d, d->err);
}

static void dash_free(dash *d)
{
	spm_scorecard_free(&d->company);
	spm_scorecard_free(&d->reps);
	free(d->activity);
	for (size_t i = 0; i < d->nscores; i++)
		free(d->scores[i].team);
	free(d->scores);
}

/* ---- the cards ----------------------------------------------------------------------------- */

static int card_headline(FILE *fp, dash *d)
{
	static const char *const header[] = {"Measure", "Value"};
	static const bool numeric[] = {false, true};
	const spm_scorecard_row *r = spm_scorecard_find(&d->company, NULL);
	char text[6][TEXT_SZ];
	const char *cells[12];
	size_t n = 0;
	int rc = spm_html_card_begin(fp, "Headline figures", false, d->err);
	if (rc)
		return rc;
	if (r) {
		money_text(text[0], TEXT_SZ, r->bookings);
		cells[2 * n] = "Bookings", cells[2 * n + 1] = text[0], n++;
		if (r->has_quota) {
			money_text(text[1], TEXT_SZ, r->quota);
			percent_text(text[2], TEXT_SZ, r->attainment);
		} else {
			snprintf(text[1], TEXT_SZ, "none");
			snprintf(text[2], TEXT_SZ, "-");
		}
		cells[2 * n] = "Quota", cells[2 * n + 1] = text[1], n++;
		cells[2 * n] = "Attainment", cells[2 * n + 1] = text[2], n++;
		if (d->company.has_run) {
			money_text(text[3], TEXT_SZ, r->payout);
			cells[2 * n] = "Payout", cells[2 * n + 1] = text[3], n++;
		}
		count_text(text[4], TEXT_SZ, (int64_t)r->reps);
		cells[2 * n] = "Reps", cells[2 * n + 1] = text[4], n++;
		count_text(text[5], TEXT_SZ, (int64_t)r->deals);
		cells[2 * n] = "Won deals", cells[2 * n + 1] = text[5], n++;
	}
	if (!rc)
		rc = spm_html_table(fp, header, numeric, 2, cells, n, d->err);
	if (!rc && r && !d->company.has_run)
		rc = spm_html_note(fp, "No commission run pays the period yet.", d->err);
	return rc ? rc : spm_html_card_end(fp, d->err);
}

static int card_attainment(FILE *fp, dash *d)
{
	size_t n = 0;
	for (size_t i = 0; i < d->reps.n; i++)
		n += d->reps.rows[i].has_quota;
	spm_rank_item *items = n ? calloc(n, sizeof *items) : NULL;
	size_t shown = n > SPM_DASHBOARD_TOP + SPM_DASHBOARD_BOTTOM
	                   ? SPM_DASHBOARD_TOP + SPM_DASHBOARD_BOTTOM
	                   : n;
	spm_html_bar *bars = shown ? calloc(shown, sizeof *bars) : NULL;
	char(*texts)[TEXT_SZ] = shown ? calloc(shown, sizeof *texts) : NULL;
	int rc = SPM_OK;
	if (n && (!items || !bars || !texts)) {
		rc = nomem(d->err);
		goto done;
	}
	for (size_t i = 0, k = 0; i < d->reps.n; i++) {
		const spm_scorecard_row *r = &d->reps.rows[i];
		if (r->has_quota)
			items[k++] = (spm_rank_item){.id = r->id ? r->id : "",
			                             .key = r->attainment.units,
			                             .has_key = true,
			                             .index = i};
	}
	if ((rc = spm_rank(items, n, false, d->err)))
		goto done;
	for (size_t b = 0; b < shown; b++) {
		/* the best first; past SPM_DASHBOARD_TOP, the worst SPM_DASHBOARD_BOTTOM */
		size_t at = b < SPM_DASHBOARD_TOP || shown == n ? b : n - (shown - b);
		const spm_scorecard_row *r = &d->reps.rows[items[at].index];
		percent_text(texts[b], TEXT_SZ, r->attainment);
		bars[b] = (spm_html_bar){rep_label(r), percent_value(r->attainment), texts[b]};
	}
	double quota = 100.0;
	if ((rc = spm_html_card_begin(fp, "Attainment by rep", false, d->err)) ||
	    (rc = spm_html_bar_chart(fp, "Attainment by rep, in percent of quota", bars, shown,
	                             &quota, "quota", d->err)))
		goto done;
	if (shown < n) {
		char note[160];
		snprintf(
		    note, sizeof note,
		    "The best %d and the worst %d of %zu reps with a quota; the others are left "
		    "out of the chart.",
		    SPM_DASHBOARD_TOP, SPM_DASHBOARD_BOTTOM, n);
		rc = spm_html_note(fp, note, d->err);
	} else if (n > 0 && n < d->reps.n) {
		char note[160];
		snprintf(note, sizeof note, "%zu of %zu reps have no quota for the period.",
		         d->reps.n - n, d->reps.n);
		rc = spm_html_note(fp, note, d->err);
	}
	if (!rc)
		rc = spm_html_card_end(fp, d->err);
done:
	free(items);
	free(bars);
	free(texts);
	return rc;
}

static int card_trend(FILE *fp, dash *d)
{
	const char *labels[MAX_STEPS];
	for (size_t i = 0; i < d->nsteps; i++)
		labels[i] = d->step_names[i];
	const spm_html_series series[2] = {
	    {"Bookings", d->step_bookings},
	    {"Quota", d->step_quota},
	};
	int rc = spm_html_card_begin(fp, "Bookings against quota", false, d->err);
	if (!rc)
		rc = spm_html_line_chart(fp, "Company bookings and quota per step", labels,
		                         d->nsteps, series, d->trend_any ? 2 : 0, d->err);
	if (!rc && d->trend_any)
		rc = spm_html_note(
		    fp,
		    "Each step's own bookings and its own stored quota (or the sum of "
		    "its reps'); a step without a quota leaves a gap.",
		    d->err);
	return rc ? rc : spm_html_card_end(fp, d->err);
}

typedef struct leader_text {
	char rank[24], bookings[TEXT_SZ], deals[TEXT_SZ], attainment[TEXT_SZ];
} leader_text;

static int card_leaderboard(FILE *fp, dash *d)
{
	static const char *const header[] = {"Rank",     "Rep",   "Team",
	                                     "Bookings", "Deals", "Attainment"};
	static const bool numeric[] = {true, false, false, true, true, true};
	size_t n = d->reps.n, shown = n < SPM_DASHBOARD_LEADERS ? n : SPM_DASHBOARD_LEADERS;
	spm_rank_item *items = n ? calloc(n, sizeof *items) : NULL;
	leader_text *texts = shown ? calloc(shown, sizeof *texts) : NULL;
	const char **cells = shown ? calloc(shown * 6, sizeof *cells) : NULL;
	int rc = SPM_OK;
	if (n && (!items || !texts || !cells)) {
		rc = nomem(d->err);
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		items[i] = (spm_rank_item){.id = d->reps.rows[i].id ? d->reps.rows[i].id : "",
		                           .key = d->reps.rows[i].bookings.units,
		                           .has_key = true,
		                           .index = i};
	if ((rc = spm_rank(items, n, false, d->err)))
		goto done;
	for (size_t i = 0; i < shown; i++) {
		const spm_scorecard_row *r = &d->reps.rows[items[i].index];
		leader_text *t = &texts[i];
		snprintf(t->rank, sizeof t->rank, "%zu", items[i].rank);
		money_text(t->bookings, sizeof t->bookings, r->bookings);
		count_text(t->deals, sizeof t->deals, (int64_t)r->deals);
		if (r->has_quota)
			percent_text(t->attainment, sizeof t->attainment, r->attainment);
		else
			snprintf(t->attainment, sizeof t->attainment, "-");
		const char **row = &cells[6 * i];
		row[0] = t->rank, row[1] = rep_label(r), row[2] = r->team ? r->team : "";
		row[3] = t->bookings, row[4] = t->deals, row[5] = t->attainment;
	}
	if (!(rc = spm_html_card_begin(fp, "Leaderboard", true, d->err)) &&
	    !(rc = spm_html_table(fp, header, numeric, 6, cells, shown, d->err))) {
		if (n > shown) {
			char note[120];
			snprintf(note, sizeof note, "The top %zu of %zu reps by bookings.", shown,
			         n);
			rc = spm_html_note(fp, note, d->err);
		}
		if (!rc)
			rc = spm_html_card_end(fp, d->err);
	}
done:
	free(items);
	free(texts);
	free(cells);
	return rc;
}

static int card_pipeline(FILE *fp, dash *d)
{
	static const char *const names[SEG_COUNT] = {"Closed", "Commit", "Best case", "Pipeline"};
	spm_html_bar segs[SEG_COUNT];
	char texts[SEG_COUNT][TEXT_SZ];
	bool any = false;
	for (int i = 0; i < SEG_COUNT; i++) {
		money_text(texts[i], TEXT_SZ, d->segment[i]);
		segs[i] = (spm_html_bar){names[i], money_value(d->segment[i]), texts[i]};
		any = any || d->segment[i].units > 0;
	}
	int rc = spm_html_card_begin(fp, "Pipeline by forecast category", false, d->err);
	if (!rc)
		rc = spm_html_stacked_bar(fp, "Company pipeline by forecast category", segs,
		                          d->has_pipeline && any ? SEG_COUNT : 0, d->err);
	if (!rc && d->has_pipeline && any)
		rc = spm_html_note(
		    fp,
		    "Closed: won to the as-of day; commit, best case and pipeline: open "
		    "deals expected to close by the period's end, each segment without "
		    "the ones before it.",
		    d->err);
	return rc ? rc : spm_html_card_end(fp, d->err);
}

static int card_activity(FILE *fp, dash *d)
{
	static const char *const kinds[SPM_SCORECARD_KINDS] = {"calls", "emails", "meetings",
	                                                       "webinars", "demos"};
	spm_html_bar *bars = d->nactivity ? calloc(d->nactivity, sizeof *bars) : NULL;
	char(*texts)[TEXT_SZ] = d->nactivity ? calloc(d->nactivity, sizeof *texts) : NULL;
	int rc = SPM_OK;
	bool any = false;
	if (d->nactivity && (!bars || !texts)) {
		rc = nomem(d->err);
		goto done;
	}
	for (size_t i = 0; i < d->nactivity; i++) {
		const team_activity *a = &d->activity[i];
		count_text(texts[i], TEXT_SZ, a->count);
		bars[i] =
		    (spm_html_bar){a->team[0] ? a->team : "(no team)", (double)a->count, texts[i]};
		any = any || a->count != 0;
	}
	if ((rc = spm_html_card_begin(fp, "Activity", false, d->err)) ||
	    (rc = spm_html_bar_chart(fp, "Calls, emails, meetings, webinars and demos per team",
	                             bars, any ? d->nactivity : 0, NULL, NULL, d->err)))
		goto done;
	if (any) {
		char note[400], count[TEXT_SZ];
		size_t len =
		    (size_t)snprintf(note, sizeof note,
		                     "Calls, emails, meetings, webinars and demos of the reps "
		                     "of each team; in all:");
		for (int k = 0; k < SPM_SCORECARD_KINDS && len < sizeof note; k++) {
			count_text(count, sizeof count, d->kind_total[k]);
			len += (size_t)snprintf(note + len, sizeof note - len, "%s %s %s",
			                        k ? "," : "", count, kinds[k]);
		}
		if (len < sizeof note)
			snprintf(note + len, sizeof note - len, ".");
		rc = spm_html_note(fp, note, d->err);
	}
	if (!rc)
		rc = spm_html_card_end(fp, d->err);
done:
	free(bars);
	free(texts);
	return rc;
}

static int card_survey(FILE *fp, dash *d)
{
	spm_html_bar *bars = d->nscores ? calloc(d->nscores, sizeof *bars) : NULL;
	char(*texts)[TEXT_SZ] = d->nscores ? calloc(d->nscores, sizeof *texts) : NULL;
	int rc = SPM_OK;
	if (d->nscores && (!bars || !texts)) {
		rc = nomem(d->err);
		goto done;
	}
	for (size_t i = 0; i < d->nscores; i++) {
		const team_score *s = &d->scores[i];
		score_text(texts[i], TEXT_SZ, s);
		bars[i] = (spm_html_bar){s->team[0] ? s->team : "(no team)",
		                         (double)s->score.units / (double)SPM_RATE_ONE, texts[i]};
	}
	if ((rc = spm_html_card_begin(fp, "Employee survey (eNPS)", false, d->err)) ||
	    (rc = spm_html_bar_chart(fp, "eNPS per team", bars, d->nscores, NULL, NULL, d->err)))
		goto done;
	if (d->has_company_score) {
		char note[320], score[TEXT_SZ], answers[TEXT_SZ];
		score_text(score, sizeof score, &d->company_score);
		count_text(answers, sizeof answers, d->company_score.tally.answers);
		snprintf(note, sizeof note,
		         "eNPS: promoters (9-10) less detractors (0-6), in percent of the answers. "
		         "Company: %s of %s answers.",
		         score, answers);
		rc = spm_html_note(fp, note, d->err);
	}
	if (!rc)
		rc = spm_html_card_end(fp, d->err);
done:
	free(bars);
	free(texts);
	return rc;
}

static int card_method(FILE *fp, dash *d, const char *currency)
{
	char note[600], day[SPM_DATE_BUFSZ];
	spm_date_format(day, sizeof day, d->as_of);
	snprintf(
	    note, sizeof note,
	    "Amounts are exact decimals in %s: deals converted at their close date's rate, "
	    "quotas at the period's last day, payouts at the last day of the period each run "
	    "pays. Attainment is bookings over quota, cut toward zero (99.999%% never shows as "
	    "100%%). Bookings, deals, activities, pipeline and survey answers count to %s. Won "
	    "deals are credit lines: a deal split between two reps counts for each.",
	    currency, day);
	int rc = spm_html_card_begin(fp, "How these figures were computed", true, d->err);
	if (!rc)
		rc = spm_html_note(fp, note, d->err);
	return rc ? rc : spm_html_card_end(fp, d->err);
}

/* ---- the page ------------------------------------------------------------------------------ */

static int check_query(FILE *fp, spm_store *st, const spm_dashboard_query *q, spm_date *as_of,
                       spm_error *err)
{
	spm_period same;
	char name[SPM_PERIOD_BUFSZ], day[SPM_DATE_BUFSZ];
	if (!fp || !st || !q)
		return spm_error_set(err, SPM_EUSAGE, "dashboard: no stream, store or query");
	if (spm_period_shift(&same, &q->period, 0))
		return spm_error_set(err, SPM_EUSAGE, "dashboard: not a period");
	spm_period_format(name, sizeof name, &q->period);
	if ((unsigned)q->by > (unsigned)q->period.kind) {
		static const char *const kinds[] = {"month", "quarter", "half", "year"};
		return spm_error_set(err, SPM_EUSAGE,
		                     "dashboard: steps '%s' coarser than the period '%s'",
		                     (unsigned)q->by < 4 ? kinds[q->by] : "?", name);
	}
	*as_of = q->as_of;
	if (as_of->days == 0 || as_of->days > q->period.last.days)
		*as_of = q->period.last;
	if (as_of->days < q->period.first.days) {
		spm_date_format(day, sizeof day, q->as_of);
		return spm_error_set(err, SPM_EUSAGE,
		                     "dashboard: as-of day '%s' is before the period '%s'", day,
		                     name);
	}
	return SPM_OK;
}

static int write_page(FILE *fp, dash *d)
{
	char name[SPM_PERIOD_BUFSZ], day[SPM_DATE_BUFSZ], subtitle[128];
	const char *currency = d->company.currency[0]                ? d->company.currency
	                       : d->q->currency && d->q->currency[0] ? d->q->currency
	                                                             : "the base currency";
	spm_period_format(name, sizeof name, &d->q->period);
	spm_date_format(day, sizeof day, d->as_of);
	snprintf(subtitle, sizeof subtitle, "%s, to %s, in %s", name, day, currency);
	int rc =
	    spm_html_begin(fp, d->q->title ? d->q->title : "Sales performance", subtitle, d->err);
	if (!rc)
		rc = card_headline(fp, d);
	if (!rc)
		rc = card_attainment(fp, d);
	if (!rc)
		rc = card_trend(fp, d);
	if (!rc)
		rc = card_leaderboard(fp, d);
	if (!rc)
		rc = card_pipeline(fp, d);
	if (!rc)
		rc = card_activity(fp, d);
	if (!rc)
		rc = card_survey(fp, d);
	if (!rc)
		rc = card_method(fp, d, currency);
	return rc ? rc : spm_html_end(fp, d->err);
}

int spm_dashboard_write(FILE *fp, spm_store *st, const spm_dashboard_query *q, spm_error *err)
{
	dash d = {.st = st, .q = q, .err = err};
	int rc = check_query(fp, st, q, &d.as_of, err);
	if (rc)
		return rc;
	spm_error_clear(err);
	if (!(rc =
	          read_card(&d, SPM_LEVEL_COMPANY, &q->period, d.as_of, false, true, &d.company)) &&
	    !(rc = read_card(&d, SPM_LEVEL_REP, &q->period, d.as_of, true, false, &d.reps)) &&
	    !(rc = read_trend(&d)) && !(rc = read_pipeline(&d)) && !(rc = sum_activities(&d)) &&
	    !(rc = read_survey(&d)))
		rc = write_page(fp, &d);
	dash_free(&d);
	return rc;
}
