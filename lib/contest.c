/*
 * contest.c - sales contests and badges (see spm/contest.h).
 *
 * A contest file is read strictly through the YAML layer (ydoc), each fault reported at its node;
 * a contest is then run over one scorecard: the reps ranked by spm_rank, the pot split to the cent
 * by spm_allocate. Badges read one scorecard per step of a period and the credits up to as_of, and
 * are all worked out before the first is handed to the caller, so a failure never leaves half a
 * list behind.
 */
#include "spm/contest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spm/allocate.h"
#include "spm/credit.h"
#include "spm/currency.h"
#include "spm/rank.h"
#include "spm/ydoc.h"

/* Attainment thresholds stop at 1000%: "110" for 110% is then refused rather than meant. */
#define ATTAINMENT_MAX ((spm_rate){10 * SPM_RATE_ONE})

/* Money units in a cent: pots and prizes are paid to the cent. */
#define CENT (SPM_MONEY_ONE / 100)

/* A year by months is the most steps a badge query has. */
#define MAX_STEPS 12

struct spm_contest {
	spm_contest_info info;
	spm_ydoc *doc;           /* every string of info points into it */
	const spm_ynode *period; /* the file's period, for messages; NULL when absent */
	spm_rate *shares;
	spm_contest_milestone *milestones;
};

static int nomem(spm_error *err)
{
	return spm_error_set(err, SPM_ENOMEM, "out of memory");
}

const char *spm_contest_rule_name(spm_contest_rule rule)
{
	static const char *const names[] = {"ranking", "minimum", "milestones"};
	return (unsigned)rule < sizeof names / sizeof names[0] ? names[rule] : "?";
}

const char *spm_badge_kind_name(spm_badge_kind kind)
{
	static const char *const names[] = {"streak", "first-deal", "largest-deal"};
	return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind] : "?";
}

size_t spm_contest_value_format(char *buf, size_t size, spm_stat m, int64_t value)
{
	switch (spm_stat_unit_of(m)) {
	case SPM_UNIT_MONEY:
		return spm_money_format(buf, size, (spm_money){value}, 2);
	case SPM_UNIT_RATE:
		return spm_rate_format(buf, size, (spm_rate){value}, true);
	default: {
		int n = snprintf(buf, size, "%lld", (long long)value);
		return n < 0 ? 0 : (size_t)n;
	}
	}
}

/* ---- parsing ------------------------------------------------------------------------------- */

/* A present, non-null key. */
static const spm_ynode *optional(const spm_ynode *map, const char *key)
{
	const spm_ynode *n = spm_ynode_get(map, key);
	return n && !(n->kind == SPM_YSCALAR && n->null) ? n : NULL;
}

static int required(const spm_ydoc *doc, const spm_ynode *map, const char *key,
                    const spm_ynode **out, spm_error *err)
{
	if (!(*out = optional(map, key)))
		return spm_ynode_error(doc, map, err, "missing key '%s'", key);
	return SPM_OK;
}

static int mapping(const spm_ydoc *doc, const spm_ynode *node, const char *const *keys,
                   spm_error *err)
{
	int rc = spm_ynode_expect(doc, node, SPM_YMAP, err);
	return rc ? rc : spm_ynode_check_keys(doc, node, keys, err);
}

/* Non-empty text; `what` names it in the message. */
static int nonempty_text(const spm_ydoc *doc, const spm_ynode *node, const char *what,
                         const char **out, spm_error *err)
{
	int rc = spm_ynode_text(doc, node, out, err);
	if (rc == SPM_OK && !**out)
		return spm_ynode_error(doc, node, err, "%s cannot be empty", what);
	return rc;
}

/* An amount of at most 2 decimals, not negative. */
static int cents(const spm_ydoc *doc, const spm_ynode *node, const char *what, spm_money *out,
                 spm_error *err)
{
	char q[SPM_QUOTE_BUFSZ];
	int rc = spm_ynode_money(doc, node, out, err);
	if (rc)
		return rc;
	spm_quote(q, sizeof q, node->text, node->len);
	if (out->units < 0)
		return spm_ynode_error(doc, node, err, "%s cannot be negative: %s", what, q);
	if (out->units % CENT)
		return spm_ynode_error(
		    doc, node, err,
		    "%s has more than 2 decimals: %s (a cent is the smallest prize)", what, q);
	return SPM_OK;
}

