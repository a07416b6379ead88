/*
 * run_measure.c - what a run measures for each seat (a rep on a plan in the period): the seats
 * from the assignments, then the passes over the store. Components whose credit rules differ only
 * in type, product or stage share one pass; a large store's deals are read in two halves on two
 * connections at once; every credit line goes to its seat (found by bisection) through the
 * plan's currency, and is kept for the line it feeds. Quotas, what the window's earlier periods
 * paid and the ledger's balances come in one query each. Every input goes into the inputs hash,
 * the credit lines through an order-free sum of their fingerprints.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_engine.h"
#include "spm/activity.h"
#include "spm/credit.h"
#include "spm/rates.h"

/* ---- the seats ------------------------------------------------------------------------------ */

void spm_run_seats_free(run *r)
{
	for (size_t i = 0; i < r->nseats; i++) {
		seat *s = &r->seats[i];
		free(s->rep);
		free(s->m);
		free(s->paid);
		free(s->bonus);
		free(s->team);
		free(s->team_lines);
	}
	free(r->seats);
	r->seats = NULL;
	r->nseats = 0;
}

static int seat_new(run *r, const char *rep, size_t *cap)
{
	const spm_plan *p = r->plan;
	if (r->nseats == *cap) {
		size_t n = *cap ? *cap * 2 : 64;
		seat *more = realloc(r->seats, n * sizeof *more);
		if (!more)
			return nomem(r->err);
		r->seats = more;
		*cap = n;
	}
	seat *s = &r->seats[r->nseats];
	memset(s, 0, sizeof *s);
	s->rep = strdup(rep);
	s->m = calloc(p->ncomponents, sizeof *s->m);
	s->paid = calloc(p->ncomponents + 1, sizeof *s->paid);
	s->bonus = calloc(p->nbonuses + 1, sizeof *s->bonus);
	s->team = calloc(p->noverrides + 1, sizeof *s->team);
	s->team_lines = calloc(p->noverrides + 1, sizeof *s->team_lines);
	r->nseats++;
	if (!s->rep || !s->m || !s->paid || !s->bonus || !s->team || !s->team_lines)
		return nomem(r->err);
	return SPM_OK;
}

/* Months of the window whose 15th lies in [from, to]. */
static int64_t months_on(const spm_period *w, spm_date from, spm_date to)
{
	int64_t n = 0;
	int y, m, d;
	spm_date_to_ymd(w->first, &y, &m, &d);
	for (spm_date day = {w->first.days + 14}; day.days <= w->last.days;
	     day = spm_date_add_months(day, 1))
		n += day.days >= from.days && day.days <= to.days;
	return n;
}

static int64_t months_in(const spm_period *w)
{
	return months_on(w, w->first, w->last);
}

/* One assignment row: the rep's span on the plan, added to the rep's seat. */
static int add_assignment(run *r, spm_stmt *q, size_t *cap)
{
	const spm_plan *p = r->plan;
	const spm_period *w = &r->window;
	spm_date from, to, hire, end;
	bool has_to, has_hire, has_end, has;
	int rc;
	const char *rep = spm_stmt_text(q, 0, NULL);

	if ((rc = spm_column_date(q, 1, &from, &has, r->err)) ||
	    (rc = spm_column_date(q, 2, &to, &has_to, r->err)) ||
	    (rc = spm_column_date(q, 3, &hire, &has_hire, r->err)) ||
	    (rc = spm_column_date(q, 4, &end, &has_end, r->err)))
		return rc;
	/* the span on the plan within the whole window, bounded by the plan and the employment */
	spm_date lo = from, hi = has_to ? to : w->last;
	if (lo.days < w->first.days)
		lo = w->first;
	if (lo.days < p->from.days)
		lo = p->from;
	if (has_hire && lo.days < hire.days)
		lo = hire;
	if (hi.days > w->last.days)
		hi = w->last;
	if (p->has_to && hi.days > p->to.days)
		hi = p->to;
	if (has_end && hi.days > end.days)
		hi = end;
	if (lo.days > hi.days || lo.days > r->period->last.days)
		return SPM_OK;
	spm_date upto = hi.days < r->period->last.days ? hi : r->period->last;
	if (!r->nseats || strcmp(r->seats[r->nseats - 1].rep, rep) != 0) {
		if ((rc = seat_new(r, rep, cap)))
			return rc;
		seat *s = &r->seats[r->nseats - 1];
		s->from = lo;
		s->to = upto;
	}
	seat *s = &r->seats[r->nseats - 1];
	if (lo.days < s->from.days)
		s->from = lo;
	if (upto.days > s->to.days)
		s->to = upto;
	switch (p->proration) {
	case SPM_PRORATE_DAYS:
		s->on += spm_date_diff(lo, hi) + 1;
		s->of = spm_period_days(w);
		break;
	case SPM_PRORATE_MONTHS:
		s->on += months_on(w, lo, hi);
		s->of = months_in(w);
		break;
	case SPM_PRORATE_NONE:
		s->on = s->of = 1;
		break;
	}
	if (s->on > s->of)
		s->on = s->of;
	s->leaves =
	    has_end && end.days >= r->period->first.days && end.days <= r->period->last.days;
	feed(r, rep);
	feed_int(r, lo.days);
	feed_int(r, hi.days);
	return SPM_OK;
}

