/*
 * scorecard.c - every rep's measures for one period (see spm/scorecard.h): the attainment rows at
 * rep level, then the activities per kind and the lines of the period's commission run, each
 * added to its rep's row found by id.
 */
#include "spm/scorecard.h"

#include <stdlib.h>
#include <string.h>

#include "spm/activity.h"
#include "spm/attainment.h"
#include "spm/fx.h"
#include "spm/org.h"
#include "spm/payouts.h"
#include "util.h"

static const char *const stat_names[SPM_STAT_COUNT] = {
    "bookings", "deals",  "attainment", "payout",   "largest", "activities",
    "calls",    "emails", "meetings",   "webinars", "demos",
};

/* The activity kind of each counted measure, in the order of spm_scorecard_row.activity. */
static const char *const kinds[SPM_SCORECARD_KINDS] = {"call", "email", "meeting", "webinar",
                                                       "demo"};

const char *spm_stat_name(spm_stat m)
{
	return (unsigned)m < SPM_STAT_COUNT ? stat_names[m] : "?";
}

spm_stat_unit spm_stat_unit_of(spm_stat m)
{
	switch (m) {
	case SPM_STAT_BOOKINGS:
	case SPM_STAT_PAYOUT:
	case SPM_STAT_LARGEST: return SPM_UNIT_MONEY;
	case SPM_STAT_ATTAINMENT: return SPM_UNIT_RATE;
	default: return SPM_UNIT_COUNT;
	}
}

int spm_stat_parse(const char *name)
{
	for (int m = 0; name && m < SPM_STAT_COUNT; m++)
		if (strcmp(name, stat_names[m]) == 0)
			return m;
	return -1;
}

typedef struct job {
	spm_scorecard *sc;
	size_t cap;
	spm_level level;
	const spm_org *org;
	spm_fx *fx;
	spm_date last;
	spm_date paid; /* the last day of the period the run being read pays */
	int kind; /* the activity's kind: its index in kinds, or -1 for one not counted apart */
	spm_error *err;
	/* the figure being spread: an activity count, or a payout line converted once */
	int64_t count;
	const spm_payout_line *line;
	bool converted;
	spm_money amount;
} job;

static int nomem(spm_error *err)
{
	return spm_error_set(err, SPM_ENOMEM, "out of memory");
}

static char *dup_or_null(const char *s, bool *failed)
{
	char *d = s ? strdup(s) : NULL;
	if (s && !d)
		*failed = true;
	return d;
}

static int on_rep(void *ctx, const spm_attainment_row *a)
{
	job *j = ctx;
	spm_scorecard *sc = j->sc;
	if (sc->n == j->cap) {
		size_t cap = j->cap ? 2 * j->cap : 64;
		spm_scorecard_row *rows = realloc(sc->rows, cap * sizeof *rows);
		if (!rows)
			return nomem(j->err);
		sc->rows = rows;
		j->cap = cap;
	}
	size_t i = j->level == SPM_LEVEL_REP ? spm_org_rep_find(j->org, a->id) : SPM_ORG_NONE;
	bool failed = false;
	spm_scorecard_row *r = &sc->rows[sc->n];
	*r = (spm_scorecard_row){
	    .id = dup_or_null(a->id, &failed),
	    .name = dup_or_null(a->name, &failed),
	    .team = dup_or_null(i == SPM_ORG_NONE ? NULL : j->org->reps[i].team, &failed),
	    .role = dup_or_null(i == SPM_ORG_NONE ? NULL : j->org->reps[i].role, &failed),
	    .reps = a->reps,
	    .bookings = a->credited,
	    .deals = a->deals,
	    .largest = a->largest,
	    .has_quota = a->has_quota,
	    .quota = a->quota,
	    .attainment = a->attainment,
	};
	sc->n++; /* even half-filled, so that spm_scorecard_free releases it */
	snprintf(sc->currency, sizeof sc->currency, "%s", a->currency);
	return failed ? nomem(j->err) : SPM_OK;
}

const spm_scorecard_row *spm_scorecard_find(const spm_scorecard *sc, const char *id)
{
	bool company = sc->n == 1 && !sc->rows[0].id; /* its one row has no id */
	if (!id || company)
		return !id && company ? &sc->rows[0] : NULL;
	size_t i = spm_find_sorted(sc->rows, sc->n, sizeof *sc->rows,
	                           offsetof(spm_scorecard_row, id), id);
	return i == (size_t)-1 ? NULL : &sc->rows[i];
}

/* The row of id being filled (the job owns the scorecard it fills). */
static spm_scorecard_row *row_of(job *j, const char *id)
{
	return (spm_scorecard_row *)spm_scorecard_find(j->sc, id);
}

/* Adds the figure being spread (j->count, or the payout line j->line) to row r. */
static int add_to(job *j, spm_scorecard_row *r)
{
	int rc;
	if (!j->line) { /* to every kind's total, and to its own count when it is counted apart */
		if (__builtin_add_overflow(r->activities, j->count, &r->activities) ||
		    (j->kind >= 0 && __builtin_add_overflow(r->activity[j->kind], j->count,
		                                            &r->activity[j->kind])))
			return spm_error_set(j->err, SPM_ERANGE, "activities out of range");
		return SPM_OK;
	}
	/* converted once, for the first row that takes it */
	if (!j->converted &&
	    (rc = spm_fx_convert(j->fx, j->line->amount, j->line->currency, j->sc->currency,
	                         j->paid, SPM_ROUND_HALF_UP, &j->amount, j->err)))
		return rc;
	j->converted = true;
	r->has_payout = true;
	if (spm_money_add(&r->payout, r->payout, j->amount))
		return spm_error_set(j->err, SPM_ERANGE, "'%s': payout out of range",
		                     r->id ? r->id : "company");
	return SPM_OK;
}