/* A threshold in the measure's key units, not negative. */
static int threshold(const spm_ydoc *doc, const spm_ynode *node, spm_stat m, const char *what,
                     int64_t *out, spm_error *err)
{
	char q[SPM_QUOTE_BUFSZ];
	int rc;
	switch (spm_stat_unit_of(m)) {
	case SPM_UNIT_MONEY: {
		spm_money v;
		if ((rc = spm_ynode_money(doc, node, &v, err)))
			return rc;
		if (v.units < 0)
			return spm_ynode_error(doc, node, err, "%s cannot be negative: %s", what,
			                       spm_quote(q, sizeof q, node->text, node->len));
		*out = v.units;
		return SPM_OK;
	}
	case SPM_UNIT_RATE: {
		spm_rate r;
		if ((rc = spm_ynode_rate(doc, node, (spm_rate){0}, ATTAINMENT_MAX, &r, err)))
			return rc;
		*out = r.units;
		return SPM_OK;
	}
	default:
		return spm_ynode_int(doc, node, 0, INT64_MAX, out, err);
	}
}

static int parse_currency(spm_contest *c, const spm_ynode *node, spm_error *err)
{
	const char *text;
	int rc = spm_ynode_text(c->doc, node, &text, err);
	if (rc)
		return rc;
	if (c->info.currency)
		return spm_ynode_error(c->doc, node, err,
		                       "'currency' is given twice: at the top and under 'prizes'");
	if (!spm_currency_valid(text, strlen(text))) {
		char q[SPM_QUOTE_BUFSZ];
		return spm_ynode_error(c->doc, node, err, "unknown currency code %s",
		                       spm_quote(q, sizeof q, text, strlen(text)));
	}
	c->info.currency = text;
	return SPM_OK;
}

static int parse_prizes(spm_contest *c, const spm_ynode *node, spm_error *err)
{
	static const char *const keys[] = {"pot", "currency", "shares", NULL};
	const spm_ydoc *doc = c->doc;
	const spm_ynode *v;
	int rc;

	if ((rc = mapping(doc, node, keys, err)) || (rc = required(doc, node, "pot", &v, err)) ||
	    (rc = cents(doc, v, "the pot", &c->info.pot, err)))
		return rc;
	if ((v = optional(node, "currency")) && (rc = parse_currency(c, v, err)))
		return rc;
	if ((rc = required(doc, node, "shares", &v, err)) ||
	    (rc = spm_ynode_expect(doc, v, SPM_YLIST, err)))
		return rc;
	if (v->n == 0)
		return spm_ynode_error(doc, v, err, "expected at least one share");
	if (!(c->shares = calloc(v->n, sizeof *c->shares)))
		return nomem(err);
	int64_t sum = 0; /* each share is at most 100%: no overflow in any count of them */
	for (size_t i = 0; i < v->n; i++) {
		const spm_ynode *s = v->items[i];
		if ((rc = spm_ynode_rate(doc, s, (spm_rate){0}, (spm_rate){SPM_RATE_ONE},
		                         &c->shares[i], err)))
			return rc;
		if (c->shares[i].units == 0)
			return spm_ynode_error(doc, s, err, "a share must be above 0%%");
		if ((sum += c->shares[i].units) > SPM_RATE_ONE)
			break;
	}
	if (sum > SPM_RATE_ONE) {
		char total[SPM_NUM_BUFSZ];
		spm_rate_format(total, sizeof total, (spm_rate){sum}, true);
		return spm_ynode_error(doc, v, err, "the shares add up to %s, more than 100%%",
		                       total);
	}
	c->info.shares = c->shares;
	c->info.nshares = v->n;
	c->info.has_prizes = true;
	return SPM_OK;
}