int spm_run_load_seats(run *r)
{
	spm_stmt *q = NULL;
	size_t cap = 0;
	int rc = spm_stmt_prepare(
	    r->st, &q,
	    "SELECT a.rep_id, a.from_date, a.to_date, p.hire_date, p.end_date FROM assignments a"
	    " JOIN reps p ON p.rep_id = a.rep_id WHERE a.plan = ?1 AND a.from_date <= ?3"
	    " AND (a.to_date IS NULL OR a.to_date >= ?2) AND (?4 IS NULL OR a.rep_id = ?4)"
	    " ORDER BY a.rep_id, a.from_date",
	    r->err);
	if (rc)
		return rc;
	if (spm_bind_str(q, 1, r->plan->name) || spm_bind_date(q, 2, r->window.first) ||
	    spm_bind_date(q, 3, r->period->last) || spm_bind_str(q, 4, r->only_rep))
		rc = nomem(r->err);
	while ((rc == SPM_OK || rc == SPM_ROW) && (rc = spm_stmt_step(q, r->err)) == SPM_ROW)
		rc = add_assignment(r, q, &cap);
	spm_stmt_finalize(q);
	return rc == SPM_DONE ? SPM_OK : rc;
}

/* The seat of rep, or NULL: the seats are in byte order of their reps. */
static seat *seat_of(run *r, const char *rep)
{
	size_t lo = 0, hi = r->nseats;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int order = strcmp(r->seats[mid].rep, rep);
		if (order == 0)
			return &r->seats[mid];
		if (order < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* m × the seat's proration, rounded with the plan's mode. */
int spm_run_prorate(run *r, const seat *s, spm_money m, spm_money *out)
{
	if (s->on == s->of) {
		*out = m;
		return SPM_OK;
	}
	if (spm_money_mul_ratio(out, m, (spm_rate){s->on}, (spm_rate){s->of}, r->plan->rounding))
		return spm_error_set(r->err, SPM_ERANGE, "rep '%s': prorated amount out of range",
		                     s->rep);
	return SPM_OK;
}

/* ---- passes over the store ------------------------------------------------------------------ */

static const char *arena_put(arena *a, const char *text)
{
	if (!text)
		return NULL;
	size_t n = strlen(text) + 1;
	if (!a->nblocks || a->used + n > a->size) {
		size_t size = n > 65536 ? n : 65536;
		char **blocks = realloc(a->blocks, (a->nblocks + 1) * sizeof *blocks);
		if (!blocks)
			return NULL;
		a->blocks = blocks;
		if (!(a->blocks[a->nblocks] = malloc(size)))
			return NULL;
		a->nblocks++;
		a->used = 0;
		a->size = size;
	}
	char *out = a->blocks[a->nblocks - 1] + a->used;
	memcpy(out, text, n);
	a->used += n;
	return out;
}

static void arena_free(arena *a)
{
	for (size_t i = 0; i < a->nblocks; i++)
		free(a->blocks[i]);
	free(a->blocks);
	memset(a, 0, sizeof *a);
}

static const char *arena_copy(run *r, const char *text)
{
	return arena_put(&r->strings, text);
}

void spm_run_kept_free(run *r)
{
	arena_free(&r->strings);
	free(r->kept);
	r->kept = NULL;
	r->nkept = r->capkept = 0;
}

/* Keeps a credit line for the payout line of seat s and `slot` it feeds. */
static int keep_credit(run *r, const seat *s, size_t slot, const char *component,
                       const spm_credit_line *l, spm_money converted)
{
	if (r->nkept == r->capkept) {
		size_t cap = r->capkept ? r->capkept * 2 : 4096;
		kept *more = realloc(r->kept, cap * sizeof *more);
		if (!more)
			return nomem(r->err);
		r->kept = more;
		r->capkept = cap;
	}
	kept *k = &r->kept[r->nkept];
	k->seat = (size_t)(s - r->seats);
	k->slot = slot;
	k->component = component;
	k->deal = arena_copy(r, l->deal_id);
	k->via = l->via_rep ? arena_copy(r, l->via_rep) : NULL;
	k->currency = arena_copy(r, l->currency ? l->currency : r->plan->currency);
	k->role = (int)l->role;
	k->date = l->date.days;
	k->share = l->share.units;
	k->amount = l->amount.units;
	k->converted = converted.units;
	if (!k->deal || !k->currency || (l->via_rep && !k->via))
		return nomem(r->err);
	r->nkept++;
	return SPM_OK;
}

static int cmp_text(const char *a, const char *b)
{
	return a == b ? 0 : !a ? -1 : !b ? 1 : strcmp(a, b);
}

/* Kept credits in seat, slot, date, deal, role and via order: a line's credits are a range. */
static int kept_cmp(const void *pa, const void *pb)
{
	const kept *a = pa, *b = pb;
	int c;
	if (a->seat != b->seat)
		return a->seat < b->seat ? -1 : 1;
	if (a->slot != b->slot)
		return a->slot < b->slot ? -1 : 1;
	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	if ((c = strcmp(a->deal, b->deal)))
		return c;
	if (a->role != b->role)
		return a->role < b->role ? -1 : 1;
	return cmp_text(a->via, b->via);
}

/* The first kept credit of (seat, slot) or after where it would be. */
static size_t kept_find(const run *r, size_t at, size_t slot)
{
	size_t lo = 0, hi = r->nkept;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const kept *k = &r->kept[mid];
		if (k->seat < at || (k->seat == at && k->slot < slot))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Appends the credits of (seat, slot) to r->credits_json, as the array's elements. */
int spm_run_credits_json(run *r, size_t at, size_t slot)
{
	spm_buf *b = &r->credits_json;
	int rc = 0;
	for (size_t i = kept_find(r, at, slot);
	     i < r->nkept && r->kept[i].seat == at && r->kept[i].slot == slot; i++) {
		const kept *k = &r->kept[i];
		char day[SPM_DATE_BUFSZ];
		const char *role = spm_credit_role_name((spm_credit_role)k->role);
		size_t n = spm_date_format(day, sizeof day, (spm_date){k->date});
		rc |= spm_buf_append_str(b, b->len > 1 ? ",[" : "[");
		rc |= spm_buf_append_json_string(b, k->component, strlen(k->component));
		rc |= spm_buf_append_char(b, ',');
		rc |= spm_buf_append_json_string(b, k->deal, strlen(k->deal));
		rc |= spm_buf_append_char(b, ',');
		rc |= spm_buf_append_json_string(b, role, strlen(role));
		rc |= spm_buf_append_char(b, ',');
		if (k->via)
			rc |= spm_buf_append_json_string(b, k->via, strlen(k->via));
		else
			rc |= spm_buf_append_str(b, "null");
		rc |= spm_buf_append_char(b, ',') | spm_buf_append_int(b, k->share);
		rc |= spm_buf_append_str(b, ",\"") | spm_buf_append(b, day, n);
		rc |= spm_buf_append_str(b, "\",") | spm_buf_append_int(b, k->amount);
		rc |= spm_buf_append_char(b, ',');
		rc |= spm_buf_append_json_string(b, k->currency, strlen(k->currency));
		rc |= spm_buf_append_char(b, ',') | spm_buf_append_int(b, k->converted);
		rc |= spm_buf_append_char(b, ']');
	}
	return rc ? nomem(r->err) : SPM_OK;
}

/* Whether v is among w's words (any value when w has none). */
static bool among(const spm_plan_words *w, const char *v)
{
	if (w->n == 0)
		return true;
	for (size_t i = 0; v && i < w->n; i++)
		if (strcmp(w->words[i], v) == 0)
			return true;
	return false;
}

/* Converts a credited amount into the plan's currency, at its day or the period's end. */
static int convert(run *r, const spm_credit_line *l, spm_money amount, spm_money *out)
{
	const spm_plan *p = r->plan;
	const char *cur = l->currency ? l->currency : p->currency;
	spm_date day = p->fx_date == SPM_FX_CLOSE_DATE ? l->date : r->period->last;
	return spm_fx_convert(r->fx, amount, cur, p->currency, day, p->rounding, out, r->err);
}

/* A line's fingerprint: two 64-bit FNV-1a hashes of its fields, mixed (not cryptographic). */
typedef struct fingerprint {
	uint64_t a, b;
} fingerprint;

static void fp_bytes(fingerprint *f, const void *data, size_t n)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < n; i++) {
		f->a = (f->a ^ p[i]) * 0x100000001b3u;
		f->b = (f->b ^ p[i]) * 0x1000193u + 0x9e3779b97f4a7c15u;
	}
}

static void fp_text(fingerprint *f, const char *s)
{
	fp_bytes(f, s ? s : "", strlen(s ? s : "") + 1);
}

static void fp_int(fingerprint *f, int64_t v)
{
	unsigned char b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)((uint64_t)v >> (8 * i));
	fp_bytes(f, b, sizeof b);
}

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/*
 * A credit line into the inputs hash. Passes read the store in no set order (sorting a large
 * pass costs more than the rest of it), so each line's fingerprint is added into sums that do not
 * depend on the order: the same lines, the same hash. The sums then go into the SHA-256.
 */
