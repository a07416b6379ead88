/*
 * quota.c - ramps and proration, top-down allocation, and the capacity check (see spm/quota.h).
 */
#include "spm/quota.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spm/allocate.h"
#include "spm/credit.h"
#include "spm/fx.h"
#include "spm/org.h"
#include "spm/ydoc.h"
#include "stmtutil.h"
#include "util.h"

__extension__ typedef __int128 i128;

/* A common multiple of every month's length (28, 29, 30, 31): day shares of months stay exact. */
#define MONTH_LCM ((int64_t)4 * 7 * 29 * 3 * 5 * 31)
#define RATE_ONE ((int64_t)10000000000)

static int nomem(spm_error *err)
{
	return spm_error_set(err, SPM_ENOMEM, "out of memory");
}

/* ---- ramps ---------------------------------------------------------------------------------- */

int spm_ramp_parse(spm_ramp *out, const char *text, spm_error *err)
{
	spm_ramp r = {0};
	const char *p = text;
	for (;;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		while (n && spm_is_blank(*p))
			p++, n--;
		while (n && spm_is_blank(p[n - 1]))
			n--;
		if (r.n == SPM_RAMP_MAX)
			return spm_error_set(err, SPM_EDATA, "a ramp has at most %d steps", SPM_RAMP_MAX);
		spm_rate v;
		bool pct = n && p[n - 1] == '%';
		/* a percentage: its rate holds two decimals fewer, which must not be cut off */
		if (spm_rate_parse(&v, p, pct ? n - 1 : n, 0, NULL) || v.units < 0 ||
		    v.units > 100 * RATE_ONE || v.units % 100)
			return spm_error_set(err, SPM_EDATA,
			                     "ramp step %zu: expected a percentage from 0 to 100 with at most 8 "
			                     "decimals, not '%.*s'",
			                     r.n + 1, (int)n, p);
		r.steps[r.n++].units = v.units / 100;
		if (!end)
			break;
		p = end + 1;
	}
	*out = r;
	return SPM_OK;
}

int spm_ramp_read(spm_ramp *out, spm_plan_proration *prorate, const char *source, const char *text,
                  size_t len, spm_error *err)
{
	static const char *const keys[] = {"ramp", "prorate", NULL};
	static const char *const prorations[] = {"days", "months", "none", NULL};
	spm_ydoc *doc = NULL;
	int rc = spm_ydoc_parse(&doc, source, text, len, err);
	if (rc)
		return rc;
	const spm_ynode *root = spm_ydoc_root(doc), *steps, *pr;
	spm_ramp r = {0};
	int which = -1;
	if ((rc = spm_ynode_check_keys(doc, root, keys, err)))
		goto done;
	steps = spm_ynode_get(root, "ramp");
	if (!steps) {
		rc = spm_ynode_error(doc, root, err, "no 'ramp' list of percentages");
		goto done;
	}
	if ((rc = spm_ynode_expect(doc, steps, SPM_YLIST, err)))
		goto done;
	if (steps->n == 0 || steps->n > SPM_RAMP_MAX) {
		rc = spm_ynode_error(doc, steps, err, "a ramp has 1 to %d steps, not %zu",
		                     SPM_RAMP_MAX, steps->n);
		goto done;
	}
	for (size_t i = 0; i < steps->n && !rc; i++) {
		const spm_ynode *s = steps->items[i];
		bool plain = s->kind == SPM_YSCALAR && !s->quoted && s->len && s->text[s->len - 1] != '%';
		spm_rate v;
		/* a plain number is a percentage here: 25 means 25% */
		if (plain && spm_rate_parse(&v, s->text, s->len, 0, NULL) == SPM_OK) {
			if (v.units < 0 || v.units > 100 * RATE_ONE || v.units % 100)
				rc = spm_ynode_error(doc, s, err,
				                     "expected a percentage from 0 to 100 with at "
				                     "most 8 decimals, not '%s'",
				                     s->text);
			r.steps[i].units = v.units / 100;
		} else {
			rc = spm_ynode_rate(doc, s, (spm_rate){0}, (spm_rate){RATE_ONE}, &r.steps[i],
			                    err);
		}
	}
	r.n = steps->n;
	if (!rc && (pr = spm_ynode_get(root, "prorate")) &&
	    !(rc = spm_ynode_choice(doc, pr, prorations, &which, err)))
		*prorate = which == 0 ? SPM_PRORATE_DAYS
		           : which == 1 ? SPM_PRORATE_MONTHS
		                        : SPM_PRORATE_NONE;
	if (!rc)
		*out = r;
done:
	spm_ydoc_free(doc);
	return rc;
}

/* ---- ramp and proration of one period --------------------------------------------------- */

typedef struct month_factor {
	int year, month;
	int64_t ramp;   /* rate units */
	int64_t counts; /* of weight: the days employed (days), 1 or 0 (months), 1 (none) */
	int64_t weight; /* the month's days (days), else 1 */
	int64_t share;  /* counts / weight in 1/MONTH_LCM, for the note */
} month_factor;

static int month_index(spm_date d)
{
	int y, m, day;
	spm_date_to_ymd(d, &y, &m, &day);
	return y * 12 + m - 1;
}

/* The factors of the period's months; returns their number (at most 12 × years). */
static size_t factors(const spm_period *p, bool has_hire, spm_date hire, bool has_end,
                      spm_date end, const spm_ramp *ramp, spm_plan_proration prorate,
                      month_factor *out, size_t cap)
{
	size_t n = 0;
	spm_date lo = has_hire ? hire : (spm_date){INT32_MIN};
	spm_date hi = has_end ? end : (spm_date){INT32_MAX};
	for (spm_date m = p->first; m.days <= p->last.days && n < cap;
	     m = spm_date_add_months(m, 1)) {
		month_factor *f = &out[n++];
		int day;
		spm_date_to_ymd(m, &f->year, &f->month, &day);
		int len = spm_days_in_month(f->year, f->month);
		spm_date last = spm_date_add_days(m, len - day);
		spm_date fifteenth = spm_date_add_days(m, 15 - day);
		int64_t on = spm_date_overlap_days(m, last, lo, hi);
		f->weight = 1;
		switch (prorate) {
		case SPM_PRORATE_DAYS:
			f->weight = len;
			f->counts = on;
			break;
		case SPM_PRORATE_MONTHS:
			f->counts = fifteenth.days >= lo.days && fifteenth.days <= hi.days;
			break;
		case SPM_PRORATE_NONE:
			f->counts = 1;
			break;
		}
		f->share = f->counts * (MONTH_LCM / f->weight);
		f->ramp = RATE_ONE;
		if (has_hire && ramp && ramp->n) {
			/* month 1 is the first month the rep counts in: by whole months, a hire
			 * after the 15th starts in the next month */
			int y, mo, hd;
			spm_date_to_ymd(hire, &y, &mo, &hd);
			int start = month_index(hire) + (prorate == SPM_PRORATE_MONTHS && hd > 15);
			int k = month_index(m) - start;
			if (k >= 0 && (size_t)k < ramp->n)
				f->ramp = ramp->steps[k].units;
		}
	}
	return n;
}