static int parse_milestones(spm_contest *c, const spm_ynode *node, spm_error *err)
{
	static const char *const keys[] = {"at", "prize", NULL};
	const spm_ydoc *doc = c->doc;
	int rc;

	if ((rc = spm_ynode_expect(doc, node, SPM_YLIST, err)))
		return rc;
	if (node->n == 0)
		return spm_ynode_error(doc, node, err, "expected at least one milestone");
	if (!(c->milestones = calloc(node->n, sizeof *c->milestones)))
		return nomem(err);
	for (size_t i = 0; i < node->n; i++) {
		const spm_ynode *m = node->items[i], *at, *prize;
		spm_contest_milestone *ms = &c->milestones[i];
		if ((rc = mapping(doc, m, keys, err)) || (rc = required(doc, m, "at", &at, err)) ||
		    (rc = threshold(doc, at, c->info.measure, "a milestone", &ms->at, err)) ||
		    (rc = required(doc, m, "prize", &prize, err)) ||
		    (rc = cents(doc, prize, "a prize", &ms->prize, err)))
			return rc;
		if (i > 0 && ms->at <= c->milestones[i - 1].at) {
			char prev[SPM_NUM_BUFSZ];
			spm_contest_value_format(prev, sizeof prev, c->info.measure,
			                         c->milestones[i - 1].at);
			return spm_ynode_error(
			    doc, at, err,
			    "milestones must increase: this one is not above the "
			    "one before (%s)",
			    prev);
		}
	}
	c->info.milestones = c->milestones;
	c->info.nmilestones = node->n;
	return SPM_OK;
}

static int parse_contest(spm_contest *c, spm_error *err)
{
	static const char *const keys[] = {"contest", "measure",  "period", "rule",       "minimum",
	                                   "team",    "currency", "prizes", "milestones", NULL};
	static const char *const rules[] = {"ranking", "minimum", "milestones", NULL};
	const char *measures[SPM_STAT_COUNT + 1];
	const spm_ydoc *doc = c->doc;
	const spm_ynode *root = spm_ydoc_root(doc), *v, *rule = NULL, *minimum, *prizes,
	                *milestones;
	spm_contest_info *in = &c->info;
	int rc, index;

	for (int m = 0; m < SPM_STAT_COUNT; m++)
		measures[m] = spm_stat_name((spm_stat)m);
	measures[SPM_STAT_COUNT] = NULL;

	if ((rc = mapping(doc, root, keys, err)) ||
	    (rc = required(doc, root, "contest", &v, err)) ||
	    (rc = nonempty_text(doc, v, "the contest's name", &in->name, err)) ||
	    (rc = required(doc, root, "measure", &v, err)) ||
	    (rc = spm_ynode_choice(doc, v, measures, &index, err)))
		return rc;
	in->measure = (spm_stat)index;
	if ((v = optional(root, "period"))) {
		spm_period p;
		spm_error why;
		if ((rc = spm_ynode_text(doc, v, &in->period, err)))
			return rc;
		/* checked now, with the calendar year, so that a typo is found before any store */
		if (spm_period_parse(&p, in->period, strlen(in->period), NULL, &why))
			return spm_ynode_error(doc, v, err, "%s", why.message);
		c->period = v;
	}
	in->rule = SPM_CONTEST_RANKING;
	if ((rule = optional(root, "rule"))) {
		if ((rc = spm_ynode_choice(doc, rule, rules, &index, err)))
			return rc;
		in->rule = (spm_contest_rule)index;
	}
	minimum = optional(root, "minimum");
	if (in->rule == SPM_CONTEST_MINIMUM && !minimum)
		return spm_ynode_error(doc, rule, err, "'rule: minimum' needs 'minimum'");
	if (minimum && in->rule != SPM_CONTEST_MINIMUM)
		return spm_ynode_error(doc, minimum, err, "'minimum' needs 'rule: minimum'");
	if (minimum) {
		if ((rc = threshold(doc, minimum, in->measure, "the minimum", &in->minimum, err)))
			return rc;
		in->has_minimum = true;
	}
	if ((v = optional(root, "team")) &&
	    (rc = nonempty_text(doc, v, "the team", &in->team, err)))
		return rc;
	if ((v = optional(root, "currency")) && (rc = parse_currency(c, v, err)))
		return rc;
	prizes = optional(root, "prizes");
	milestones = optional(root, "milestones");
	if (in->rule == SPM_CONTEST_MILESTONES) {
		if (prizes)
			return spm_ynode_error(
			    doc, prizes, err,
			    "'prizes' is for rules ranking and minimum; a milestone "
			    "has its own prize");
		if (!milestones)
			return spm_ynode_error(doc, rule, err,
			                       "'rule: milestones' needs 'milestones'");
		return parse_milestones(c, milestones, err);
	}
	if (milestones)
		return spm_ynode_error(doc, milestones, err,
		                       "'milestones' needs 'rule: milestones'");
	return prizes ? parse_prizes(c, prizes, err) : SPM_OK;
}