static void feed_line(run *r, const char *target, const spm_credit_line *l, spm_money converted)
{
	fingerprint f = {0xcbf29ce484222325u, 0x84222325cbf29ce4u};
	fp_text(&f, target);
	fp_text(&f, l->rep_id);
	fp_text(&f, l->deal_id);
	fp_int(&f, l->role);
	fp_text(&f, l->via_rep);
	fp_int(&f, l->share.units);
	fp_int(&f, converted.units);
	fp_int(&f, l->date.days);
	r->lines_sum[0] += mix64(f.a); /* wraps: sums modulo 2^64 */
	r->lines_sum[1] += mix64(f.b);
	r->lines_sum[2] ^= mix64(f.a ^ f.b);
	r->lines_sum[3] += mix64(f.a + 0x9e3779b97f4a7c15u * f.b);
	r->lines_fed++;
}

/* A credit line of a pass shared by components: measured by each whose filters it passes. */
static int credit_components(run *r, seat *s, const spm_credit_line *l)
{
	const spm_plan *p = r->plan;
	bool have_amount = false;
	spm_money amount = {0};
	int rc;

	for (size_t g = 0; g < r->ngroup; g++) {
		size_t k = r->group[g];
		const spm_plan_component *c = &p->components[k];
		const spm_plan_credit *rule = &c->credit;
		spm_money converted;
		if (!among(&rule->types, l->type) || !among(&rule->products, l->product) ||
		    !among(&rule->stages, l->stage))
			continue;
		if (c->measure == SPM_MEASURE_MARGIN) {
			if ((rc = convert(r, l, l->has_margin ? l->margin : (spm_money){0},
			                  &converted)))
				return rc;
		} else {
			if (!have_amount && (rc = convert(r, l, l->amount, &amount)))
				return rc;
			have_amount = true;
			converted = amount;
		}
		if (c->has_deal_cap && converted.units > c->deal_cap.units)
			converted = c->deal_cap;
		spm_measured *m = &s->m[k];
		spm_money add = converted;
		if (c->measure == SPM_MEASURE_COUNT)
			add.units = SPM_MONEY_ONE;
		if (spm_money_add(&m->base, m->base, add))
			return spm_error_set(r->err, SPM_ERANGE,
			                     "rep '%s': credited total out of range", s->rep);
		m->credits++;
		r->target = c->name;
		feed_line(r, c->name, l, converted);
		if ((rc = keep_credit(r, s, k, c->name, l, converted)))
			return rc;
	}
	return SPM_OK;
}