#define MAX_MONTHS 120

/* Σ ramp × counts over the months, and RATE_ONE × Σ weight: the period's factor is num / den. */
static void factor_sum(const month_factor *f, size_t n, i128 *num, i128 *den)
{
	i128 weight = 0;
	*num = 0;
	for (size_t i = 0; i < n; i++) {
		*num += (i128)f[i].ramp * f[i].counts;
		weight += f[i].weight;
	}
	*den = (i128)RATE_ONE * (weight ? weight : 1);
}

static i128 div_half_up(i128 a, i128 b)
{
	return (2 * a + b) / (2 * b); /* a >= 0, b > 0 */
}

/* "12.9%" for ramp × share of one month. */
static void percent_text(char *buf, size_t size, const month_factor *f)
{
	spm_rate r = {(int64_t)div_half_up((i128)f->ramp * f->share, MONTH_LCM)};
	/* two decimals of a percent: the rate to 4 decimals */
	r.units = (r.units + 500000) / 1000000 * 1000000;
	spm_rate_format(buf, size, r, true);
}

static void write_note(char *note, size_t size, spm_money full, bool has_hire, spm_date hire,
                       bool has_end, spm_date end, const spm_ramp *ramp, spm_plan_proration prorate,
                       const month_factor *f, size_t n)
{
	static const char *const how[] = {"by days", "by whole months", "by months employed"};
	char text[SPM_NUM_BUFSZ], day[SPM_DATE_BUFSZ];
	size_t used = 0;
#define PUT(...)                                                                                   \
	do {                                                                                       \
		if (used < size)                                                                   \
			used += (size_t)snprintf(note + used, size - used, __VA_ARGS__);           \
	} while (0)
	spm_money_format(text, sizeof text, full, 0);
	PUT("full %s", text);
	if (has_hire) {
		spm_date_format(day, sizeof day, hire);
		PUT("; hired %s", day);
	}
	if (has_end) {
		spm_date_format(day, sizeof day, end);
		PUT("; left %s", day);
	}
	bool ramped = false;
	for (size_t i = 0; i < n; i++)
		ramped |= f[i].ramp != RATE_ONE && f[i].share;
	if (ramped) {
		PUT("; ramp");
		for (size_t i = 0; i < ramp->n; i++) {
			spm_rate_format(text, sizeof text, ramp->steps[i], true);
			PUT("%s%s", i ? "/" : " ", text);
		}
	}
	bool prorated = false;
	for (size_t i = 0; i < n; i++)
		prorated |= f[i].share != MONTH_LCM;
	if (prorated)
		PUT("; prorated %s", how[prorate]);
	const char *sep = "; by month: ";
	for (size_t i = 0; i < n; i++) {
		if (f[i].ramp == RATE_ONE && f[i].share == MONTH_LCM)
			continue;
		percent_text(text, sizeof text, &f[i]);
		PUT("%s%04d-%02d %s", sep, f[i].year, f[i].month, text);
		sep = ", ";
	}
#undef PUT
	if (used >= size && size)
		note[size - 1] = '\0';
}

int spm_quota_adjust(spm_money full, const spm_period *period, bool has_hire, spm_date hire,
                     bool has_end, spm_date end, const spm_ramp *ramp, spm_plan_proration prorate,
                     int places, spm_money *out, char *note, size_t note_size, spm_error *err)
{
	month_factor f[MAX_MONTHS];
	size_t n = factors(period, has_hire, hire, has_end, end, ramp, prorate, f, MAX_MONTHS);
	i128 num, den;
	int64_t step = 1;
	for (int i = places; i < SPM_MONEY_SCALE; i++)
		step *= 10;
	factor_sum(f, n, &num, &den);
	if (note && note_size)
		note[0] = '\0';
	if (num == den) {
		*out = full;
		return SPM_OK;
	}
	if (full.units < 0)
		return spm_error_set(err, SPM_EDATA, "a quota cannot be negative");
	i128 steps = div_half_up((i128)full.units * num, den * step);
	if (steps * step > INT64_MAX)
		return spm_error_set(err, SPM_ERANGE, "quota out of range");
	out->units = (int64_t)(steps * step);
	if (note && note_size)
		write_note(note, note_size, full, has_hire, hire, has_end, end, ramp, prorate, f, n);
	return SPM_OK;
}

int spm_quota_fte(const spm_period *period, bool has_hire, spm_date hire, bool has_end,
                  spm_date end, const spm_ramp *ramp, spm_plan_proration prorate, spm_rate *out,
                  spm_error *err)
{
	(void)err;
	month_factor f[MAX_MONTHS];
	size_t n = factors(period, has_hire, hire, has_end, end, ramp, prorate, f, MAX_MONTHS);
	i128 num, den;
	factor_sum(f, n, &num, &den);
	out->units = (int64_t)div_half_up(num * RATE_ONE, den);
	return SPM_OK;
}

/* ---- allocation ----------------------------------------------------------------------------- */