int spm_contest_parse(const char *text, size_t len, const char *file_name, spm_contest **out,
                      spm_error *err)
{
	spm_contest *c;
	int rc;

	if (!out)
		return spm_error_set(err, SPM_EUSAGE, "contest: no place for the result");
	*out = NULL;
	if (!text && len)
		return spm_error_set(err, SPM_EUSAGE, "contest: no text");
	if (!(c = calloc(1, sizeof *c)))
		return nomem(err);
	if ((rc = spm_ydoc_parse(&c->doc, file_name ? file_name : "-", text ? text : "", len,
	                         err)) == SPM_OK) {
		c->info.source = spm_ydoc_source(c->doc);
		rc = parse_contest(c, err);
	}
	if (rc) {
		spm_contest_free(c);
		return rc;
	}
	*out = c;
	return SPM_OK;
}

void spm_contest_free(spm_contest *c)
{
	if (!c)
		return;
	spm_ydoc_free(c->doc);
	free(c->shares);
	free(c->milestones);
	free(c);
}

const char *spm_contest_name(const spm_contest *c)
{
	return c->info.name;
}

const spm_contest_info *spm_contest_describe(const spm_contest *c)
{
	return &c->info;
}

int spm_contest_period(const spm_contest *c, const spm_fiscal *fiscal, spm_period *out,
                       spm_error *err)
{
	spm_error why;
	int rc;
	if (!c->info.period)
		return 1;
	rc = spm_period_parse(out, c->info.period, strlen(c->info.period), fiscal, &why);
	if (rc == SPM_EUSAGE)
		return spm_error_set(err, rc, "%s", why.message);
	if (rc)
		return spm_ynode_error(c->doc, c->period, err, "%s", why.message);
	return SPM_OK;
}

/* ---- running a contest --------------------------------------------------------------------- */

/* Checks as_of against a period: 0 or a day not before its first. */
static int check_as_of(const spm_period *p, spm_date as_of, spm_error *err)
{
	char day[SPM_DATE_BUFSZ] = "", name[SPM_PERIOD_BUFSZ] = "";
	if (as_of.days == 0 || as_of.days >= p->first.days)
		return SPM_OK;
	spm_date_format(day, sizeof day, as_of);
	spm_period_format(name, sizeof name, p);
	return spm_error_set(err, SPM_EUSAGE, "as-of date '%s' is before the period '%s'", day,
	                     name);
}

/*
 * The prizes of rules ranking and minimum, for the nq qualified rows first in `out` (in
 * ranking order, ranks set): see the header for the rule. parts and even hold n + 1 and n
 * entries.
 */
static int share_pot(const spm_contest *c, spm_contest_row *out, size_t nq, spm_money *parts,
                     spm_rate *weights, spm_money *even, spm_error *err)
{
	size_t filled = nq < c->info.nshares ? nq : c->info.nshares;
	int64_t paid = 0;
	int rc;

	if (filled == 0)
		return SPM_OK;
	for (size_t p = 0; p < filled; p++) {
		weights[p] = c->shares[p];
		paid += c->shares[p].units;
	}
	weights[filled].units = SPM_RATE_ONE - paid; /* the unpaid rest; may be 0 */
	if ((rc = spm_allocate(c->info.pot, weights, filled + 1, 2, parts, err)))
		return rc;
	for (size_t a = 0, b; a < filled; a = b) {
		spm_money sum = {0};
		for (b = a + 1; b < nq && out[b].rank == out[a].rank; b++)
			;
		for (size_t p = a; p < b && p < filled; p++)
			sum.units += parts[p].units; /* parts add up to the pot: no overflow */
		if ((rc = spm_allocate_even(sum, b - a, 2, even, err)))
			return rc;
		for (size_t i = a; i < b; i++) {
			out[i].has_prize = true;
			out[i].prize = even[i - a];
		}
	}
	return SPM_OK;
}