static int on_credit(void *ctx, const spm_credit_line *l)
{
	run *r = ctx;
	seat *s = seat_of(r, l->rep_id);
	spm_money converted;
	int rc;

	if (!s || l->date.days < s->from.days || l->date.days > s->to.days)
		return SPM_OK;
	if (r->fill == FILL_COMPONENT)
		return credit_components(r, s, l);
	if ((rc = convert(r, l, l->amount, &converted)))
		return rc;
	if (r->fill == FILL_BONUS) {
		s->bonus[r->index]++;
	} else {
		if (spm_money_add(&s->team[r->index], s->team[r->index], converted))
			return spm_error_set(r->err, SPM_ERANGE,
			                     "rep '%s': team total out of range", s->rep);
		s->team_lines[r->index]++;
	}
	feed_line(r, r->target, l, converted);
	return keep_credit(r, s, r->slot, r->target, l, converted);
}

static int on_activities(void *ctx, const char *rep, int64_t count)
{
	run *r = ctx;
	seat *s = seat_of(r, rep);
	if (!s)
		return SPM_OK;
	spm_measured *m = &s->m[r->index];
	if (spm_money_from_int(&m->base, count))
		return spm_error_set(r->err, SPM_ERANGE, "rep '%s': activities out of range", rep);
	m->credits = count;
	feed(r, rep);
	feed_int(r, count);
	return SPM_OK;
}

/*
 * A pass over a large store reads its deals on two connections at once, each a half of the table
 * by row, on threads of their own: the lines are copied out, then credited here in the order the
 * halves come (crediting sums, so the order changes nothing).
 */
typedef struct scanned {
	const char *rep, *deal, *currency, *via, *type, *product, *stage;
	int role;
	bool has_margin;
	int32_t date;
	int64_t share, deal_amount, amount, margin;
} scanned;

