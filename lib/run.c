/*
 * run.c - a commission run (see spm/run.h). For each plan: the seats (reps on the plan in the
 * period), then one pass over the store per component, bonus and override that credits every seat
 * at once (the credit lines come ordered by rep, like the seats, so they merge without lookups),
 * the quotas in one query per component, and what was paid to date or is owed in one query each;
 * then each seat is paid (pay.c) and its lines, credits and ledger movements are written.
 *
 * Every input the run reads (plans, seats, credit lines, quotas, paid-to-date, balances) is fed to
 * a SHA-256, so that a run says what it was computed from; the same inputs give the same lines.
 */
#include "spm/run.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pay.h"
#include "run_impl.h"
#include "spm/activity.h"
#include "spm/credit.h"
#include "spm/fx.h"
#include "spm/rates.h"
#include "spm/sha256.h"
#include "util.h"

#define SPM_RUN_MAX_GROUP 16 /* components measured by one pass over the store, at most */

/* A rep on a plan in the period: the days on it, and what was measured for it. */
typedef struct seat {
	char *rep;
	spm_date from, to;   /* on the plan, within [window first, period last]: credits count */
	int64_t on, of;      /* proration: days (or months) on the plan / in the window */
	bool leaves;         /* the rep's last day falls in the period */
	spm_measured *m;     /* per component */
	spm_money *paid;     /* per component, and [ncomponents] the weighted line: paid to date */
	int64_t *bonus;      /* per bonus: qualifying credit lines */
	spm_money *team;     /* per override: the team's credited amount */
	int64_t *team_lines; /* per override: its credit lines */
	spm_money carried, drawn; /* ledger balances before the period (<= 0 when owed) */
} seat;

/* A credit kept for the line it feeds, written with it (payout_lines.credits). */
typedef struct kept {
	size_t seat;           /* its seat's index */
	size_t slot;           /* component k; override: ncomponents + k; bonus: + noverrides */
	const char *component; /* the component, override or bonus (the plan's text) */
	const char *deal, *via, *currency; /* in the run's string arena */
	int role;
	int32_t date;
	int64_t share, amount, converted;
} kept;

/* Strings that live as long as a plan's pay: bump-allocated in large blocks. */
typedef struct arena {
	char **blocks;
	size_t nblocks;
	size_t used, size; /* in the last block */
} arena;

typedef struct run {
	spm_store *st;
	const spm_period *period;
	spm_period window; /* the evaluation window: the period, or its quarter or year to date */
	spm_fx *fx;
	spm_sha256 inputs;
	spm_stmt *line, *ledger, *claw;
	int claw_rc; /* the clawback statement's last step */
	int64_t run_id;
	spm_buf explain;
	spm_payout_fn fn;
	void *ctx;
	spm_run_summary *sum;
	spm_error *err;
	/* the plan being paid and its seats */
	const spm_plan *plan;
	const char *hash;
	seat *seats;
	size_t nseats;
	kept *kept;
	size_t nkept, capkept;
	arena strings;
	spm_buf credits_json;  /* a line's credits, as written */
	size_t slot;           /* the slot the current pass keeps credits in (bonus, override) */
	uint64_t lines_sum[4]; /* the credit lines of a pass, hashed in any order */
	int64_t lines_fed;
	/* what the current pass fills */
	const char *target;              /* component, bonus or override name */
	size_t group[SPM_RUN_MAX_GROUP]; /* the components a pass measures */
	size_t ngroup;
	size_t index; /* a bonus's or override's index */
	enum { FILL_COMPONENT, FILL_BONUS, FILL_TEAM } fill;
	/* what-if: one rep only, with more credited to one component (solve) */
	const char *only_rep;
	run_measures *measures;
	size_t extra_comp;
	spm_money extra;
	/* closed periods restated in this run, for the plan being paid */
	struct restated *restated;
	size_t nrestated;
} run;

/* A closed period's pay recomputed on today's data, less what was paid for it: per rep. */
typedef struct restated {
	char period[SPM_PERIOD_BUFSZ];
	char **reps;
	spm_money *diff;
	size_t n;
} restated;

static int nomem(spm_error *err)
{
	return spm_error_set(err, SPM_ENOMEM, "out of memory");
}

static void feed(run *r, const char *s)
{
	spm_sha256_update(&r->inputs, s ? s : "", strlen(s ? s : "") + 1);
}

static void feed_int(run *r, int64_t v)
{
	/* eight bytes, least significant first: the same hash on every machine */
	unsigned char b[8];
	uint64_t u = (uint64_t)v;
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(u >> (8 * i));
	spm_sha256_update(&r->inputs, b, sizeof b);
}

static int bind_date(spm_stmt *s, int i, spm_date d)
{
	char buf[SPM_DATE_BUFSZ];
	size_t n = spm_date_format(buf, sizeof buf, d);
	return spm_stmt_bind_text(s, i, buf, n);
}

static int bind_str(spm_stmt *s, int i, const char *v)
{
	return v ? spm_stmt_bind_text(s, i, v, strlen(v)) : spm_stmt_bind_null(s, i);
}

static int read_date(spm_stmt *s, int col, spm_date *out, bool *has, spm_error *err)
{
	size_t n;
	*has = !spm_stmt_is_null(s, col);
	if (!*has)
		return SPM_OK;
	const char *t = spm_stmt_text(s, col, &n);
	if (spm_date_parse(out, t, n, NULL, NULL))
		return spm_error_set(err, SPM_ESTORE, "the store holds a bad date: '%s'", t);
	return SPM_OK;
}

/* Runs sql with ?1 = a, ?2 = b (either may be NULL: not bound); *id gets column 0 of a row. */
static int exec_bound(spm_store *st, const char *sql, const char *a, const char *b, int64_t *id,
                      spm_error *err)
{
	spm_stmt *s = NULL;
	int rc = spm_stmt_prepare(st, &s, sql, err);
	if (rc)
		return rc;
	if ((a && spm_stmt_bind_text(s, 1, a, strlen(a))) ||
	    (b && spm_stmt_bind_text(s, 2, b, strlen(b))))
		rc = nomem(err);
	else if ((rc = spm_stmt_step(s, err)) >= 0) {
		if (id)
			*id = rc == SPM_ROW ? spm_stmt_int64(s, 0) : 0;
		rc = SPM_OK;
	}
	spm_stmt_finalize(s);
	return rc;
}

/* ---- the seats ------------------------------------------------------------------------------ */

static void seats_free(run *r)
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

	if ((rc = read_date(q, 1, &from, &has, r->err)) ||
	    (rc = read_date(q, 2, &to, &has_to, r->err)) ||
	    (rc = read_date(q, 3, &hire, &has_hire, r->err)) ||
	    (rc = read_date(q, 4, &end, &has_end, r->err)))
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

static int load_seats(run *r)
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
	if (bind_str(q, 1, r->plan->name) || bind_date(q, 2, r->window.first) ||
	    bind_date(q, 3, r->period->last) || bind_str(q, 4, r->only_rep))
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
static int prorate(run *r, const seat *s, spm_money m, spm_money *out)
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