int spm_contest_run(spm_store *st, const spm_contest *c, const spm_period *period, spm_date as_of,
                    spm_contest_fn fn, void *ctx, spm_error *err)
{
	spm_scorecard sc = {0};
	spm_rank_item *items = NULL;
	spm_contest_row *out = NULL;
	spm_money *parts = NULL, *even = NULL;
	spm_rate *weights = NULL;
	spm_period own;
	int rc;

	if (!c || !fn)
		return spm_error_set(err, SPM_EUSAGE, "contest: no contest or no callback");
	if (!period) {
		spm_fiscal fiscal;
		if ((rc = spm_store_fiscal(st, &fiscal, err)))
			return rc;
		if ((rc = spm_contest_period(c, &fiscal, &own, err)) == 1)
			return spm_error_set(err, SPM_EUSAGE,
			                     "contest '%s' names no period: give one",
			                     c->info.name);
		if (rc)
			return rc;
		period = &own;
	}
	if ((rc = check_as_of(period, as_of, err)))
		return rc;
	spm_scorecard_query q = {
	    .level = SPM_LEVEL_REP,
	    .period = *period,
	    .as_of = as_of,
	    .currency = c->info.currency,
	    .team = c->info.team,
	    .activities = c->info.measure >= SPM_STAT_ACTIVITIES,
	    .payouts = c->info.measure == SPM_STAT_PAYOUT,
	};
	if ((rc = spm_scorecard_read(st, &q, &sc, err)))
		return rc;
	size_t n = sc.n;
	items = calloc(n ? n : 1, sizeof *items);
	out = calloc(n ? n : 1, sizeof *out);
	parts = calloc(n + 1, sizeof *parts);
	weights = calloc(n + 1, sizeof *weights);
	even = calloc(n ? n : 1, sizeof *even);
	if (!items || !out || !parts || !weights || !even) {
		rc = nomem(err);
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		items[i].id = sc.rows[i].id ? sc.rows[i].id : "";
		items[i].key = spm_scorecard_key(&sc.rows[i], c->info.measure, &items[i].has_key);
		items[i].index = i;
	}
	if ((rc = spm_rank(items, n, false, err)))
		goto done;

	/* The qualified are the best values (at or above a minimum), so they come first. */
	size_t nq = 0;
	for (size_t i = 0; i < n; i++) {
		const spm_scorecard_row *r = &sc.rows[items[i].index];
		spm_contest_row *o = &out[i];
		o->rep_id = items[i].id;
		o->name = r->name;
		o->team = r->team;
		o->measure = c->info.measure;
		o->has_value = items[i].has_key;
		o->value = o->has_value ? items[i].key : 0;
		o->qualified = o->has_value &&
		               (c->info.rule != SPM_CONTEST_MINIMUM || o->value >= c->info.minimum);
		o->rank = o->qualified ? items[i].rank : 0;
		o->currency = sc.currency;
		o->milestone = -1;
		if (o->qualified)
			nq++;
		if (c->info.rule == SPM_CONTEST_MILESTONES && o->has_value) {
			for (size_t k = 0; k < c->info.nmilestones; k++)
				if (o->value >= c->milestones[k].at)
					o->milestone = (int)k;
			if (o->milestone >= 0) {
				o->has_prize = true;
				o->prize = c->milestones[o->milestone].prize;
			}
		}
	}
	if (c->info.has_prizes && (rc = share_pot(c, out, nq, parts, weights, even, err)))
		goto done;
	for (size_t i = 0; i < n && !rc; i++)
		rc = fn(ctx, &out[i]);
done:
	free(items);
	free(out);
	free(parts);
	free(weights);
	free(even);
	spm_scorecard_free(&sc);
	return rc;
}

/* ---- badges -------------------------------------------------------------------------------- */