typedef struct scan {
	const char *path;
	spm_credit_query q;
	scanned *v;
	size_t n, cap;
	arena strings;
	spm_error err;
	int rc;
} scan;

#define SCAN_SPLIT_MIN 2 /* deals at least, for two connections */

static int scan_line(void *ctx, const spm_credit_line *l)
{
	scan *sc = ctx;
	if (sc->n == sc->cap) {
		size_t cap = sc->cap ? sc->cap * 2 : 4096;
		scanned *more = realloc(sc->v, cap * sizeof *more);
		if (!more)
			return spm_error_set(&sc->err, SPM_ENOMEM, "out of memory");
		sc->v = more;
		sc->cap = cap;
	}
	scanned *c = &sc->v[sc->n];
	arena *a = &sc->strings;
	c->rep = arena_put(a, l->rep_id);
	c->deal = arena_put(a, l->deal_id);
	c->currency = arena_put(a, l->currency);
	c->via = arena_put(a, l->via_rep);
	c->type = arena_put(a, l->type);
	c->product = arena_put(a, l->product);
	c->stage = arena_put(a, l->stage);
	if (!c->rep || !c->deal || (l->currency && !c->currency) || (l->via_rep && !c->via) ||
	    (l->type && !c->type) || (l->product && !c->product) || (l->stage && !c->stage))
		return spm_error_set(&sc->err, SPM_ENOMEM, "out of memory");
	c->role = (int)l->role;
	c->has_margin = l->has_margin;
	c->date = l->date.days;
	c->share = l->share.units;
	c->deal_amount = l->deal_amount.units;
	c->amount = l->amount.units;
	c->margin = l->margin.units;
	sc->n++;
	return SPM_OK;
}

static void *scan_main(void *arg)
{
	scan *sc = arg;
	spm_store *st = NULL;
	/* one pass reads each page once: a small cache does, and keeps the memory down */
	if ((sc->rc = spm_store_open(&st, sc->path, SPM_STORE_READONLY, &sc->err)) == SPM_OK &&
	    (sc->rc = spm_store_exec(st, "PRAGMA cache_size = -2048", &sc->err)) == SPM_OK)
		sc->rc = spm_credits_ex(st, &sc->q, scan_line, sc, &sc->err);
	spm_store_close(st);
	return NULL;
}

static void scan_free(scan *sc)
{
	free(sc->v);
	arena_free(&sc->strings);
}

/* The query over both halves of the deals, in parallel; then each line through on_credit. */
static int credit_halves(run *r, const spm_credit_query *q, int64_t lo, int64_t hi)
{
	scan sc[2];
	pthread_t thread[2];
	bool started[2] = {false, false};
	int rc = SPM_OK;

	memset(sc, 0, sizeof sc);
	for (int i = 0; i < 2; i++) {
		sc[i].path = spm_store_path(r->st);
		sc[i].q = *q;
		sc[i].q.rowid_from = i == 0 ? lo : lo + (hi - lo) / 2 + 1;
		sc[i].q.rowid_to = i == 0 ? lo + (hi - lo) / 2 : hi;
		started[i] = pthread_create(&thread[i], NULL, scan_main, &sc[i]) == 0;
		if (!started[i])
			scan_main(&sc[i]); /* no thread: read the half here */
	}
	for (int i = 0; i < 2; i++)
		if (started[i])
			pthread_join(thread[i], NULL);
	for (int i = 0; i < 2 && rc == SPM_OK; i++) {
		if (sc[i].rc) {
			*r->err = sc[i].err;
			rc = sc[i].rc;
			break;
		}
		for (size_t k = 0; k < sc[i].n && rc == SPM_OK; k++) {
			const scanned *c = &sc[i].v[k];
			spm_credit_line l = {.rep_id = c->rep,
			                     .deal_id = c->deal,
			                     .role = (spm_credit_role)c->role,
			                     .share = {c->share},
			                     .deal_amount = {c->deal_amount},
			                     .amount = {c->amount},
			                     .has_margin = c->has_margin,
			                     .margin = {c->margin},
			                     .currency = c->currency,
			                     .date = {c->date},
			                     .via_rep = c->via,
			                     .type = c->type,
			                     .product = c->product,
			                     .stage = c->stage};
			rc = on_credit(r, &l);
		}
	}
	scan_free(&sc[0]);
	scan_free(&sc[1]);
	return rc;
}