static void kept_free(run *r)
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
static int credits_json(run *r, size_t at, size_t slot)
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
	if (!r->only_rep && hi - lo + 1 >= SCAN_SPLIT_MIN)
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
	if (bind_date(q, 1, r->window.first) || bind_str(q, 2, c->quota) ||
	    bind_date(q, 3, r->window.last))
		rc = nomem(r->err);
	while ((rc == SPM_OK || rc == SPM_ROW) && (rc = spm_stmt_step(q, r->err)) == SPM_ROW) {
		seat *s = seat_of(r, spm_stmt_text(q, 0, NULL));
		if (!s)
			continue;
		spm_money quota = {spm_stmt_int64(q, 1)};
		const char *cur = spm_stmt_is_null(q, 2) ? p->currency : spm_stmt_text(q, 2, NULL);
		if ((rc = spm_fx_convert(r->fx, quota, cur, p->currency, r->period->last,
		                         p->rounding, &quota, r->err)) ||
		    (rc = prorate(r, s, quota, &s->m[k].quota)))
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

static int component_index(const spm_plan *p, const char *name)
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
	if (bind_str(q, 1, r->plan->name) || bind_date(q, 2, r->window.first) ||
	    bind_date(q, 3, r->period->first))
		rc = nomem(r->err);
	while ((rc == SPM_OK || rc == SPM_ROW) && (rc = spm_stmt_step(q, r->err)) == SPM_ROW) {
		seat *s = seat_of(r, spm_stmt_text(q, 0, NULL));
		if (!s)
			continue;
		int k = spm_stmt_is_null(q, 1)
		            ? (int)r->plan->ncomponents
		            : component_index(r->plan, spm_stmt_text(q, 1, NULL));
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
	if (bind_str(q, 1, r->plan->name) || bind_date(q, 2, r->period->first))
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

static int measure_plan(run *r)
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

/* ---- the lines of a seat -------------------------------------------------------------------- */

typedef struct line {
	const char *component, *kind, *reference, *reason;
	spm_money amount;
	const spm_measured *m;
	const spm_earned *e;
	size_t slots; /* its credits: those of slot `slot`, or of slots [0, slots) when not 0 */
	size_t slot;
	bool credited; /* the line has credits behind it */
} line;

static int emit(run *r, seat *s, const line *l, spm_money *total)
{
	const spm_plan *p = r->plan;
	spm_stmt *q = r->line;
	spm_payout out = {s->rep,      p->name,      l->component, l->kind,
	                  0,           {0},          false,        {0},
	                  {0},         {0},          {0},          l->amount,
	                  p->currency, l->reference, l->reason,    r->explain.data};
	int rc;

	if (l->m) {
		out.credits = l->m->credits;
		out.base = l->m->base;
		out.has_quota = l->m->has_quota;
		out.quota = l->m->quota;
	}
	if (l->e) {
		out.attainment = l->e->attainment;
		out.earned = l->e->earned;
		out.cut = l->e->cut;
	}
	if (spm_money_add(total, *total, l->amount))
		return spm_error_set(r->err, SPM_ERANGE, "rep '%s': total pay out of range",
		                     s->rep);
	spm_stmt_reset(q);
	rc = spm_stmt_bind_int64(q, 1, r->run_id);
	rc |= bind_str(q, 2, s->rep);
	rc |= spm_stmt_bind_text(q, 3, r->hash, 64);
	rc |= bind_str(q, 4, p->name);
	rc |= bind_str(q, 5, l->component);
	rc |= bind_str(q, 6, l->kind);
	rc |= spm_stmt_bind_int64(q, 7, l->amount.units);
	rc |= spm_stmt_bind_text(q, 8, p->currency, 3);
	rc |= l->m ? spm_stmt_bind_int64(q, 9, l->m->base.units) : spm_stmt_bind_null(q, 9);
	rc |= l->e ? spm_stmt_bind_int64(q, 10, l->e->capped.units) : spm_stmt_bind_null(q, 10);
	rc |= bind_str(q, 11, l->reference);
	rc |= bind_str(q, 12, l->reason);
	rc |= spm_stmt_bind_text(q, 13, r->explain.data, r->explain.len);
	if (l->credited) {
		size_t at = (size_t)(s - r->seats);
		spm_buf_clear(&r->credits_json);
		if (spm_buf_append_char(&r->credits_json, '['))
			return nomem(r->err);
		for (size_t k = l->slots ? 0 : l->slot; k < (l->slots ? l->slots : l->slot + 1);
		     k++)
			if ((rc = credits_json(r, at, k)))
				return rc;
		if (spm_buf_append_char(&r->credits_json, ']'))
			return nomem(r->err);
		rc = spm_stmt_bind_text(q, 14, r->credits_json.data, r->credits_json.len);
	} else {
		rc |= spm_stmt_bind_null(q, 14);
	}
	if (rc)
		return nomem(r->err);
	if ((rc = spm_stmt_step(q, r->err)) < 0)
		return rc;
	r->sum->lines++;
	return r->fn ? r->fn(r->ctx, &out) : SPM_OK;
}

static int ledger(run *r, seat *s, const char *kind, spm_money amount, const char *note)
{
	spm_stmt *q = r->ledger;
	char name[SPM_PERIOD_BUFSZ];
	int rc;
	if (amount.units == 0)
		return SPM_OK;
	spm_period_format(name, sizeof name, r->period);
	spm_stmt_reset(q);
	rc = bind_str(q, 1, s->rep);
	rc |= bind_str(q, 2, name);
	rc |= bind_str(q, 3, kind);
	rc |= spm_stmt_bind_int64(q, 4, amount.units);
	rc |= spm_stmt_bind_text(q, 5, r->plan->currency, 3);
	rc |= spm_stmt_bind_int64(q, 6, r->run_id);
	rc |= bind_str(q, 7, note);
	rc |= bind_str(q, 8, r->plan->name);
	if (rc)
		return nomem(r->err);
	return (rc = spm_stmt_step(q, r->err)) < 0 ? rc : SPM_OK;
}

/* Rounds a line's amount to the plan's place when the plan rounds each line. */
static int round_line(run *r, spm_money in, spm_money *out)
{
	const spm_plan *p = r->plan;
	if (p->rounding_on != SPM_ROUND_EACH_LINE) {
		*out = in;
		return SPM_OK;
	}
	if (spm_money_round(out, in, p->rounding_places, p->rounding))
		return spm_error_set(r->err, SPM_ERANGE, "pay out of range");
	return SPM_OK;
}

static int explain_open(run *r)
{
	spm_buf_clear(&r->explain);
	return spm_buf_append_char(&r->explain, '{') ? nomem(r->err) : SPM_OK;
}

static int explain_close(run *r)
{
	const spm_plan *p = r->plan;
	if (spm_buf_printf(&r->explain, "%s\"rounding\":\"%s to %d places%s\"}",
	                   r->explain.len > 1 ? "," : "", spm_rounding_name(p->rounding),
	                   p->rounding_places,
	                   p->rounding_on == SPM_ROUND_TOTAL ? " on the total" : ""))
		return nomem(r->err);
	return SPM_OK;
}

static int explain_money(run *r, const char *key, spm_money m)
{
	char v[SPM_NUM_BUFSZ];
	spm_money_format(v, sizeof v, m, 2);
	return spm_buf_json_member(&r->explain, key, v) ? nomem(r->err) : SPM_OK;
}

/* Pay = what the window earned, less what its earlier periods paid: the true-up. */
static int commission(run *r, seat *s, const char *component, size_t slot, const spm_measured *m,
                      const spm_earned *e, spm_money *total)
{
	spm_money earned, pay;
	int rc;
	if ((rc = round_line(r, e->capped, &earned)))
		return rc;
	if (spm_money_sub(&pay, earned, s->paid[slot]))
		return spm_error_set(r->err, SPM_ERANGE, "rep '%s': pay out of range", s->rep);
	if (r->plan->evaluation != SPM_EVAL_PERIOD &&
	    ((rc = explain_money(r, "earned_to_date", earned)) ||
	     (rc = explain_money(r, "paid_to_date", s->paid[slot]))))
		return rc;
	if ((rc = explain_close(r)))
		return rc;
	const size_t n = r->plan->ncomponents;
	line l = {.component = component,
	          .kind = "commission",
	          .amount = pay,
	          .m = m,
	          .e = e,
	          .slots = slot == n ? n : 0,
	          .slot = slot,
	          .credited = true};
	return emit(r, s, &l, total);
}

static int pay_components(run *r, seat *s, spm_earned *earned, spm_money *total)
{
	const spm_plan *p = r->plan;
	int rc;

	for (size_t k = 0; k < p->ncomponents; k++) {
		const spm_plan_component *c = &p->components[k];
		spm_measured *m = &s->m[k];
		if (c->pay == SPM_PAY_CURVE) {
			spm_money target = c->curve.target;
			if (!c->curve.has_target && spm_money_mul_rate(&target, p->target_incentive,
			                                               c->weight, p->rounding))
				return spm_error_set(r->err, SPM_ERANGE, "target out of range");
			if ((rc = prorate(r, s, target, &m->target)))
				return rc;
		}
		if ((rc = spm_pay_component(p, c, m, &earned[k], r->err))) {
			spm_error_locate(r->err, p->source, c->line, NULL);
			return rc;
		}
		if (c->pay == SPM_PAY_NONE)
			continue;
		if ((rc = explain_open(r)))
			return rc;
		if (spm_pay_explain(&r->explain, c, m, &earned[k]))
			return nomem(r->err);
		if ((rc = commission(r, s, c->name, k, m, &earned[k], total)))
			return rc;
	}
	if (p->curve_on != SPM_CURVE_WEIGHTED)
		return SPM_OK;
	/* the plan's curve on the weighted attainment, paid once */
	spm_rate weighted = {0};
	spm_measured wm = {0};
	spm_earned we = {0};
	if ((rc = explain_open(r)) || spm_buf_append_str(&r->explain, "\"components\":["))
		return rc ? rc : nomem(r->err);
	for (size_t k = 0; k < p->ncomponents; k++) {
		spm_rate part;
		char a[SPM_NUM_BUFSZ], w[SPM_NUM_BUFSZ];
		if (spm_rate_mul(&part, earned[k].attainment, p->components[k].weight,
		                 SPM_ROUND_DOWN) ||
		    __builtin_add_overflow(weighted.units, part.units, &weighted.units))
			return spm_error_set(r->err, SPM_ERANGE,
			                     "weighted attainment out of range");
		spm_rate_format(a, sizeof a, earned[k].attainment, true);
		spm_rate_format(w, sizeof w, p->components[k].weight, true);
		const char *name = p->components[k].name;
		if (spm_buf_append_str(&r->explain, k ? ",{" : "{") ||
		    spm_buf_append_str(&r->explain, "\"component\":") ||
		    spm_buf_append_json_string(&r->explain, name, strlen(name)) ||
		    spm_buf_json_member(&r->explain, "attainment", a) ||
		    spm_buf_json_member(&r->explain, "weight", w) ||
		    spm_buf_append_char(&r->explain, '}'))
			return nomem(r->err);
	}
	spm_money target = p->curve.has_target ? p->curve.target : p->target_incentive;
	if ((rc = prorate(r, s, target, &wm.target)))
		return rc;
	we.attainment = weighted;
	if ((rc = spm_curve_payout(p->curve.points, p->curve.npoints, weighted, p->rounding,
	                           &we.payout, r->err)) ||
	    (rc = spm_curve_pay(p->curve.points, p->curve.npoints, weighted, wm.target, p->rounding,
	                        &we.earned, r->err)))
		return rc;
	we.capped = we.earned;
	char a[SPM_NUM_BUFSZ], po[SPM_NUM_BUFSZ];
	spm_rate_format(a, sizeof a, weighted, true);
	spm_rate_format(po, sizeof po, we.payout, true);
	if (spm_buf_printf(&r->explain, "],\"weighted_attainment\":\"%s\",\"payout\":\"%s\"", a,
	                   po) ||
	    (rc = explain_money(r, "target", wm.target)) ||
	    (rc = explain_money(r, "earned", we.earned)))
		return rc ? rc : nomem(r->err);
	return commission(r, s, NULL, p->ncomponents, &wm, &we, total);
}

static int pay_bonuses(run *r, seat *s, const spm_earned *earned, spm_money *total)
{
	const spm_plan *p = r->plan;
	int rc;
	for (size_t k = 0; k < p->nbonuses; k++) {
		const spm_plan_bonus *b = &p->bonuses[k];
		spm_money amount = {0};
		if (b->component) {
			int c = component_index(p, b->component);
			if (c < 0 || earned[c].attainment.units < b->min_attainment.units)
				continue;
		}
		if (b->kind == SPM_BONUS_FIXED) {
			if (b->has_window && (b->from.days > r->period->last.days ||
			                      b->to.days < r->period->first.days))
				continue;
			amount = b->amount;
			if (b->prorate && (rc = prorate(r, s, amount, &amount)))
				return rc;
		} else if (spm_money_mul_ratio(&amount, b->amount, (spm_rate){s->bonus[k]},
		                               (spm_rate){1}, p->rounding)) {
			return spm_error_set(r->err, SPM_ERANGE, "rep '%s': bonus out of range",
			                     s->rep);
		}
		if (amount.units == 0)
			continue;
		if ((rc = round_line(r, amount, &amount)) || (rc = explain_open(r)))
			return rc;
		if (b->kind == SPM_BONUS_PER_DEAL) {
			if (spm_buf_printf(&r->explain, "\"deals\":%" PRId64, s->bonus[k]) ||
			    (rc = explain_money(r, "per_deal", b->amount)))
				return rc ? rc : nomem(r->err);
		} else if ((rc = explain_money(r, "amount", b->amount))) {
			return rc;
		}
		if (b->component) {
			char v[SPM_NUM_BUFSZ];
			spm_rate_format(v, sizeof v, b->min_attainment, true);
			if (spm_buf_append_str(&r->explain, ",\"when\":") ||
			    spm_buf_append_json_string(&r->explain, b->component,
			                               strlen(b->component)) ||
			    spm_buf_json_member(&r->explain, "at_least", v))
				return nomem(r->err);
		}
		if ((rc = explain_close(r)))
			return rc;
		line l = {.component = b->name,
		          .kind = "bonus",
		          .amount = amount,
		          .slot = p->ncomponents + p->noverrides + k,
		          .credited = b->kind == SPM_BONUS_PER_DEAL};
		if ((rc = emit(r, s, &l, total)))
			return rc;
	}
	return SPM_OK;
}

static int pay_overrides(run *r, seat *s, spm_money *total)
{
	const spm_plan *p = r->plan;
	int rc;
	for (size_t k = 0; k < p->noverrides; k++) {
		const spm_plan_override *o = &p->overrides[k];
		spm_money base = s->team[k], amount;
		if (o->has_above)
			base.units = base.units > o->above.units ? base.units - o->above.units : 0;
		if (spm_money_mul_rate(&amount, base, o->rate, p->rounding))
			return spm_error_set(r->err, SPM_ERANGE, "rep '%s': override out of range",
			                     s->rep);
		if (s->team_lines[k] == 0)
			continue;
		if ((rc = round_line(r, amount, &amount)) || (rc = explain_open(r)) ||
		    (rc = explain_money(r, "team_credited", s->team[k])))
			return rc;
		if (spm_buf_printf(&r->explain, ",\"team_credits\":%" PRId64, s->team_lines[k]))
			return nomem(r->err);
		if (o->has_above && ((rc = explain_money(r, "above", o->above)) ||
		                     (rc = explain_money(r, "paying_base", base))))
			return rc;
		char v[SPM_NUM_BUFSZ];
		spm_rate_format(v, sizeof v, o->rate, true);
		if (spm_buf_printf(&r->explain, ",\"rate\":\"%s\",\"levels\":\"%s\"", v,
		                   o->all_levels ? "all" : "direct"))
			return nomem(r->err);
		if ((rc = explain_close(r)))
			return rc;
		spm_measured m = {base, s->team_lines[k], false, {0}, {0}};
		line l = {.component = o->name,
		          .kind = "override",
		          .amount = amount,
		          .m = &m,
		          .slot = p->ncomponents + k,
		          .credited = true};
		if ((rc = emit(r, s, &l, total)))
			return rc;
	}
	return SPM_OK;
}

/* The plan's cap on the period's commissions, bonuses and overrides: a negative line. */
static int plan_cap(run *r, seat *s, spm_money *total)
{
	const spm_plan *p = r->plan;
	int rc;
	if (!p->has_cap || total->units <= p->cap.units)
		return SPM_OK;
	spm_money cut = {p->cap.units - total->units};
	if ((rc = explain_open(r)) || (rc = explain_money(r, "before_cap", *total)) ||
	    (rc = explain_money(r, "cap", p->cap)) || (rc = explain_close(r)))
		return rc;
	line l = {.kind = "cap", .reason = "the plan's cap per period", .amount = cut};
	return emit(r, s, &l, total);
}

/*
 * Deals cancelled in the period and paid in a period before the window, within the plan's
 * clawback days: the statement is opened once per plan and read along the seats (both in rep
 * order).
 */
static int clawbacks_open(run *r)
{
	const spm_plan *p = r->plan;
	int rc;
	r->claw_rc = SPM_DONE;
	if (!p->has_clawback)
		return SPM_OK;
	/*
	 * Only the runs that can hold a clawed-back credit are read: those of periods before the
	 * window that end no earlier than the clawback days before this period (a credit's day
	 * lies in its run's period); of them, the latest that paid the deal gives the rate.
	 */
	rc = spm_stmt_prepare(
	    r->st, &r->claw,
	    "WITH cancelled AS MATERIALIZED (SELECT deal_id, cancel_date FROM deals"
	    " WHERE cancel_date BETWEEN ?2 AND ?3),"
	    " hits AS MATERIALIZED (SELECT l.rep_id, json_extract(j.value, '$[0]') AS component,"
	    " x.deal_id, json_extract(j.value, '$[2]') AS role,"
	    " json_extract(j.value, '$[8]') AS converted, n.period, n.period_last, l.earned,"
	    " l.base, x.cancel_date FROM runs n"
	    " JOIN payout_lines l ON l.run_id = n.run_id AND l.plan = ?1"
	    " AND l.kind = 'commission' AND l.component IS NOT NULL"
	    " JOIN json_each(l.credits) j" /* SQLite */
	    " JOIN cancelled x ON x.deal_id = json_extract(j.value, '$[1]')"
	    " WHERE n.period_last < ?4 AND n.period_last >= date(?2, '-' || ?5 || ' days')"
	    " AND julianday(x.cancel_date) - julianday(json_extract(j.value, '$[5]')) <= ?5)"
	    " SELECT h.rep_id, h.component, h.deal_id, h.converted, h.period, h.earned, h.base,"
	    " h.cancel_date FROM hits h"
	    " WHERE h.period_last = (SELECT max(g.period_last) FROM hits g"
	    " WHERE g.deal_id = h.deal_id AND g.rep_id = h.rep_id AND g.component = h.component)"
	    " ORDER BY h.rep_id, h.deal_id, h.component, h.role",
	    r->err);
	if (rc)
		return rc;
	if (bind_str(r->claw, 1, p->name) || bind_date(r->claw, 2, r->period->first) ||
	    bind_date(r->claw, 3, r->period->last) || bind_date(r->claw, 4, r->window.first) ||
	    spm_stmt_bind_int64(r->claw, 5, p->clawback_days))
		return nomem(r->err);
	r->claw_rc = spm_stmt_step(r->claw, r->err);
	return r->claw_rc < 0 ? r->claw_rc : SPM_OK;
}

/* One clawback line: the deal's credit at the rate its component earned when it was paid. */
static int clawback(run *r, seat *s, spm_money *total)
{
	const spm_plan *p = r->plan;
	spm_stmt *q = r->claw;
	spm_money credited = {spm_stmt_int64(q, 3)}, earned = {spm_stmt_int64(q, 5)};
	spm_money base = {spm_stmt_int64(q, 6)}, back = {0};
	char ref[512], why[512];
	int rc;

	if (base.units > 0 && spm_money_mul_ratio(&back, credited, (spm_rate){earned.units},
	                                          (spm_rate){base.units}, p->rounding))
		return spm_error_set(r->err, SPM_ERANGE, "rep '%s': clawback out of range", s->rep);
	back.units = -back.units;
	if ((rc = round_line(r, back, &back)))
		return rc;
	snprintf(ref, sizeof ref, "%s:%s:%s", spm_stmt_text(q, 4, NULL), spm_stmt_text(q, 1, NULL),
	         spm_stmt_text(q, 2, NULL));
	snprintf(why, sizeof why, "deal %s cancelled on %s", spm_stmt_text(q, 2, NULL),
	         spm_stmt_text(q, 7, NULL));
	if ((rc = explain_open(r)) || (rc = explain_money(r, "credited", credited)) ||
	    (rc = explain_money(r, "earned_then", earned)) ||
	    (rc = explain_money(r, "base_then", base)) || (rc = explain_close(r)))
		return rc;
	feed(r, ref);
	feed_int(r, back.units);
	line l = {.component = spm_stmt_text(q, 1, NULL),
	          .kind = "clawback",
	          .reference = ref,
	          .reason = why,
	          .amount = back};
	return emit(r, s, &l, total);
}

static int clawbacks(run *r, seat *s, spm_money *total)
{
	int rc;
	while (r->claw_rc == SPM_ROW) {
		int order = strcmp(spm_stmt_text(r->claw, 0, NULL), s->rep);
		if (order > 0)
			break;
		if (order == 0 && (rc = clawback(r, s, total)))
			return rc;
		r->claw_rc = spm_stmt_step(r->claw, r->err);
	}
	return r->claw_rc < 0 ? r->claw_rc : SPM_OK;
}

/* Negative pay carried or paid, draws topped up or recovered, a leaver's balance settled. */
static int settle_seat(run *r, seat *s, spm_money total)
{
	const spm_plan *p = r->plan;
	spm_settle st = {
	    .net = total, .carried = s->carried, .drawn = s->drawn, .leaves = s->leaves};
	int rc;

	if (p->draw.set && (rc = prorate(r, s, p->draw.amount, &st.draw)))
		return rc;
	if ((rc = spm_pay_settle(p, &st, r->err)))
		return rc;
	struct {
		spm_money amount;
		const char *kind, *reason, *ledger_kind;
		int64_t sign;
	} moves[] = {
	    {st.carry_in, "carry", "negative pay carried to the next period", "carry", -1},
	    {st.carry_out, "carry", "negative pay carried from an earlier period", "carry", -1},
	    {st.top_up, "draw", "the draw tops up pay below it", "draw",
	     p->draw.recoverable ? -1 : 0},
	    {st.recovery, "recovery", "an earlier draw recovered", "recovery", -1},
	    {st.settlement, "settlement", "the draw's balance recovered on leaving", "settlement",
	     -1},
	};
	for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++) {
		if (moves[i].amount.units == 0)
			continue;
		if ((rc = explain_open(r)) || (rc = explain_money(r, "net_before", st.net)) ||
		    (rc = explain_money(r, "carried_before", s->carried)) ||
		    (p->draw.set && ((rc = explain_money(r, "draw", st.draw)) ||
		                     (rc = explain_money(r, "drawn_before", s->drawn)))) ||
		    (rc = explain_close(r)))
			return rc;
		line l = {
		    .kind = moves[i].kind, .reason = moves[i].reason, .amount = moves[i].amount};
		spm_money ignored = {0};
		if ((rc = emit(r, s, &l, &ignored)) ||
		    (moves[i].sign &&
		     (rc = ledger(r, s, moves[i].ledger_kind,
		                  (spm_money){moves[i].sign * moves[i].amount.units},
		                  moves[i].reason))))
			return rc;
	}
	if (st.forgiven.units && (rc = ledger(r, s, "settlement", st.forgiven,
	                                      "the draw's balance forgiven on leaving")))
		return rc;
	return SPM_OK;
}

/* The restatement lines of the seat: one per closed period whose pay changed. */
static int restatements(run *r, seat *s, spm_money *total)
{
	int rc;
	for (size_t i = 0; i < r->nrestated; i++) {
		const restated *q = &r->restated[i];
		size_t lo = 0, hi = q->n;
		while (lo < hi) { /* reps are in byte order */
			size_t mid = (lo + hi) / 2;
			if (strcmp(q->reps[mid], s->rep) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == q->n || strcmp(q->reps[lo], s->rep) != 0 || q->diff[lo].units == 0)
			continue;
		char why[128];
		snprintf(why, sizeof why, "%s restated: its data changed after it was closed",
		         q->period);
		if ((rc = explain_open(r)) || (rc = explain_money(r, "difference", q->diff[lo])) ||
		    (rc = explain_close(r)))
			return rc;
		line l = {.kind = "restatement",
		          .reference = q->period,
		          .reason = why,
		          .amount = q->diff[lo]};
		if ((rc = emit(r, s, &l, total)))
			return rc;
	}
	return SPM_OK;
}

/* Lines kept at 4 decimals are brought to the plan's place by one line on the total. */
static int round_total(run *r, seat *s, spm_money *total)
{
	const spm_plan *p = r->plan;
	spm_money rounded;
	int rc;
	if (p->rounding_on != SPM_ROUND_TOTAL)
		return SPM_OK;
	if (spm_money_round(&rounded, *total, p->rounding_places, p->rounding))
		return spm_error_set(r->err, SPM_ERANGE, "rep '%s': pay out of range", s->rep);
	if (rounded.units == total->units)
		return SPM_OK;
	if ((rc = explain_open(r)) || (rc = explain_money(r, "before_rounding", *total)) ||
	    (rc = explain_close(r)))
		return rc;
	line l = {.kind = "rounding",
	          .reason = "the total rounded to the plan's place",
	          .amount = {rounded.units - total->units}};
	return emit(r, s, &l, total);
}

static int pay_seat(run *r, seat *s)
{
	const spm_plan *p = r->plan;
	spm_earned *earned = calloc(p->ncomponents, sizeof *earned);
	spm_money total = {0};
	int rc;

	if (!earned)
		return nomem(r->err);
	if (!(rc = pay_components(r, s, earned, &total)) &&
	    !(rc = pay_bonuses(r, s, earned, &total)) && !(rc = pay_overrides(r, s, &total)) &&
	    !(rc = plan_cap(r, s, &total)) && !(rc = clawbacks(r, s, &total)) &&
	    !(rc = restatements(r, s, &total)) && !(rc = round_total(r, s, &total)))
		rc = settle_seat(r, s, total);
	free(earned);
	return rc;
}

/* The window a plan evaluates in: the period, or the quarter or year to date. */
static int window_of(const spm_plan *p, const spm_period *period, const spm_fiscal *fiscal,
                     spm_period *w, spm_error *err)
{
	spm_period_kind kind = p->evaluation == SPM_EVAL_QUARTER_TO_DATE ? SPM_PERIOD_QUARTER
	                       : p->evaluation == SPM_EVAL_YEAR_TO_DATE  ? SPM_PERIOD_YEAR
	                                                                 : period->kind;
	if (kind <= period->kind) {
		*w = *period;
		return SPM_OK;
	}
	if (spm_period_of(w, period->first, kind, period->fiscal ? fiscal : NULL))
		return spm_error_set(err, SPM_EUSAGE, "no window for the period");
	return SPM_OK;
}

static int restate_periods(run *r, const spm_run_plan *rp, const char *hash,
                           const spm_fiscal *fiscal);
static int insert_run(spm_store *st, const spm_period *period, int64_t *run_id, spm_error *err);

static void restated_free(run *r)
{
	for (size_t i = 0; i < r->nrestated; i++) {
		for (size_t k = 0; k < r->restated[i].n; k++)
			free(r->restated[i].reps[k]);
		free(r->restated[i].reps);
		free(r->restated[i].diff);
	}
	free(r->restated);
	r->restated = NULL;
	r->nrestated = 0;
}

static int pay_plan(run *r, const spm_run_plan *rp, const char *hash, const spm_fiscal *fiscal)
{
	int rc;
	r->plan = rp->plan;
	r->hash = hash;
	if ((rc = window_of(rp->plan, r->period, fiscal, &r->window, r->err)))
		return rc;
	feed(r, hash);
	if (!(rc = restate_periods(r, rp, hash, fiscal)) && !(rc = load_seats(r)) &&
	    !(rc = measure_plan(r)) && !(rc = clawbacks_open(r))) {
		for (size_t i = 0; i < r->nseats && !rc; i++)
			rc = pay_seat(r, &r->seats[i]);
	}
	spm_stmt_finalize(r->claw);
	r->claw = NULL;
	seats_free(r);
	kept_free(r);
	restated_free(r);
	return rc;
}

/* The kinds of line a restatement compares: pay earned, not its settlement. */
#define EARNED_KINDS "('commission', 'bonus', 'override', 'cap', 'clawback', 'rounding')"

/* Appends a rep's difference to q (rows come in rep order). */
static int restated_add(run *r, restated *q, const char *rep, spm_money diff)
{
	char **reps = realloc(q->reps, (q->n + 1) * sizeof *reps);
	if (reps)
		q->reps = reps;
	spm_money *d = realloc(q->diff, (q->n + 1) * sizeof *d);
	if (d)
		q->diff = d;
	if (!reps || !d || !(q->reps[q->n] = strdup(rep)))
		return nomem(r->err);
	q->diff[q->n++] = diff;
	return SPM_OK;
}

/*
 * Recomputes closed period q of the plan on today's data inside a savepoint, as a run of its own
 * that is then rolled back, and keeps per rep what it earns less what was paid for q: its own
 * lines and the restatements of q in later closed runs.
 */
static int restate(run *r, const spm_run_plan *rp, const char *hash, const spm_fiscal *fiscal,
                   const spm_period *q, restated *out)
{
	run sub = *r;
	spm_run_summary sum = {0};
	spm_stmt *s = NULL;
	int rc, undo;

	sub.period = q;
	sub.fn = NULL;
	sub.sum = &sum;
	sub.seats = NULL;
	sub.nseats = 0;
	sub.claw = NULL;
	sub.restated = NULL;
	sub.nrestated = 0;
	sub.kept = NULL;
	sub.nkept = sub.capkept = 0;
	sub.measures = NULL;
	memset(&sub.strings, 0, sizeof sub.strings);
	memset(&sub.explain, 0, sizeof sub.explain);
	memset(&sub.credits_json, 0, sizeof sub.credits_json);
	if ((rc = spm_store_exec(r->st, "SAVEPOINT restate", r->err)))
		return rc;
	rc = insert_run(r->st, q, &sub.run_id, r->err);
	if (!rc) {
		sub.plan = rp->plan;
		sub.hash = hash;
		if (!(rc = window_of(rp->plan, q, fiscal, &sub.window, r->err)) &&
		    !(rc = load_seats(&sub)) && !(rc = measure_plan(&sub)) &&
		    !(rc = clawbacks_open(&sub)))
			for (size_t i = 0; i < sub.nseats && !rc; i++)
				rc = pay_seat(&sub, &sub.seats[i]);
		spm_stmt_finalize(sub.claw);
		seats_free(&sub);
		kept_free(&sub);
		spm_buf_free(&sub.explain);
		spm_buf_free(&sub.credits_json);
	}
	if (!rc)
		rc = spm_stmt_prepare(
		    r->st, &s,
		    "SELECT rep_id, sum(amount) FROM (SELECT rep_id, amount FROM payout_lines"
		    " WHERE run_id = ?1 AND kind IN " EARNED_KINDS
		    " UNION ALL SELECT l.rep_id, -l.amount FROM payout_lines l JOIN period_locks k"
		    " ON k.run_id = l.run_id WHERE l.plan = ?2 AND ((k.period_first = ?4"
		    " AND k.period_last = ?5 AND l.kind IN " EARNED_KINDS
		    ") OR (l.kind = 'restatement' AND l.reference = ?3)))"
		    " GROUP BY rep_id HAVING sum(amount) <> 0 ORDER BY rep_id",
		    r->err);
	if (!rc &&
	    (spm_stmt_bind_int64(s, 1, sub.run_id) || bind_str(s, 2, rp->plan->name) ||
	     bind_str(s, 3, out->period) || bind_date(s, 4, q->first) || bind_date(s, 5, q->last)))
		rc = nomem(r->err);
	while (!rc && (rc = spm_stmt_step(s, r->err)) == SPM_ROW)
		rc = restated_add(r, out, spm_stmt_text(s, 0, NULL),
		                  (spm_money){spm_stmt_int64(s, 1)});
	if (rc == SPM_DONE)
		rc = SPM_OK;
	spm_stmt_finalize(s);
	undo = spm_store_exec(r->st, "ROLLBACK TO restate; RELEASE restate", r->err);
	if (!rc && undo)
		rc = undo;
	return rc;
}

/*
 * The closed periods just before this one (those after the last open period) are recomputed;
 * for a plan evaluated to date, only those before its window, whose pay the true-up cannot reach.
 */
static int restate_periods(run *r, const spm_run_plan *rp, const char *hash,
                           const spm_fiscal *fiscal)
{
	spm_period q = *r->period;
	int rc;
	for (int back = 0; back < 240; back++) {
		char name[SPM_PERIOD_BUFSZ];
		int64_t closed = 0;
		if (spm_period_shift(&q, &q, -1))
			break;
		if (q.last.days < rp->plan->from.days)
			break;
		char first[SPM_DATE_BUFSZ], last[SPM_DATE_BUFSZ];
		spm_period_format(name, sizeof name, &q);
		spm_date_format(first, sizeof first, q.first);
		spm_date_format(last, sizeof last, q.last);
		if ((rc = exec_bound(r->st,
		                     "SELECT count(*) FROM period_locks WHERE period_first = ?1"
		                     " AND period_last = ?2",
		                     first, last, &closed, r->err)))
			return rc;
		if (!closed)
			break;
		if (q.last.days >= r->window.first.days)
			continue;
		restated *more = realloc(r->restated, (r->nrestated + 1) * sizeof *more);
		if (!more)
			return nomem(r->err);
		r->restated = more;
		restated *out = &r->restated[r->nrestated++];
		memset(out, 0, sizeof *out);
		memcpy(out->period, name, sizeof out->period);
		if ((rc = restate(r, rp, hash, fiscal, &q, out)))
			return rc;
	}
	return SPM_OK;
}

/* Adjustments imported for the period: a line each, in the currency the rep is paid in here. */
static int pay_adjustments(run *r)
{
	char name[SPM_PERIOD_BUFSZ];
	spm_stmt *q = NULL;
	int rc;

	spm_period_format(name, sizeof name, r->period);
	rc = spm_stmt_prepare(
	    r->st, &q,
	    "SELECT a.adjustment_id, a.rep_id, a.amount, a.reason, coalesce("
	    "(SELECT l.currency FROM payout_lines l WHERE l.run_id = ?2 AND l.rep_id = a.rep_id"
	    " ORDER BY l.line_id LIMIT 1), p.currency,"
	    " (SELECT value FROM settings WHERE key = 'base_currency'))"
	    " FROM adjustments a JOIN reps p ON p.rep_id = a.rep_id WHERE a.period_first = ?1"
	    " AND a.period_last = ?3 ORDER BY a.rep_id, a.adjustment_id",
	    r->err);
	if (rc)
		return rc;
	if (bind_date(q, 1, r->period->first) || spm_stmt_bind_int64(q, 2, r->run_id) ||
	    bind_date(q, 3, r->period->last))
		rc = nomem(r->err);
	while ((rc == SPM_OK || rc == SPM_ROW) && (rc = spm_stmt_step(q, r->err)) == SPM_ROW) {
		const char *id = spm_stmt_text(q, 0, NULL), *rep = spm_stmt_text(q, 1, NULL);
		const char *reason = spm_stmt_text(q, 3, NULL), *cur = spm_stmt_text(q, 4, NULL);
		spm_money amount = {spm_stmt_int64(q, 2)};
		spm_payout out = {rep, NULL, NULL, "adjustment", 0,   {0}, false,  {0},
		                  {0}, {0},  {0},  amount,       cur, id,  reason, "{}"};
		spm_stmt *s = r->line;
		feed(r, id);
		feed(r, rep);
		feed_int(r, amount.units);
		spm_stmt_reset(s);
		rc = spm_stmt_bind_int64(s, 1, r->run_id);
		rc |= bind_str(s, 2, rep);
		rc |=
		    spm_stmt_bind_null(s, 3) | spm_stmt_bind_null(s, 4) | spm_stmt_bind_null(s, 5);
		rc |= bind_str(s, 6, "adjustment");
		rc |= spm_stmt_bind_int64(s, 7, amount.units);
		rc |= bind_str(s, 8, cur);
		rc |= spm_stmt_bind_null(s, 9) | spm_stmt_bind_null(s, 10);
		rc |= bind_str(s, 11, id) | bind_str(s, 12, reason) | bind_str(s, 13, "{}");
		if (rc) {
			rc = nomem(r->err);
			break;
		}
		if ((rc = spm_stmt_step(s, r->err)) < 0)
			break;
		r->sum->lines++;
		if (r->fn && (rc = r->fn(r->ctx, &out)))
			break;
		rc = SPM_OK;
	}
	spm_stmt_finalize(q);
	return rc == SPM_DONE ? SPM_OK : rc;
}

/* ---- the run -------------------------------------------------------------------------------- */

static int insert_run(spm_store *st, const spm_period *period, int64_t *run_id, spm_error *err)
{
	char name[SPM_PERIOD_BUFSZ];
	spm_stmt *s = NULL;
	int rc = spm_stmt_prepare(
	    st, &s,
	    "INSERT INTO runs(period, period_first, period_last, inputs_hash,"
	    " started_at) VALUES (?1, ?2, ?3, '',"
	    " strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) RETURNING run_id", /* SQLite */
	    err);
	if (rc)
		return rc;
	spm_period_format(name, sizeof name, period);
	if (bind_str(s, 1, name) || bind_date(s, 2, period->first) || bind_date(s, 3, period->last))
		rc = nomem(err);
	else if ((rc = spm_stmt_step(s, err)) == SPM_ROW) {
		*run_id = spm_stmt_int64(s, 0);
		rc = SPM_OK;
	} else if (rc == SPM_DONE) {
		rc = spm_error_set(err, SPM_ESTORE, "a new run has no id");
	}
	spm_stmt_finalize(s);
	return rc;
}

static int finish_run(spm_store *st, int64_t run_id, const char *inputs_hash, spm_error *err)
{
	spm_stmt *s = NULL;
	int rc =
	    spm_stmt_prepare(st, &s,
	                     "UPDATE runs SET inputs_hash = ?2,"
	                     " finished_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')" /* SQLite */
	                     " WHERE run_id = ?1",
	                     err);
	if (rc)
		return rc;
	if (spm_stmt_bind_int64(s, 1, run_id) || spm_stmt_bind_text(s, 2, inputs_hash, 64))
		rc = nomem(err);
	else if ((rc = spm_stmt_step(s, err)) >= 0)
		rc = SPM_OK;
	spm_stmt_finalize(s);
	return rc;
}

static bool in_effect(const spm_plan *p, const spm_period *period)
{
	return p->from.days <= period->last.days &&
	       (!p->has_to || p->to.days >= period->first.days);
}

/* A plan must pay by the period's kind and be in effect. */
int spm_run_check_plan(const spm_plan *p, const spm_period *period, spm_error *err)
{
	static const char *const kinds[] = {"month", "quarter", "half-year", "year"};
	char name[SPM_PERIOD_BUFSZ];
	spm_period_format(name, sizeof name, period);
	if (p->period != period->kind)
		return spm_error_set(err, SPM_ECONFIG,
		                     "%s: plan '%s' does not pay by %s periods like %s", p->source,
		                     p->name, kinds[period->kind], name);
	if (!in_effect(p, period))
		return spm_error_set(err, SPM_ECONFIG, "%s: plan '%s' is not in effect in %s",
		                     p->source, p->name, name);
	return SPM_OK;
}

static int store_plan(spm_store *st, const spm_run_plan *rp, char hash[65], int64_t run_id,
                      spm_error *err)
{
	unsigned char digest[SPM_SHA256_DIGEST_SIZE];
	spm_sha256 h;
	spm_stmt *s = NULL;
	int rc;

	spm_sha256_init(&h);
	spm_sha256_update(&h, rp->text, rp->len);
	spm_sha256_final(&h, digest);
	spm_sha256_hex(digest, hash);
	rc =
	    spm_stmt_prepare(st, &s,
	                     "INSERT INTO plans(plan_hash, name, source, text, added_at) VALUES"
	                     " (?1, ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))" /* SQLite */
	                     " ON CONFLICT DO NOTHING",
	                     err);
	if (rc)
		return rc;
	rc = spm_stmt_bind_text(s, 1, hash, 64);
	rc |= bind_str(s, 2, rp->plan->name);
	rc |= bind_str(s, 3, rp->plan->source);
	rc |= spm_stmt_bind_text(s, 4, rp->text, rp->len);
	if (rc)
		rc = nomem(err);
	else if ((rc = spm_stmt_step(s, err)) >= 0)
		rc = SPM_OK;
	spm_stmt_finalize(s);
	if (rc)
		return rc;
	if ((rc = spm_stmt_prepare(st, &s,
	                           "INSERT INTO run_plans(run_id, plan_hash) VALUES (?1, ?2)"
	                           " ON CONFLICT DO NOTHING",
	                           err)))
		return rc;
	if (spm_stmt_bind_int64(s, 1, run_id) || spm_stmt_bind_text(s, 2, hash, 64))
		rc = nomem(err);
	else if ((rc = spm_stmt_step(s, err)) >= 0)
		rc = SPM_OK;
	spm_stmt_finalize(s);
	return rc;
}

static int prepare_writes(run *r)
{
	int rc;
	if ((rc = spm_stmt_prepare(
	         r->st, &r->line,
	         "INSERT INTO payout_lines(run_id, rep_id, plan_hash, plan, component, kind, "
	         "amount,"
	         " currency, base, earned, reference, reason, explain, credits)"
	         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
	         r->err)) ||
	    (rc = spm_stmt_prepare(
	         r->st, &r->ledger,
	         "INSERT INTO ledger(rep_id, period, kind, amount, currency, run_id,"
	         " note, plan) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	         r->err)))
		return rc;
	return SPM_OK;
}

int spm_run_period(spm_store *st, const spm_run_plan *plans, size_t nplans,
                   const spm_period *period, const run_mode *mode, spm_payout_fn fn, void *ctx,
                   spm_run_summary *sum, spm_error *err)
{
	bool dry = mode->dry || mode->nested;
	char name[SPM_PERIOD_BUFSZ], first[SPM_DATE_BUFSZ], last[SPM_DATE_BUFSZ];
	char(*hashes)[65] = NULL;
	run r = {0};
	spm_fiscal fiscal;
	int64_t locked = 0;
	int rc;

	memset(sum, 0, sizeof *sum);
	/* every plan must pay by the period's kind; those not in effect in it are left out */
	size_t live = 0;
	for (size_t i = 0; i < nplans; i++) {
		const spm_plan *p = plans[i].plan;
		if (p->period != period->kind)
			return spm_run_check_plan(p, period, err);
		live += in_effect(p, period);
	}
	if (nplans && !live)
		return spm_run_check_plan(plans[0].plan, period, err);
	spm_period_format(name, sizeof name, period);
	r.st = st;
	r.period = period;
	r.fn = fn;
	r.ctx = ctx;
	r.sum = sum;
	r.err = err;
	r.only_rep = mode->only_rep;
	r.measures = mode->only_rep ? mode->measures : NULL;
	r.extra_comp = mode->extra_comp;
	r.extra = mode->extra;
	spm_sha256_init(&r.inputs);
	if (!(hashes = calloc(nplans ? nplans : 1, sizeof *hashes)))
		return nomem(err);
	if (!mode->nested && (rc = spm_store_begin(st, err))) {
		free(hashes);
		return rc;
	}
	/* a period is known by its days, whatever its name (2026-Q2 is FY2027-Q1 from April) */
	spm_date_format(first, sizeof first, period->first);
	spm_date_format(last, sizeof last, period->last);
	if ((rc = spm_store_fiscal(st, &fiscal, err)) ||
	    (rc = exec_bound(st,
	                     "SELECT count(*) FROM period_locks WHERE period_first = ?1"
	                     " AND period_last = ?2",
	                     first, last, &locked, err)))
		goto fail;
	if (locked && !dry) {
		rc = spm_error_set(err, SPM_EDATA, "period %s is closed: its pay cannot change",
		                   name);
		goto fail;
	}
	/* a dry run of a closed period computes it afresh, inside what is rolled back */
	if (locked && (rc = exec_bound(st,
	                               "DELETE FROM period_locks WHERE period_first = ?1"
	                               " AND period_last = ?2",
	                               first, last, NULL, err)))
		goto fail;
	/*
	 * The previous run of the open period goes, with its lines and ledger. A lone dry run keeps
	 * it (nothing reads a period's own run while paying it, and all is rolled back): solve makes
	 * dozens. Dry runs nested in a span (simulate) replace it, as later periods read it.
	 */
	bool replace = !mode->dry || mode->nested;
	if ((replace &&
	     ((rc = exec_bound(st,
	                       "DELETE FROM ledger WHERE run_id IN (SELECT run_id FROM runs"
	                       " WHERE period_first = ?1 AND period_last = ?2)",
	                       first, last, NULL, err)) ||
	      (rc = exec_bound(st, "DELETE FROM runs WHERE period_first = ?1 AND period_last = ?2",
	                       first, last, NULL, err)))) ||
	    (rc = insert_run(st, period, &r.run_id, err)))
		goto fail;
	sum->run_id = dry ? 0 : r.run_id;
	for (size_t i = 0; i < nplans; i++)
		if (in_effect(plans[i].plan, period) &&
		    (rc = store_plan(st, &plans[i], hashes[i], r.run_id, err)))
			goto fail;
	if ((rc = spm_fx_open(&r.fx, st, err)) || (rc = prepare_writes(&r)))
		goto fail;
	for (size_t i = 0; i < nplans; i++)
		if (in_effect(plans[i].plan, period) &&
		    (rc = pay_plan(&r, &plans[i], hashes[i], &fiscal)))
			goto fail;
	if ((rc = pay_adjustments(&r)))
		goto fail;
	unsigned char digest[SPM_SHA256_DIGEST_SIZE];
	spm_sha256_final(&r.inputs, digest);
	spm_sha256_hex(digest, sum->inputs_hash);
	if ((rc = finish_run(st, r.run_id, sum->inputs_hash, err)))
		goto fail;
	if (mode->nested)
		goto out;
	if (dry) {
		spm_store_rollback(st);
		goto out;
	}
	if ((rc = spm_store_commit(st, err)))
		goto fail;
	goto out;
fail:
	if (!mode->nested)
		spm_store_rollback(st);
	memset(sum, 0, sizeof *sum);
out:
	spm_stmt_finalize(r.line);
	spm_stmt_finalize(r.ledger);
	spm_fx_close(r.fx);
	spm_buf_free(&r.explain);
	spm_buf_free(&r.credits_json);
	free(hashes);
	return rc;
}

int spm_run(spm_store *st, const spm_run_plan *plans, size_t nplans, const spm_period *period,
            spm_payout_fn fn, void *ctx, spm_run_summary *sum, spm_error *err)
{
	run_mode mode = {0};
	return spm_run_period(st, plans, nplans, period, &mode, fn, ctx, sum, err);
}

int spm_run_dry(spm_store *st, const spm_run_plan *plans, size_t nplans, const spm_period *period,
                spm_payout_fn fn, void *ctx, spm_run_summary *sum, spm_error *err)
{
	run_mode mode = {.dry = true};
	return spm_run_period(st, plans, nplans, period, &mode, fn, ctx, sum, err);
}