/* A rep's first won deal as owner or split. */
typedef struct first_deal {
	char *rep_id;
	spm_date date;
} first_deal;

typedef struct first_deals {
	first_deal *list; /* by rep id, byte order, as spm_credits_ex gives the lines */
	size_t n, cap;
	spm_error *err;
} first_deals;

/* Lines come by rep, then date: the first line of each rep is its first deal. */
static int on_first_deal(void *ctx, const spm_credit_line *line)
{
	first_deals *fd = ctx;
	if (fd->n && strcmp(fd->list[fd->n - 1].rep_id, line->rep_id) == 0)
		return SPM_OK;
	if (fd->n == fd->cap) {
		size_t cap = fd->cap ? fd->cap * 2 : 64;
		first_deal *p = realloc(fd->list, cap * sizeof *p);
		if (!p)
			return nomem(fd->err);
		fd->list = p;
		fd->cap = cap;
	}
	if (!(fd->list[fd->n].rep_id = strdup(line->rep_id)))
		return nomem(fd->err);
	fd->list[fd->n++].date = line->date;
	return SPM_OK;
}

static int first_deal_cmp(const void *key, const void *item)
{
	return strcmp(key, ((const first_deal *)item)->rep_id);
}

static int row_cmp(const void *key, const void *item)
{
	const spm_scorecard_row *r = item;
	return strcmp(key, r->id ? r->id : "");
}

/* The row of rep id in a scorecard (its rows by id, byte order), or NULL. */
static const spm_scorecard_row *row_of(const spm_scorecard *sc, const char *id)
{
	return sc->n ? bsearch(id, sc->rows, sc->n, sizeof *sc->rows, row_cmp) : NULL;
}

static bool at_quota(const spm_scorecard_row *r)
{
	return r && r->has_quota && r->attainment.units >= SPM_RATE_ONE;
}

typedef struct badge_job {
	const spm_badge_query *q;
	spm_period steps[MAX_STEPS];
	size_t nsteps;
	spm_scorecard sc[MAX_STEPS];
	first_deals fd;
	spm_badge *list;
	size_t n, cap;
	spm_error *err;
} badge_job;

static int add_badge(badge_job *j, const spm_badge *b)
{
	if (j->n == j->cap) {
		size_t cap = j->cap ? j->cap * 2 : 32;
		spm_badge *p = realloc(j->list, cap * sizeof *p);
		if (!p)
			return nomem(j->err);
		j->list = p;
		j->cap = cap;
	}
	j->list[j->n++] = *b;
	return SPM_OK;
}

/* Streaks, earned in the last step: runs at quota ending with it, of 2 steps or more. */
static int streaks(badge_job *j)
{
	size_t last = j->nsteps - 1;
	const spm_scorecard *sc = &j->sc[last];
	int rc = SPM_OK;
	for (size_t i = 0; i < sc->n && !rc; i++) {
		const spm_scorecard_row *r = &sc->rows[i];
		int run = 0, longest = 0, current = 0;
		if (!r->id)
			continue;
		for (size_t t = 0; t <= last; t++) {
			run = at_quota(t == last ? r : row_of(&j->sc[t], r->id)) ? run + 1 : 0;
			if (run > longest)
				longest = run;
		}
		current = run;
		if (current < 2)
			continue;
		spm_badge b = {.rep_id = r->id,
		               .name = r->name,
		               .kind = SPM_BADGE_STREAK,
		               .period = j->steps[last],
		               .streak = current,
		               .longest = longest};
		rc = add_badge(j, &b);
	}
	return rc;
}

static int first_deals_in(badge_job *j, size_t s)
{
	const spm_scorecard *sc = &j->sc[s];
	int rc = SPM_OK;
	for (size_t i = 0; i < sc->n && !rc; i++) {
		const spm_scorecard_row *r = &sc->rows[i];
		const first_deal *f;
		if (!r->id || !j->fd.n ||
		    !(f = bsearch(r->id, j->fd.list, j->fd.n, sizeof *j->fd.list,
		                  first_deal_cmp)) ||
		    !spm_period_contains(&j->steps[s], f->date))
			continue;
		spm_badge b = {.rep_id = r->id,
		               .name = r->name,
		               .kind = SPM_BADGE_FIRST_DEAL,
		               .period = j->steps[s],
		               .date = f->date};
		rc = add_badge(j, &b);
	}
	return rc;
}