/* Credits every seat by `rule` over [first, last] into what r->fill says. */
static int credit_pass(run *r, const spm_plan_credit *rule, spm_date first, spm_date last,
                       bool team_direct_only)
{
	spm_credit_query q = {.rule = rule,
	                      .first = first,
	                      .last = last,
	                      .rep_id = r->only_rep,
	                      .mode = r->plan->rounding,
	                      .team_direct_only = team_direct_only,
	                      .any_order = true};
	int rc;
	memset(r->lines_sum, 0, sizeof r->lines_sum);
	r->lines_fed = 0;
	int64_t lo = 0, hi = 0;
	if (!r->only_rep && (rc = spm_credit_deal_rows(r->st, &lo, &hi, r->err)))
		return rc;
	if (!r->only_rep && !r->one_connection && hi - lo + 1 >= SCAN_SPLIT_MIN)
		rc = credit_halves(r, &q, lo, hi);
	else
		rc = spm_credits_ex(r->st, &q, on_credit, r, r->err);
	for (int lane = 0; lane < 4; lane++)
		feed_int(r, (int64_t)r->lines_sum[lane]);
	feed_int(r, r->lines_fed);
	return rc;
}

/* Every seat's quota of component k for the window, converted and prorated. */
static int quota_pass(run *r, size_t k)
{
	const spm_plan *p = r->plan;
	const spm_plan_component *c = &p->components[k];
	char name[SPM_PERIOD_BUFSZ];
	spm_stmt *q = NULL;
	int rc;

	spm_period_format(name, sizeof name, &r->window);
	if ((rc = spm_stmt_prepare(
	         r->st, &q,
	         "SELECT scope_id, amount, currency FROM quotas WHERE scope = 'rep'"
	         " AND period_first = ?1 AND period_last = ?3 AND metric = ?2"
	         " ORDER BY scope_id",
	         r->err)))
		return rc;
	if (spm_bind_date(q, 1, r->window.first) || spm_bind_str(q, 2, c->quota) ||
	    spm_bind_date(q, 3, r->window.last))
		rc = nomem(r->err);
	while ((rc == SPM_OK || rc == SPM_ROW) && (rc = spm_stmt_step(q, r->err)) == SPM_ROW) {
		seat *s = seat_of(r, spm_stmt_text(q, 0, NULL));
		if (!s)
			continue;
		spm_money quota = {spm_stmt_int64(q, 1)};
		const char *cur = spm_stmt_is_null(q, 2) ? p->currency : spm_stmt_text(q, 2, NULL);
		if ((rc = spm_fx_convert(r->fx, quota, cur, p->currency, r->period->last,
		                         p->rounding, &quota, r->err)) ||
		    (rc = spm_run_prorate(r, s, quota, &s->m[k].quota)))
			break;
		s->m[k].has_quota = true;
		feed(r, s->rep);
		feed_int(r, s->m[k].quota.units);
	}
	spm_stmt_finalize(q);
	if (rc != SPM_DONE)
		return rc;
	for (size_t i = 0; i < r->nseats; i++)
		if (!r->seats[i].m[k].has_quota)
			return spm_error_set(r->err, SPM_EDATA, "rep '%s' has no '%s' quota for %s",
			                     r->seats[i].rep, c->quota, name);
	return SPM_OK;
}

int spm_run_component_index(const spm_plan *p, const char *name)
{
	for (size_t k = 0; k < p->ncomponents; k++)
		if (strcmp(p->components[k].name, name) == 0)
			return (int)k;
	return -1;
}

/* What each seat was paid to date in the window's earlier periods, per component. */
static int paid_pass(run *r)
{
	spm_stmt *q = NULL;
	int rc = spm_stmt_prepare(
	    r->st, &q,
	    "SELECT l.rep_id, l.component, sum(l.amount) FROM payout_lines l"
	    " JOIN runs n ON n.run_id = l.run_id WHERE l.plan = ?1 AND l.kind = 'commission'"
	    " AND n.period_first >= ?2 AND n.period_last < ?3"
	    " GROUP BY l.rep_id, l.component ORDER BY l.rep_id, l.component",
	    r->err);
	if (rc)
		return rc;
	if (spm_bind_str(q, 1, r->plan->name) || spm_bind_date(q, 2, r->window.first) ||
	    spm_bind_date(q, 3, r->period->first))
		rc = nomem(r->err);
	while ((rc == SPM_OK || rc == SPM_ROW) && (rc = spm_stmt_step(q, r->err)) == SPM_ROW) {
		seat *s = seat_of(r, spm_stmt_text(q, 0, NULL));
		if (!s)
			continue;
		int k = spm_stmt_is_null(q, 1)
		            ? (int)r->plan->ncomponents
		            : spm_run_component_index(r->plan, spm_stmt_text(q, 1, NULL));
		if (k < 0)
			continue; /* a component the plan no longer has */
		s->paid[k].units = spm_stmt_int64(q, 2);
		feed(r, s->rep);
		feed_int(r, k);
		feed_int(r, s->paid[k].units);
	}
	spm_stmt_finalize(q);
	return rc == SPM_DONE ? SPM_OK : rc;
}