typedef struct alloc_job {
	const spm_allocation *a;
	spm_store *st;
	spm_org *org;
	spm_fx *fx;
	const char *currency;
	spm_error *err;
	size_t *ics; /* the individual contributors active in the period, as org indexes */
	size_t nics;
	size_t *group_of; /* per IC: its group */
	const char **groups; /* distinct, sorted; one unnamed group when by rep */
	size_t ngroups;
	size_t *ic_of; /* per org rep: its place in ics, or SPM_ORG_NONE */
	spm_rate *ic_weight, *group_weight;
	bool group_given; /* group_weight holds the groups' own weights */
	spm_money *ic_part, *group_part;
	/* bookings read into per-rep sums (history) or per sub-period sums (seasonality) */
	spm_money *by_rep;
	spm_money *by_sub;
	const spm_period *subs;
	size_t nsubs;
} alloc_job;

static const char *group_key(const spm_org_rep *r, spm_level by)
{
	switch (by) {
	case SPM_LEVEL_TEAM:
		return r->team;
	case SPM_LEVEL_TERRITORY:
		return r->territory;
	case SPM_LEVEL_MANAGER:
		return r->manager;
	default:
		return "";
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static size_t find_str(const char **v, size_t n, const char *s)
{
	return spm_find_sorted(v, n, sizeof *v, 0, s);
}

/* The ICs active in the period and their groups at the allocation's level. */
static int collect_units(alloc_job *j)
{
	const spm_org *o = j->org;
	const spm_allocation *a = j->a;
	char name[SPM_PERIOD_BUFSZ];
	spm_period_format(name, sizeof name, &a->period);
	j->ics = malloc((o->nreps + 1) * sizeof *j->ics);
	j->group_of = malloc((o->nreps + 1) * sizeof *j->group_of);
	j->groups = malloc((o->nreps + 1) * sizeof *j->groups);
	j->ic_of = malloc((o->nreps + 1) * sizeof *j->ic_of);
	if (!j->ics || !j->group_of || !j->groups || !j->ic_of)
		return nomem(j->err);
	for (size_t i = 0; i < o->nreps; i++) {
		j->ic_of[i] = SPM_ORG_NONE;
		if (o->reps[i].manages || !spm_org_active(o, i, a->period.first, a->period.last))
			continue;
		const char *key = group_key(&o->reps[i], a->by);
		if (a->by != SPM_LEVEL_REP && (!key || !*key))
			return spm_error_set(j->err, SPM_EDATA,
			                     "rep '%s' has no %s (give it one, or choose another "
			                     "level)",
			                     o->reps[i].id, spm_level_name(a->by));
		j->groups[j->nics] = key;
		j->ic_of[i] = j->nics;
		j->ics[j->nics++] = i;
	}
	if (!j->nics)
		return spm_error_set(j->err, SPM_EDATA, "no reps are active in %s to allocate to",
		                     name);
	j->ngroups = j->nics;
	qsort(j->groups, j->ngroups, sizeof *j->groups, cmp_str);
	size_t n = 0;
	for (size_t g = 0; g < j->ngroups; g++)
		if (!n || strcmp(j->groups[n - 1], j->groups[g]) != 0)
			j->groups[n++] = j->groups[g];
	j->ngroups = n;
	for (size_t k = 0; k < j->nics; k++)
		j->group_of[k] = find_str(j->groups, j->ngroups, group_key(&o->reps[j->ics[k]], a->by));
	return SPM_OK;
}

static int on_booking(void *ctx, const spm_credit_line *l)
{
	alloc_job *j = ctx;
	spm_money amount = l->amount;
	int rc;
	if ((rc = spm_fx_convert(j->fx, amount, l->currency ? l->currency : j->currency, j->currency,
	                         l->date, SPM_ROUND_HALF_UP, &amount, j->err)))
		return rc;
	spm_money *acc = NULL;
	if (j->by_rep) {
		size_t i = spm_org_rep_find(j->org, l->rep_id);
		if (i != SPM_ORG_NONE)
			acc = &j->by_rep[i];
	} else {
		for (size_t s = 0; s < j->nsubs && !acc; s++)
			if (spm_period_contains(&j->subs[s], l->date))
				acc = &j->by_sub[s];
	}
	if (acc && spm_money_add(acc, *acc, amount))
		return spm_error_set(j->err, SPM_ERANGE, "bookings out of range");
	return SPM_OK;
}

/* Won bookings (owner and split credit, by close date) in [first, last] into by_rep or by_sub. */
static int read_bookings(alloc_job *j, spm_date first, spm_date last)
{
	spm_plan_credit rule = {.statuses = 1u << 1,
	                        .date = SPM_DATE_CLOSE,
	                        .roles = SPM_CREDIT_OWNER | SPM_CREDIT_SPLIT};
	spm_credit_query q = {.rule = &rule, .first = first, .last = last, .any_order = true};
	return spm_credits_ex(j->st, &q, on_booking, j, j->err);
}

/* The period a year before p (last-year) or the twelve months before it (ttm). */
static int history_window(const spm_period *p, spm_history_basis basis, spm_date *first,
                          spm_date *last)
{
	if (basis == SPM_HISTORY_TTM) {
		*first = spm_date_add_months(p->first, -12);
		*last = spm_date_add_days(p->first, -1);
		return SPM_OK;
	}
	static const int per_year[] = {12, 4, 2, 1};
	spm_period before;
	if (spm_period_shift(&before, p, -per_year[p->kind]))
		return SPM_ERANGE;
	*first = before.first;
	*last = before.last;
	return SPM_OK;
}

static int history_weights(alloc_job *j)
{
	spm_date first, last;
	char from[SPM_DATE_BUFSZ], to[SPM_DATE_BUFSZ];
	if (history_window(&j->a->period, j->a->history, &first, &last))
		return spm_error_set(j->err, SPM_EDATA, "no history before the year 1");
	j->by_rep = calloc(j->org->nreps + 1, sizeof *j->by_rep);
	if (!j->by_rep)
		return nomem(j->err);
	int rc = read_bookings(j, first, last);
	bool any = false;
	for (size_t k = 0; k < j->nics && !rc; k++) {
		j->ic_weight[k].units = j->by_rep[j->ics[k]].units;
		if (j->ic_weight[k].units < 0)
			j->ic_weight[k].units = 0; /* refunds beyond sales weigh nothing */
		any |= j->ic_weight[k].units > 0;
	}
	if (!rc && !any) {
		spm_date_format(from, sizeof from, first);
		spm_date_format(to, sizeof to, last);
		rc = spm_error_set(j->err, SPM_EDATA,
		                   "no won bookings from %s to %s to allocate by history", from, to);
	}
	return rc;
}

/* The numeric attribute `name` of each rep (or territory): SPM_EDATA when one lacks it. */
static int potential_weights(alloc_job *j)
{
	const char *name = j->a->attribute;
	spm_stmt *q = NULL;
	int rc = SPM_OK;
	if (!name || !*name)
		return spm_error_set(j->err, SPM_EUSAGE, "potential: no attribute named");
	spm_buf path = {0};
	if (spm_buf_append_str(&path, "$.") || spm_buf_append_json_string(&path, name, strlen(name)))
		return nomem(j->err);
	bool by_territory = j->a->by == SPM_LEVEL_TERRITORY;
	for (int pass = 0; pass < (by_territory ? 2 : 1) && !rc; pass++) {
		rc = spm_stmt_prepare(j->st, &q,
		                      pass ? "SELECT territory_id, json_extract(attrs, ?1) FROM"
		                             " territories"
		                           : "SELECT rep_id, json_extract(attrs, ?1) FROM reps",
		                      j->err);
		if (!rc && spm_stmt_bind_text(q, 1, path.data, path.len))
			rc = nomem(j->err);
		size_t found = 0;
		while (!rc && (rc = spm_stmt_step(q, j->err)) == SPM_ROW) {
			rc = SPM_OK;
			const char *id = spm_stmt_text(q, 0, NULL);
			size_t k = SPM_ORG_NONE, g = SPM_ORG_NONE;
			if (pass) {
				g = find_str(j->groups, j->ngroups, id);
			} else {
				size_t i = spm_org_rep_find(j->org, id);
				if (i != SPM_ORG_NONE)
					k = j->ic_of[i];
			}
			if (k == SPM_ORG_NONE && g == SPM_ORG_NONE)
				continue;
			size_t n;
			const char *v = spm_stmt_text(q, 1, &n);
			spm_rate w;
			if (spm_stmt_is_null(q, 1)) {
				if (!pass)
					rc = spm_error_set(j->err, SPM_EDATA,
					                   "rep '%s' has no attribute '%s' to weigh by", id,
					                   name);
				continue;
			}
			if (spm_rate_parse(&w, v, n, 0, NULL) || w.units < 0) {
				rc = spm_error_set(j->err, SPM_EDATA,
				                   "%s '%s': attribute '%s' is not a number of 0 or more: "
				                   "'%s'",
				                   pass ? "territory" : "rep", id, name, v);
				continue;
			}
			if (pass)
				j->group_weight[g] = w, found++;
			else
				j->ic_weight[k] = w;
		}
		spm_stmt_finalize(q);
		q = NULL;
		if (rc == SPM_DONE)
			rc = SPM_OK;
		if (!rc && pass && found != j->ngroups) /* not every territory has it: sum the reps' */
			memset(j->group_weight, 0, j->ngroups * sizeof *j->group_weight);
		if (!rc && pass)
			j->group_given = found == j->ngroups;
	}
	spm_buf_free(&path);
	return rc;
}

static const spm_rate HUNDRED = {100 * RATE_ONE};

static int sum_rates(const spm_rate *w, size_t n, spm_rate *out, spm_error *err)
{
	out->units = 0;
	for (size_t i = 0; i < n; i++)
		if (__builtin_add_overflow(out->units, w[i].units, &out->units))
			return spm_error_set(err, SPM_ERANGE, "weights out of range");
	return SPM_OK;
}

static int not_hundred(spm_error *err, const char *what, spm_rate sum)
{
	char text[SPM_NUM_BUFSZ];
	spm_rate_format(text, sizeof text, sum, false);
	return spm_error_set(err, SPM_EDATA, "%s add up to %s%%, not 100%%", what, text);
}

static int given_weights(alloc_job *j)
{
	const spm_allocation *a = j->a;
	const char *level = spm_level_name(a->by);
	bool *ggiven = calloc(j->ngroups + 1, sizeof *ggiven);
	bool *igiven = calloc(j->nics + 1, sizeof *igiven);
	spm_rate *w = malloc((j->nics + 1) * sizeof *w);
	int rc = !ggiven || !igiven || !w ? nomem(j->err) : SPM_OK;
	bool any_group = false;

	for (size_t x = 0; x < a->nweights && !rc; x++) {
		const spm_weight *wt = &a->weights[x];
		size_t g = a->by != SPM_LEVEL_REP ? find_str(j->groups, j->ngroups, wt->id)
		                                  : SPM_ORG_NONE;
		size_t i = spm_org_rep_find(j->org, wt->id);
		size_t k = i != SPM_ORG_NONE ? j->ic_of[i] : SPM_ORG_NONE;
		bool *given = g != SPM_ORG_NONE ? &ggiven[g] : k != SPM_ORG_NONE ? &igiven[k] : NULL;
		if (wt->percent.units < 0)
			rc = spm_error_set(j->err, SPM_EDATA, "weights: '%s' has a negative weight",
			                   wt->id);
		else if (!given)
			rc = spm_error_set(j->err, SPM_EDATA,
			                   "weights: '%s' is neither a %s nor a rep active in the "
			                   "period",
			                   wt->id, a->by != SPM_LEVEL_REP ? level : "group");
		else if (*given)
			rc = spm_error_set(j->err, SPM_EDATA, "weights: '%s' is given twice", wt->id);
		else if (g != SPM_ORG_NONE)
			*given = any_group = true, j->group_weight[g] = wt->percent;
		else
			*given = true, j->ic_weight[k] = wt->percent;
	}
	for (size_t g = 0; g < j->ngroups && !rc && any_group; g++)
		if (!ggiven[g])
			rc = spm_error_set(j->err, SPM_EDATA, "weights: no weight for %s '%s'", level,
			                   j->groups[g]);
	spm_rate sum;
	if (!rc && any_group && !(rc = sum_rates(j->group_weight, j->ngroups, &sum, j->err)) &&
	    sum.units != HUNDRED.units) {
		char what[64];
		snprintf(what, sizeof what, "the weights of the %ss", level);
		rc = not_hundred(j->err, what, sum);
	}
	/* groups not given: in proportion to their reps, as an even split would have them */
	for (size_t k = 0; k < j->nics && !rc && !any_group; k++)
		j->group_weight[j->group_of[k]].units++;
	j->group_given = true;
	/* within each group: all of its reps given, adding up to 100, or none (even) */
	for (size_t g = 0; g < j->ngroups && !rc; g++) {
		size_t n = 0, given = 0;
		const char *missing = NULL;
		for (size_t k = 0; k < j->nics; k++) {
			if (j->group_of[k] != g)
				continue;
			if (igiven[k])
				w[given++] = j->ic_weight[k];
			else
				missing = j->org->reps[j->ics[k]].id;
			n++;
		}
		if (!given) {
			for (size_t k = 0; k < j->nics; k++)
				if (j->group_of[k] == g)
					j->ic_weight[k].units = 1;
			continue;
		}
		if (given != n) {
			rc = spm_error_set(j->err, SPM_EDATA, "weights: no weight for rep '%s'",
			                   missing);
		} else if (!(rc = sum_rates(w, n, &sum, j->err)) && sum.units != HUNDRED.units) {
			char what[160];
			if (a->by == SPM_LEVEL_REP)
				snprintf(what, sizeof what, "the weights of the reps");
			else
				snprintf(what, sizeof what, "the weights of %s '%s''s reps", level,
				         j->groups[g]);
			rc = not_hundred(j->err, what, sum);
		}
	}
	free(ggiven);
	free(igiven);
	free(w);
	return rc;
}

/* The seasonality: the given percentages, last year's bookings by sub-period, or even. */
static int season_weights(alloc_job *j, const spm_period *subs, size_t nsubs, spm_rate *w)
{
	const spm_allocation *a = j->a;
	char name[SPM_PERIOD_BUFSZ];
	spm_period_format(name, sizeof name, &a->period);
	if (a->season) {
		spm_rate sum;
		int rc;
		if (a->nseason != nsubs)
			return spm_error_set(j->err, SPM_EDATA,
			                     "seasonality: %zu weights given, but %s has %zu %ss",
			                     a->nseason, name, nsubs,
			                     a->sub == SPM_PERIOD_MONTH     ? "month"
			                     : a->sub == SPM_PERIOD_QUARTER ? "quarter"
			                                                    : "half");
		for (size_t s = 0; s < nsubs; s++)
			if (a->season[s].units < 0)
				return spm_error_set(j->err, SPM_EDATA,
				                     "seasonality: weight %zu is negative", s + 1);
		if ((rc = sum_rates(a->season, nsubs, &sum, j->err)))
			return rc;
		if (sum.units != HUNDRED.units)
			return not_hundred(j->err, "the seasonality weights", sum);
		memcpy(w, a->season, nsubs * sizeof *w);
		return SPM_OK;
	}
	for (size_t s = 0; s < nsubs; s++)
		w[s].units = 1;
	if (!a->season_history)
		return SPM_OK;
	spm_period before[12];
	spm_money sums[12] = {{0}};
	for (size_t s = 0; s < nsubs; s++)
		if (history_window(&subs[s], SPM_HISTORY_LAST_YEAR, &before[s].first, &before[s].last))
			return spm_error_set(j->err, SPM_EDATA, "no history before the year 1");
	spm_money *by_rep = j->by_rep;
	j->by_rep = NULL;
	j->subs = before;
	j->nsubs = nsubs;
	j->by_sub = sums;
	int rc = read_bookings(j, before[0].first, before[nsubs - 1].last);
	j->by_rep = by_rep;
	j->by_sub = NULL;
	bool any = false;
	for (size_t s = 0; s < nsubs && !rc; s++) {
		w[s].units = sums[s].units > 0 ? sums[s].units : 0;
		any |= w[s].units > 0;
	}
	if (!rc && !any)
		rc = spm_error_set(j->err, SPM_EDATA,
		                   "seasonality: no won bookings in the year before %s to learn from",
		                   name);
	return rc;
}

static int emit_line(alloc_job *j, spm_quota_line_fn fn, void *ctx, spm_level level,
                     const char *id, const spm_period *p, spm_money amount, spm_money full,
                     const char *note)
{
	static const char *const scopes[SPM_LEVEL_COUNT] = {"rep", "rep", "team", "territory", ""};
	spm_quota_line line = {
	    .level = level,
	    .scope = scopes[level],
	    .id = id,
	    .period = p,
	    .amount = amount,
	    .full = full,
	    .note = note ? note : "",
	    .metric = j->a->metric ? j->a->metric : "bookings",
	    .currency = j->currency,
	};
	return fn(ctx, &line);
}

static int emit_allocation(alloc_job *j, const spm_period *subs, size_t nsubs,
                           const spm_rate *season, spm_quota_line_fn fn, void *ctx)
{
	const spm_allocation *a = j->a;
	spm_money parts[12], amounts[12];
	char note[512], text[SPM_NUM_BUFSZ], over[SPM_NUM_BUFSZ];
	int rc = SPM_OK;
	for (size_t g = 0; g < j->ngroups && a->by != SPM_LEVEL_REP && !rc; g++) {
		note[0] = '\0';
		if (a->over.units) {
			spm_rate pct = {a->over.units * 100 + HUNDRED.units};
			spm_rate_format(over, sizeof over, (spm_rate){pct.units / 100}, true);
			snprintf(note, sizeof note, "its reps carry %s of it", over);
		}
		if (!(rc = emit_line(j, fn, ctx, a->by, j->groups[g], &a->period, j->group_part[g],
		                     j->group_part[g], note)) &&
		    nsubs && !(rc = spm_allocate(j->group_part[g], season, nsubs, a->places, parts,
		                                 j->err)))
			for (size_t s = 0; s < nsubs && !rc; s++)
				rc = emit_line(j, fn, ctx, a->by, j->groups[g], &subs[s], parts[s],
				               parts[s], NULL);
	}
	for (size_t k = 0; k < j->nics && !rc; k++) {
		const spm_org_rep *r = &j->org->reps[j->ics[k]];
		spm_money full = j->ic_part[k], amount = full;
		if (!nsubs) {
			if (!(rc = spm_quota_adjust(full, &a->period, r->has_hire, r->hire, r->has_end,
			                            r->end, &a->ramp, a->prorate, a->places, &amount,
			                            note, sizeof note, j->err)))
				rc = emit_line(j, fn, ctx, SPM_LEVEL_REP, r->id, &a->period, amount, full,
				               note);
			continue;
		}
		if ((rc = spm_allocate(full, season, nsubs, a->places, parts, j->err)))
			break;
		amount.units = 0;
		for (size_t s = 0; s < nsubs && !rc; s++) {
			rc = spm_quota_adjust(parts[s], &subs[s], r->has_hire, r->hire, r->has_end,
			                      r->end, &a->ramp, a->prorate, a->places, &amounts[s], NULL,
			                      0, j->err);
			amount.units += amounts[s].units;
		}
		note[0] = '\0';
		if (!rc && amount.units != full.units) {
			spm_money_format(text, sizeof text, full, 0);
			snprintf(note, sizeof note, "full %s; the sum of its ramped or prorated parts",
			         text);
		}
		if (!rc)
			rc = emit_line(j, fn, ctx, SPM_LEVEL_REP, r->id, &a->period, amount, full, note);
		for (size_t s = 0; s < nsubs && !rc; s++) {
			rc = spm_quota_adjust(parts[s], &subs[s], r->has_hire, r->hire, r->has_end,
			                      r->end, &a->ramp, a->prorate, a->places, &amounts[s], note,
			                      sizeof note, j->err);
			if (!rc)
				rc = emit_line(j, fn, ctx, SPM_LEVEL_REP, r->id, &subs[s], amounts[s],
				               parts[s], note);
		}
	}
	return rc;
}

/* Each group's part of the total, and each rep's part of its group's (over-assigned) part. */
static int split_down(alloc_job *j)
{
	const spm_allocation *a = j->a;
	int rc = SPM_OK;
	if (!j->group_given)
		for (size_t k = 0; k < j->nics && !rc; k++) {
			spm_rate *gw = &j->group_weight[j->group_of[k]];
			if (__builtin_add_overflow(gw->units, j->ic_weight[k].units, &gw->units))
				rc = spm_error_set(j->err, SPM_ERANGE, "weights out of range");
		}
	if (rc)
		return rc;
	if (a->by == SPM_LEVEL_REP)
		j->group_part[0] = a->total;
	else if ((rc = spm_allocate(a->total, j->group_weight, j->ngroups, a->places, j->group_part,
	                            j->err)))
		return rc;
	spm_rate *w = malloc((j->nics + 1) * sizeof *w);
	spm_money *parts = malloc((j->nics + 1) * sizeof *parts);
	size_t *which = malloc((j->nics + 1) * sizeof *which);
	if (!w || !parts || !which)
		rc = nomem(j->err);
	for (size_t g = 0; g < j->ngroups && !rc; g++) {
		size_t n = 0;
		bool any = false;
		for (size_t k = 0; k < j->nics; k++)
			if (j->group_of[k] == g) {
				which[n] = k;
				any |= j->ic_weight[k].units > 0;
				w[n++] = j->ic_weight[k];
			}
		spm_money target;
		spm_rate factor = {HUNDRED.units / 100 + a->over.units};
		if (spm_money_mul_rate(&target, j->group_part[g], factor, SPM_ROUND_HALF_UP) ||
		    spm_money_round(&target, target, a->places, SPM_ROUND_HALF_UP)) {
			rc = spm_error_set(j->err, SPM_ERANGE, "over-assigned quota out of range");
			break;
		}
		if (!any && target.units == 0) {
			for (size_t x = 0; x < n; x++)
				j->ic_part[which[x]].units = 0;
			continue;
		}
		if (!any) {
			rc = a->by == SPM_LEVEL_REP
			         ? spm_error_set(j->err, SPM_EDATA, "the reps' weights are all zero")
			         : spm_error_set(j->err, SPM_EDATA,
			                         "%s '%s': its reps' weights are all zero",
			                         spm_level_name(a->by), j->groups[g]);
			break;
		}
		if ((rc = spm_allocate(target, w, n, a->places, parts, j->err)))
			break;
		for (size_t x = 0; x < n; x++)
			j->ic_part[which[x]] = parts[x];
	}
	free(w);
	free(parts);
	free(which);
	return rc;
}

static int months_in(const spm_period *p)
{
	return (month_index(p->last) - month_index(p->first)) + 1;
}

static void alloc_job_free(alloc_job *j)
{
	free(j->ics);
	free(j->group_of);
	free(j->groups);
	free(j->ic_of);
	free(j->ic_weight);
	free(j->group_weight);
	free(j->ic_part);
	free(j->group_part);
	free(j->by_rep);
	spm_fx_close(j->fx);
	spm_org_free(j->org);
}

int spm_quota_allocate(spm_store *st, const spm_allocation *a, spm_quota_line_fn fn, void *ctx,
                       spm_error *err)
{
	char name[SPM_PERIOD_BUFSZ], text[SPM_NUM_BUFSZ];
	spm_period subs[12];
	spm_rate season[12];
	size_t nsubs = 0;
	int rc;

	if (!a || !fn || a->places < 0 || a->places > SPM_MONEY_SCALE ||
	    (a->by != SPM_LEVEL_REP && a->by != SPM_LEVEL_TEAM && a->by != SPM_LEVEL_TERRITORY &&
	     a->by != SPM_LEVEL_MANAGER))
		return spm_error_set(err, SPM_EUSAGE, "allocate: bad arguments");
	spm_period_format(name, sizeof name, &a->period);
	spm_money_format(text, sizeof text, a->total, 0);
	if (a->total.units < 0)
		return spm_error_set(err, SPM_EDATA, "the total cannot be negative: '%s'", text);
	spm_money whole;
	if (spm_money_round(&whole, a->total, a->places, SPM_ROUND_DOWN) == SPM_OK &&
	    whole.units != a->total.units)
		return spm_error_set(err, SPM_EDATA, "the total has more than %d decimals: '%s'",
		                     a->places, text);
	if (a->over.units < 0)
		return spm_error_set(err, SPM_EDATA, "over-assignment cannot be negative");
	if (a->split && spm_period_split(&a->period, a->sub, subs, 12, &nsubs))
		return spm_error_set(err, SPM_EUSAGE, "%s cannot be split into %ss", name,
		                     a->sub == SPM_PERIOD_MONTH     ? "month"
		                     : a->sub == SPM_PERIOD_QUARTER ? "quarter"
		                     : a->sub == SPM_PERIOD_HALF    ? "half"
		                                                    : "year");
	if (a->ramp.n > (size_t)months_in(&a->period))
		return spm_error_set(err, SPM_EDATA,
		                     "the ramp has %zu monthly steps, longer than %s (%d months)",
		                     a->ramp.n, name, months_in(&a->period));
	if (a->season && !a->split)
		return spm_error_set(err, SPM_EUSAGE, "seasonality needs sub-periods to weigh");

	alloc_job j = {.a = a, .st = st, .err = err};
	if (!(rc = spm_org_load(st, &j.org, err)) && !(rc = spm_fx_open(&j.fx, st, err))) {
		j.currency = a->currency ? a->currency : spm_fx_base(j.fx);
		rc = collect_units(&j);
	}
	if (!rc) {
		size_t ng = a->by == SPM_LEVEL_REP ? 1 : j.ngroups;
		j.ngroups = ng;
		j.ic_weight = calloc(j.nics + 1, sizeof *j.ic_weight);
		j.group_weight = calloc(ng + 1, sizeof *j.group_weight);
		j.ic_part = calloc(j.nics + 1, sizeof *j.ic_part);
		j.group_part = calloc(ng + 1, sizeof *j.group_part);
		if (!j.ic_weight || !j.group_weight || !j.ic_part || !j.group_part)
			rc = nomem(err);
	}
	if (!rc) {
		switch (a->method) {
		case SPM_ALLOC_EVEN:
			for (size_t k = 0; k < j.nics; k++)
				j.ic_weight[k].units = 1;
			break;
		case SPM_ALLOC_HISTORY:
			rc = history_weights(&j);
			break;
		case SPM_ALLOC_POTENTIAL:
			rc = potential_weights(&j);
			break;
		case SPM_ALLOC_WEIGHTS:
			rc = given_weights(&j);
			break;
		}
	}
	if (!rc && nsubs)
		rc = season_weights(&j, subs, nsubs, season);
	if (!rc)
		rc = split_down(&j);
	if (!rc)
		rc = emit_allocation(&j, subs, nsubs, season, fn, ctx);
	alloc_job_free(&j);
	return rc;
}

/* ---- capacity ------------------------------------------------------------------------------- */

typedef struct cap_target {
	spm_level level;
	const char *id;
	spm_money quota;
} cap_target;

typedef struct cap_job {
	cap_target *t;
	size_t n, cap;
	spm_error *err;
} cap_job;

static int on_quota(void *ctx, const spm_attainment_row *row)
{
	cap_job *c = ctx;
	if (!row->has_quota)
		return SPM_OK;
	if (c->n == c->cap) {
		size_t n = c->cap ? 2 * c->cap : 256;
		cap_target *t = realloc(c->t, n * sizeof *t);
		if (!t)
			return nomem(c->err);
		c->t = t;
		c->cap = n;
	}
	char *id = row->id ? strdup(row->id) : NULL;
	if (row->id && !id)
		return nomem(c->err);
	c->t[c->n++] = (cap_target){row->level, id, row->quota};
	return SPM_OK;
}

static const cap_target *target_of(const cap_job *c, spm_level level, const char *id)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->t[i].level == level &&
		    (id ? c->t[i].id && strcmp(c->t[i].id, id) == 0 : !c->t[i].id))
			return &c->t[i];
	return NULL;
}