static int add_to_group(void *ctx, spm_level level, size_t index)
{
	job *j = ctx;
	const char *id = level == SPM_LEVEL_MANAGER     ? j->org->reps[index].id
	                 : level == SPM_LEVEL_TEAM      ? j->org->teams[index]
	                 : level == SPM_LEVEL_TERRITORY ? j->org->territories[index].id
	                                                : NULL;
	spm_scorecard_row *r;
	return level == j->level && (r = row_of(j, id)) ? add_to(j, r) : SPM_OK;
}

/* Adds the figure being spread to rep_id's row, or to every group of the level holding the rep. */
static int spread(job *j, const char *rep_id)
{
	spm_scorecard_row *r;
	if (j->level == SPM_LEVEL_REP)
		return (r = row_of(j, rep_id)) ? add_to(j, r) : SPM_OK;
	size_t i = spm_org_rep_find(j->org, rep_id);
	return i == SPM_ORG_NONE ? SPM_OK : spm_org_rollups(j->org, i, add_to_group, j);
}

static int on_activity(void *ctx, const char *rep_id, const char *kind, int64_t count)
{
	job *j = ctx;
	j->count = count;
	j->line = NULL;
	for (j->kind = SPM_SCORECARD_KINDS - 1; j->kind >= 0; j->kind--)
		if (strcmp(kind, kinds[j->kind]) == 0)
			break;
	return spread(j, rep_id);
}

static int on_payout(void *ctx, const spm_payout_line *l)
{
	job *j = ctx;
	j->line = l;
	j->converted = false;
	return spread(j, l->rep_id);
}

/* The activities of the period, every rep and kind in one read. */
static int read_activities(spm_store *st, job *j, spm_date first)
{
	return spm_activity_counts_by_kind(st, first, j->last, on_activity, j, j->err);
}

/* The lines of the runs that pay the period: its own, or those of the periods within it. */
static int read_payouts(spm_store *st, job *j, const spm_period *period)
{
	spm_run_span runs[64];
	size_t n = 0;
	int rc = spm_runs_within(st, period, runs, sizeof runs / sizeof runs[0], &n, j->err);
	if (rc || n == 0)
		return rc;
	if ((rc = spm_fx_open(&j->fx, st, j->err)))
		return rc;
	j->sc->has_run = true;
	for (size_t k = 0; k < n && !rc; k++) {
		j->paid = runs[k].last; /* converted as of the end of the period the run pays */
		rc = spm_payout_lines_each(st, runs[k].run_id, NULL, on_payout, j, j->err);
	}
	spm_fx_close(j->fx);
	return rc;
}

int spm_scorecard_read(spm_store *st, const spm_scorecard_query *q, spm_scorecard *out,
                       spm_error *err)
{
	spm_org *org = NULL;
	memset(out, 0, sizeof *out);
	job j = {.sc = out, .err = err, .last = q->period.last, .level = q->level};
	if (q->as_of.days && q->as_of.days < q->period.last.days)
		j.last = q->as_of;
	spm_attainment_query aq = {
	    .spans = {q->period},
	    .nspans = 1,
	    .as_of = j.last,
	    .currency = q->currency,
	    .team = q->team,
	    .territory = q->territory,
	    .rep = q->rep,
	    .levels = 1u << q->level,
	};
	int rc = spm_org_load(st, &org, err);
	j.org = org;
	if (!rc)
		rc = spm_attainment(st, &aq, on_rep, &j, err);
	if (!rc && q->activities)
		rc = read_activities(st, &j, q->period.first);
	if (!rc && q->payouts)
		rc = read_payouts(st, &j, &q->period);
	if (!rc && !out->currency[0]) { /* no rows: the currency they would have had */
		spm_fx *fx = NULL;
		if (!(rc = spm_fx_open(&fx, st, err)))
			snprintf(out->currency, sizeof out->currency, "%s",
			         q->currency ? q->currency : spm_fx_base(fx));
		spm_fx_close(fx);
	}
	spm_org_free(org);
	if (rc)
		spm_scorecard_free(out);
	return rc;
}

void spm_scorecard_free(spm_scorecard *sc)
{
	for (size_t i = 0; sc && i < sc->n; i++) {
		free(sc->rows[i].id);
		free(sc->rows[i].name);
		free(sc->rows[i].team);
		free(sc->rows[i].role);
	}
	if (sc) {
		free(sc->rows);
		memset(sc, 0, sizeof *sc);
	}
}

int64_t spm_scorecard_key(const spm_scorecard_row *r, spm_stat m, bool *has)
{
	*has = true;
	switch (m) {
	case SPM_STAT_BOOKINGS:
		return r->bookings.units;
	case SPM_STAT_DEALS:
		return (int64_t)r->deals;
	case SPM_STAT_ATTAINMENT:
		*has = r->has_quota;
		return r->attainment.units;
	case SPM_STAT_PAYOUT:
		*has = r->has_payout;
		return r->payout.units;
	case SPM_STAT_LARGEST:
		return r->largest.units;
	case SPM_STAT_ACTIVITIES:
		return r->activities;
	case SPM_STAT_CALLS:
	case SPM_STAT_EMAILS:
	case SPM_STAT_MEETINGS:
	case SPM_STAT_WEBINARS:
	case SPM_STAT_DEMOS:
		return r->activity[m - SPM_STAT_CALLS];
	default:
		*has = false;
		return 0;
	}
}