/* Each seat's ledger balances before the period: carried negative pay and recoverable draws. */
static int balance_pass(run *r)
{
	spm_stmt *q = NULL;
	int rc = spm_stmt_prepare(
	    r->st, &q,
	    "SELECT g.rep_id, g.kind = 'carry' OR g.kind = 'clawback', sum(g.amount) FROM ledger g"
	    " JOIN runs n ON n.run_id = g.run_id WHERE g.plan = ?1 AND n.period_last < ?2"
	    " GROUP BY 1, 2 ORDER BY 1, 2",
	    r->err);
	if (rc)
		return rc;
	if (spm_bind_str(q, 1, r->plan->name) || spm_bind_date(q, 2, r->period->first))
		rc = nomem(r->err);
	while ((rc == SPM_OK || rc == SPM_ROW) && (rc = spm_stmt_step(q, r->err)) == SPM_ROW) {
		seat *s = seat_of(r, spm_stmt_text(q, 0, NULL));
		if (!s)
			continue;
		spm_money v = {spm_stmt_int64(q, 2)};
		if (spm_stmt_int64(q, 1))
			s->carried = v;
		else
			s->drawn = v;
		feed(r, s->rep);
		feed_int(r, v.units);
	}
	spm_stmt_finalize(q);
	return rc == SPM_DONE ? SPM_OK : rc;
}

static bool same_words(const spm_plan_words *a, const spm_plan_words *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->words[i], b->words[i]) != 0)
			return false;
	return true;
}

/* Whether two rules read the same lines of the store, but for their type, product and stage. */
static bool same_pass(const spm_plan_credit *a, const spm_plan_credit *b)
{
	if (a->statuses != b->statuses || a->roles != b->roles || a->date != b->date ||
	    a->has_window != b->has_window || a->nwhere != b->nwhere)
		return false;
	if (a->has_window &&
	    (a->window_from.days != b->window_from.days || a->window_to.days != b->window_to.days))
		return false;
	for (size_t i = 0; i < a->nwhere; i++)
		if (strcmp(a->where[i].field, b->where[i].field) != 0 ||
		    !same_words(&a->where[i].values, &b->where[i].values))
			return false;
	return true;
}

static const spm_plan_words *rule_words(const spm_plan_component *c, int which)
{
	return which == 0 ? &c->credit.types : which == 1 ? &c->credit.products : &c->credit.stages;
}

/*
 * The components from k on whose rules read the same lines as k's (not yet measured, not
 * measuring activities) go into r->group, marked done, to be measured by one pass: the rule
 * `merged`, whose type, product and stage lists are the union of theirs, or none (any value)
 * when one of them has none. The words are owned by *words.
 */
static int group_pass(run *r, size_t k, bool *done, spm_plan_credit *merged, const char ***words)
{
	const spm_plan *p = r->plan;
	size_t total = 0, at[3] = {0}, n[3] = {0};

	r->ngroup = 0;
	for (size_t j = k; j < p->ncomponents && r->ngroup < SPM_RUN_MAX_GROUP; j++) {
		const spm_plan_component *c = &p->components[j];
		if (done[j] || c->measure == SPM_MEASURE_ACTIVITIES ||
		    !same_pass(&p->components[k].credit, &c->credit))
			continue;
		done[j] = true;
		r->group[r->ngroup++] = j;
		for (int w = 0; w < 3; w++)
			total += rule_words(c, w)->n;
	}
	if (!(*words = malloc((total ? total : 1) * sizeof **words)))
		return nomem(r->err);
	size_t used = 0;
	for (int w = 0; w < 3; w++) {
		bool any = false;
		at[w] = used;
		for (size_t g = 0; g < r->ngroup; g++) {
			const spm_plan_words *list = rule_words(&p->components[r->group[g]], w);
			any |= list->n == 0;
			for (size_t i = 0; i < list->n; i++)
				(*words)[used++] = list->words[i];
		}
		n[w] = any ? 0 : used - at[w];
	}
	*merged = p->components[k].credit;
	merged->types = (spm_plan_words){*words + at[0], n[0]};
	merged->products = (spm_plan_words){*words + at[1], n[1]};
	merged->stages = (spm_plan_words){*words + at[2], n[2]};
	return SPM_OK;
}

void spm_run_measures_free(run_measures *m)
{
	if (!m)
		return;
	free(m->base);
	free(m->credits);
	free(m->bonus);
	free(m->team);
	free(m->team_lines);
	memset(m, 0, sizeof *m);
}