/* Mean bookings of the ICs fully ramped and employed throughout the history window. */
static int measure_productivity(alloc_job *j, const spm_capacity *c, spm_money *out)
{
	spm_date first, last;
	char from[SPM_DATE_BUFSZ], to[SPM_DATE_BUFSZ];
	if (history_window(&c->period, c->history, &first, &last))
		return spm_error_set(j->err, SPM_EDATA, "no history before the year 1");
	j->by_rep = calloc(j->org->nreps + 1, sizeof *j->by_rep);
	if (!j->by_rep)
		return nomem(j->err);
	int rc = read_bookings(j, first, last);
	if (rc)
		return rc;
	i128 sum = 0;
	int64_t n = 0;
	for (size_t i = 0; i < j->org->nreps; i++) {
		const spm_org_rep *r = &j->org->reps[i];
		bool throughout = (!r->has_hire || r->hire.days <= first.days) &&
		                  (!r->has_end || r->end.days >= last.days);
		bool ramped = !r->has_hire || c->ramp.n == 0 ||
		              month_index(first) - month_index(r->hire) >= (int)c->ramp.n;
		if (r->manages || !throughout || !ramped)
			continue;
		sum += j->by_rep[i].units;
		n++;
	}
	if (!n || sum <= 0) {
		spm_date_format(from, sizeof from, first);
		spm_date_format(to, sizeof to, last);
		return spm_error_set(j->err, SPM_EDATA,
		                     "no bookings of reps fully ramped and employed from %s to %s to "
		                     "measure productivity from: give --productivity",
		                     from, to);
	}
	/* scaled from the window's months to the period's */
	spm_period w = {.first = first, .last = last};
	int64_t num = months_in(&c->period), den = (int64_t)months_in(&w) * n;
	out->units = (int64_t)(sum >= 0 ? div_half_up(sum * num, den) : -div_half_up(-sum * num, den));
	return SPM_OK;
}