static int largest_in(badge_job *j, size_t s)
{
	const spm_scorecard *sc = &j->sc[s];
	spm_money top = {0};
	int rc = SPM_OK;
	for (size_t i = 0; i < sc->n; i++)
		if (sc->rows[i].id && sc->rows[i].deals && sc->rows[i].largest.units > top.units)
			top = sc->rows[i].largest;
	for (size_t i = 0; top.units > 0 && i < sc->n && !rc; i++) {
		const spm_scorecard_row *r = &sc->rows[i];
		if (!r->id || !r->deals || r->largest.units != top.units)
			continue;
		spm_badge b = {.rep_id = r->id,
		               .name = r->name,
		               .kind = SPM_BADGE_LARGEST_DEAL,
		               .period = j->steps[s],
		               .amount = top,
		               .currency = sc->currency};
		rc = add_badge(j, &b);
	}
	return rc;
}

/* The steps of the query's period that begin by as_of; as_of resolved into *to. */
static int badge_steps(badge_job *j, spm_date *to)
{
	const spm_badge_query *q = j->q;
	size_t n = 0;
	int rc;

	if ((unsigned)q->step > SPM_PERIOD_YEAR || q->step > q->period.kind)
		return spm_error_set(j->err, SPM_EUSAGE,
		                     "badges: a step must be the period's own kind or shorter");
	if ((rc = check_as_of(&q->period, q->as_of, j->err)))
		return rc;
	*to = q->as_of.days && q->as_of.days < q->period.last.days ? q->as_of : q->period.last;
	if (q->step == q->period.kind) {
		j->steps[0] = q->period;
		n = 1;
	} else if (spm_period_split(&q->period, q->step, j->steps, MAX_STEPS, &n)) {
		return spm_error_set(j->err, SPM_EUSAGE, "badges: the period cannot be split");
	}
	while (n > 1 && j->steps[n - 1].first.days > to->days)
		n--;
	j->nsteps = n;
	return SPM_OK;
}

int spm_badges(spm_store *st, const spm_badge_query *q, spm_badge_fn fn, void *ctx, spm_error *err)
{
	badge_job j = {.q = q, .err = err};
	spm_date to = {0};
	int rc;

	if (!q || !fn)
		return spm_error_set(err, SPM_EUSAGE, "badges: no query or no callback");
	j.fd.err = err;
	if ((rc = badge_steps(&j, &to)))
		return rc;
	for (size_t s = 0; s < j.nsteps && !rc; s++) {
		spm_scorecard_query sq = {
		    .level = SPM_LEVEL_REP,
		    .period = j.steps[s],
		    .as_of = to.days < j.steps[s].last.days ? to : j.steps[s].last,
		    .currency = q->currency,
		    .team = q->team,
		};
		rc = spm_scorecard_read(st, &sq, &j.sc[s], err);
	}
	if (!rc) {
		spm_plan_credit rule = {
		    .statuses = 1u << 1, /* won */
		    .date = SPM_DATE_CLOSE,
		    .roles = SPM_CREDIT_OWNER | SPM_CREDIT_SPLIT,
		};
		spm_credit_query cq = {.rule = &rule, .last = to};
		spm_date_from_ymd(&cq.first, 1, 1, 1);
		rc = spm_credits_ex(st, &cq, on_first_deal, &j.fd, err);
	}
	for (size_t s = 0; s < j.nsteps && !rc; s++) {
		if (s == j.nsteps - 1)
			rc = streaks(&j);
		if (!rc)
			rc = first_deals_in(&j, s);
		if (!rc)
			rc = largest_in(&j, s);
	}
	for (size_t i = 0; i < j.n && !rc; i++)
		rc = fn(ctx, &j.list[i]);
	for (size_t s = 0; s < j.nsteps; s++)
		spm_scorecard_free(&j.sc[s]);
	for (size_t i = 0; i < j.fd.n; i++)
		free(j.fd.list[i].rep_id);
	free(j.fd.list);
	free(j.list);
	return rc;
}