/* The one seat's measures from an earlier run of the rep, or into the cache for later ones. */
static int measures_keep(run *r, bool restore)
{
	const spm_plan *p = r->plan;
	run_measures *c = r->measures;
	seat *s = &r->seats[0];
	if (!restore) {
		c->base = calloc(p->ncomponents + 1, sizeof *c->base);
		c->credits = calloc(p->ncomponents + 1, sizeof *c->credits);
		c->bonus = calloc(p->nbonuses + 1, sizeof *c->bonus);
		c->team = calloc(p->noverrides + 1, sizeof *c->team);
		c->team_lines = calloc(p->noverrides + 1, sizeof *c->team_lines);
		if (!c->base || !c->credits || !c->bonus || !c->team || !c->team_lines) {
			spm_run_measures_free(c);
			return nomem(r->err);
		}
		c->filled = true;
	}
	for (size_t k = 0; k < p->ncomponents; k++) {
		if (restore) {
			s->m[k].base = c->base[k];
			s->m[k].credits = c->credits[k];
		} else {
			c->base[k] = s->m[k].base;
			c->credits[k] = s->m[k].credits;
		}
	}
	for (size_t k = 0; k < p->nbonuses; k++) {
		if (restore)
			s->bonus[k] = c->bonus[k];
		else
			c->bonus[k] = s->bonus[k];
	}
	for (size_t k = 0; k < p->noverrides; k++) {
		if (restore) {
			s->team[k] = c->team[k];
			s->team_lines[k] = c->team_lines[k];
		} else {
			c->team[k] = s->team[k];
			c->team_lines[k] = s->team_lines[k];
		}
	}
	return SPM_OK;
}

static int measure_passes(run *r);

int spm_run_measure_plan(run *r)
{
	const spm_plan *p = r->plan;
	bool cached = r->measures && r->nseats == 1;
	int rc;

	if (cached && r->measures->filled)
		rc = measures_keep(r, true);
	else if (!(rc = measure_passes(r)) && cached)
		rc = measures_keep(r, false);
	for (size_t k = 0; k < p->ncomponents && !rc; k++)
		if (p->components[k].quota)
			rc = quota_pass(r, k);
	if (rc || (p->evaluation != SPM_EVAL_PERIOD && (rc = paid_pass(r))) ||
	    (rc = balance_pass(r)))
		return rc;
	if (r->nkept)
		qsort(r->kept, r->nkept, sizeof *r->kept, kept_cmp);
	if (r->extra.units && r->nseats && r->extra_comp < p->ncomponents) {
		spm_measured *m = &r->seats[0].m[r->extra_comp];
		if (spm_money_add(&m->base, m->base, r->extra))
			return spm_error_set(r->err, SPM_ERANGE, "more sales out of range");
	}
	return SPM_OK;
}

/* The passes over the store: credits per component group, per-deal bonuses, overrides. */
static int measure_passes(run *r)
{
	const spm_plan *p = r->plan;
	int rc;

	bool *done = calloc(p->ncomponents + 1, sizeof *done);
	if (!done)
		return nomem(r->err);
	rc = SPM_OK;
	for (size_t k = 0; k < p->ncomponents && !rc; k++) {
		const spm_plan_component *c = &p->components[k];
		if (done[k])
			continue;
		r->fill = FILL_COMPONENT;
		r->target = c->name;
		if (c->measure == SPM_MEASURE_ACTIVITIES) {
			r->index = k;
			feed(r, c->name);
			rc = spm_activity_counts(r->st, &c->activity_kinds, r->window.first,
			                         r->period->last, r->only_rep, on_activities, r,
			                         r->err);
			continue;
		}
		spm_plan_credit merged;
		const char **words = NULL;
		if (!(rc = group_pass(r, k, done, &merged, &words)))
			rc = credit_pass(r, &merged, r->window.first, r->period->last, false);
		free(words);
	}
	free(done);
	if (rc)
		return rc;
	r->fill = FILL_BONUS;
	for (size_t k = 0; k < p->nbonuses; k++) {
		r->index = k;
		r->slot = p->ncomponents + p->noverrides + k;
		r->target = p->bonuses[k].name;
		if (p->bonuses[k].kind == SPM_BONUS_PER_DEAL &&
		    (rc = credit_pass(r, &p->bonuses[k].credit, r->period->first, r->period->last,
		                      false)))
			return rc;
	}
	r->fill = FILL_TEAM;
	for (size_t k = 0; k < p->noverrides; k++) {
		const spm_plan_override *o = &p->overrides[k];
		spm_plan_credit rule = o->credit;
		rule.roles = SPM_CREDIT_TEAM;
		r->index = k;
		r->slot = p->ncomponents + k;
		r->target = o->name;
		if ((rc = credit_pass(r, &rule, r->period->first, r->period->last, !o->all_levels)))
			return rc;
	}
	return SPM_OK;
}