static int capacity_row(const spm_capacity *c, spm_capacity_fn fn, void *ctx, spm_level level,
                        const char *id, size_t headcount, spm_rate fte, spm_money productivity,
                        spm_money capacity, const cap_target *t, spm_error *err)
{
	spm_capacity_row row = {
	    .level = level,
	    .id = id,
	    .headcount = headcount,
	    .fte = fte,
	    .productivity = productivity,
	    .capacity = capacity,
	    .currency = c->currency,
	};
	if (level == SPM_LEVEL_COMPANY && c->has_target) {
		row.has_target = true;
		row.target = c->target;
	} else if (t) {
		row.has_target = true;
		row.target = t->quota;
	}
	if (row.has_target) {
		int rc;
		if (spm_money_sub(&row.gap, row.target, row.capacity))
			return spm_error_set(err, SPM_ERANGE, "capacity gap out of range");
		if ((rc = spm_attainment_ratio(row.capacity, row.target, &row.coverage, err)))
			return rc;
	}
	return fn(ctx, &row);
}

/* Per group of the level reported, and the company last: ICs, FTEs and capacity added up. */
typedef struct cap_sums {
	spm_level by;
	size_t *n;
	spm_rate *fte;
	spm_money *cap;
	size_t ngroups;
	spm_rate k_fte; /* the IC being added */
	spm_money k_cap;
	spm_error *err;
} cap_sums;

static int cap_add(void *ctx, spm_level level, size_t index)
{
	cap_sums *s = ctx;
	if (level != s->by && level != SPM_LEVEL_COMPANY)
		return SPM_OK;
	size_t at = level == SPM_LEVEL_COMPANY ? s->ngroups : index;
	s->n[at]++;
	if (__builtin_add_overflow(s->fte[at].units, s->k_fte.units, &s->fte[at].units) ||
	    spm_money_add(&s->cap[at], s->cap[at], s->k_cap))
		return spm_error_set(s->err, SPM_ERANGE, "capacity out of range");
	return SPM_OK;
}

int spm_quota_capacity(spm_store *st, const spm_capacity *c, spm_capacity_fn fn, void *ctx,
                       spm_error *err)
{
	if (!c || !fn)
		return spm_error_set(err, SPM_EUSAGE, "capacity: bad arguments");
	/* only teams are groups of their own; territories and managers come from the org */
	spm_allocation a = {.period = c->period,
	                    .by = c->by == SPM_LEVEL_TEAM ? SPM_LEVEL_TEAM : SPM_LEVEL_REP,
	                    .currency = c->currency};
	alloc_job j = {.a = &a, .st = st, .err = err};
	cap_job t = {.err = err};
	spm_rate *fte = NULL;
	spm_money *cap = NULL, productivity = c->productivity;
	int rc;
	if (!(rc = spm_org_load(st, &j.org, err)) && !(rc = spm_fx_open(&j.fx, st, err))) {
		j.currency = c->currency ? c->currency : spm_fx_base(j.fx);
		rc = collect_units(&j);
	}
	if (!rc && !c->has_productivity)
		rc = measure_productivity(&j, c, &productivity);
	if (!rc) {
		/* the targets: the stored quotas, rolled up as attainment rolls them up */
		spm_attainment_query q = {
		    .spans = {c->period},
		    .nspans = 1,
		    .as_of = c->period.last,
		    .metric = c->metric,
		    .currency = j.currency,
		    .levels = 1u << SPM_LEVEL_REP | 1u << c->by | 1u << SPM_LEVEL_COMPANY,
		};
		rc = spm_attainment(st, &q, on_quota, &t, err);
	}
	if (!rc) {
		fte = calloc(j.nics + 1, sizeof *fte);
		cap = calloc(j.nics + 1, sizeof *cap);
		if (!fte || !cap)
			rc = nomem(err);
	}
	spm_capacity out = *c;
	out.currency = j.currency;
	for (size_t k = 0; k < j.nics && !rc; k++) {
		const spm_org_rep *r = &j.org->reps[j.ics[k]];
		if ((rc = spm_quota_fte(&c->period, r->has_hire, r->hire, r->has_end, r->end, &c->ramp,
		                        c->prorate, &fte[k], err)))
			break;
		if (spm_money_mul_rate(&cap[k], productivity, fte[k], SPM_ROUND_HALF_UP))
			rc = spm_error_set(err, SPM_ERANGE, "capacity out of range");
		else
			rc = capacity_row(&out, fn, ctx, SPM_LEVEL_REP, r->id, 1, fte[k], productivity,
			                  cap[k], target_of(&t, SPM_LEVEL_REP, r->id), err);
	}
	/* groups: every team, territory or manager, with the ICs attainment counts in it (all
	 * levels below a manager, the territories below a territory) */
	size_t ngroups = c->by == SPM_LEVEL_TEAM        ? j.org->nteams
	                 : c->by == SPM_LEVEL_TERRITORY ? j.org->nterritories
	                 : c->by == SPM_LEVEL_MANAGER   ? j.org->nreps
	                                                : 0;
	cap_sums sums = {.by = c->by, .ngroups = ngroups, .err = err};
	sums.n = calloc(ngroups + 1, sizeof *sums.n);
	sums.fte = calloc(ngroups + 1, sizeof *sums.fte);
	sums.cap = calloc(ngroups + 1, sizeof *sums.cap);
	if (!rc && (!sums.n || !sums.fte || !sums.cap))
		rc = nomem(err);
	for (size_t k = 0; k < j.nics && !rc; k++) {
		sums.k_fte = fte[k];
		sums.k_cap = cap[k];
		rc = spm_org_rollups(j.org, j.ics[k], cap_add, &sums);
	}
	for (size_t g = 0; g <= ngroups && !rc; g++) {
		bool company = g == ngroups;
		if (!company && c->by == SPM_LEVEL_MANAGER && !j.org->reps[g].manages)
			continue;
		const char *id = company                         ? NULL
		                 : c->by == SPM_LEVEL_TEAM      ? j.org->teams[g]
		                 : c->by == SPM_LEVEL_TERRITORY ? j.org->territories[g].id
		                                                : j.org->reps[g].id;
		size_t at = company ? ngroups : g;
		spm_level level = company ? SPM_LEVEL_COMPANY : c->by;
		rc = capacity_row(&out, fn, ctx, level, id, sums.n[at], sums.fte[at], productivity,
		                  sums.cap[at], target_of(&t, level, id), err);
	}
	free(sums.n);
	free(sums.fte);
	free(sums.cap);
	for (size_t i = 0; i < t.n; i++)
		free((char *)t.t[i].id);
	free(t.t);
	free(fte);
	free(cap);
	alloc_job_free(&j);
	return rc;
}
