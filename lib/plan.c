/*
 * plan.c - reads a plan file (spm-plan(5)) into the plan model (spm/plan.h), strictly.
 *
 * The YAML layer (ydoc) gives every node a position and typed accessors; this file knows the plan's
 * keys, which are required, their defaults and the rules between them, and reports each fault at
 * the node that causes it. Every string of the plan points into the document, which the plan keeps.
 *
 * The plan's own settings are read before its components, whatever their order in the file, because
 * a component's rules depend on them (curve_on, target_incentive); bonuses come after the
 * components they name.
 */
#include "spm/plan.h"

#include <stdlib.h>
#include <string.h>

#include "spm/currency.h"
#include "spm/ydoc.h"

/* Percentages that may exceed 100% (attainment, curve payouts, multiplier factors) stop here. */
#define RATE_MAX ((spm_rate){1000 * SPM_RATE_ONE})

/* The plan and everything it owns: freed together. */
typedef struct plan_box {
	spm_plan plan;
	spm_ydoc *doc;
	void **owned;
	size_t nowned, cap;
} plan_box;

static void *own(plan_box *box, size_t n, size_t size)
{
	if (box->nowned == box->cap) {
		size_t cap = box->cap ? box->cap * 2 : 16;
		void **p = realloc(box->owned, cap * sizeof *p);
		if (!p)
			return NULL;
		box->owned = p;
		box->cap = cap;
	}
	void *mem = calloc(n ? n : 1, size);
	if (mem)
		box->owned[box->nowned++] = mem;
	return mem;
}

static int nomem(spm_error *err)
{
	return spm_error_set(err, SPM_ENOMEM, "out of memory");
}

/* A required key: its node, or an error located at the mapping. */
static int required(const spm_ydoc *doc, const spm_ynode *map, const char *key,
                    const spm_ynode **out, spm_error *err)
{
	*out = spm_ynode_get(map, key);
	if (!*out || ((*out)->kind == SPM_YSCALAR && (*out)->null))
		return spm_ynode_error(doc, map, err, "missing key '%s'", key);
	return SPM_OK;
}

/* A present, non-null optional key. */
static const spm_ynode *optional(const spm_ynode *map, const char *key)
{
	const spm_ynode *n = spm_ynode_get(map, key);
	return n && !(n->kind == SPM_YSCALAR && n->null) ? n : NULL;
}

/* A mapping whose keys are all among `keys`. */
static int mapping(const spm_ydoc *doc, const spm_ynode *node, const char *const *keys,
                   spm_error *err)
{
	int rc = spm_ynode_expect(doc, node, SPM_YMAP, err);
	return rc ? rc : spm_ynode_check_keys(doc, node, keys, err);
}

/* An amount that is not negative; `what` names it in the message. */
static int money_not_negative(const spm_ydoc *doc, const spm_ynode *node, const char *what,
                              spm_money *out, spm_error *err)
{
	int rc = spm_ynode_money(doc, node, out, err);
	if (rc)
		return rc;
	if (out->units < 0)
		return spm_ynode_error(doc, node, err, "%s cannot be negative", what);
	return SPM_OK;
}

/* Moves a located-nowhere message (from the rates module) to a node of the file. */
static int relocate(const spm_ydoc *doc, const spm_ynode *node, spm_error *err)
{
	char why[sizeof err->message];
	memcpy(why, err->message, sizeof why);
	return spm_ynode_error(doc, node, err, "%s", why);
}

/* One word or a list of words, each among `allowed` when allowed is not NULL. */
static int words(plan_box *box, const spm_ynode *node, const char *const *allowed,
                 spm_plan_words *out, spm_error *err)
{
	const spm_ydoc *doc = box->doc;
	size_t n = node->kind == SPM_YLIST ? node->n : 1;
	const char **list = own(box, n, sizeof *list);
	if (!list)
		return nomem(err);
	for (size_t i = 0; i < n; i++) {
		const spm_ynode *item = node->kind == SPM_YLIST ? node->items[i] : node;
		int rc, index;
		if (allowed)
			rc = spm_ynode_choice(doc, item, allowed, &index, err);
		else
			rc = spm_ynode_text(doc, item, &list[i], err);
		if (rc)
			return rc;
		if (allowed)
			list[i] = allowed[index];
	}
	out->words = list;
	out->n = n;
	return SPM_OK;
}

/* Words among `allowed` as bits 1 << index. */
static int word_bits(plan_box *box, const spm_ynode *node, const char *const *allowed,
                     unsigned *bits, spm_error *err)
{
	spm_plan_words w;
	int rc = words(box, node, allowed, &w, err);
	if (rc)
		return rc;
	if (w.n == 0)
		return spm_ynode_error(box->doc, node, err, "expected at least one value");
	*bits = 0;
	for (size_t i = 0; i < w.n; i++)
		for (unsigned k = 0; allowed[k]; k++)
			if (w.words[i] == allowed[k])
				*bits |= 1u << k;
	return SPM_OK;
}

/* `{from, to}`, both required, to not before from. */
static int parse_window(const spm_ydoc *doc, const spm_ynode *node, spm_date *from, spm_date *to,
                        spm_error *err)
{
	static const char *const keys[] = {"from", "to", NULL};
	const spm_ynode *f, *t;
	int rc;

	if ((rc = mapping(doc, node, keys, err)) || (rc = required(doc, node, "from", &f, err)) ||
	    (rc = spm_ynode_date(doc, f, from, err)) || (rc = required(doc, node, "to", &t, err)) ||
	    (rc = spm_ynode_date(doc, t, to, err)))
		return rc;
	if (to->days < from->days)
		return spm_ynode_error(doc, t, err, "'to' is before 'from'");
	return SPM_OK;
}

/*
 * `where: {attribute: value | [values]}`. The fields that have a key of their own in the credit
 * rule are refused here, so that one filter is never written two ways.
 */
static int parse_where(plan_box *box, const spm_ynode *node, spm_plan_credit *c, spm_error *err)
{
	static const char *const own_keys[] = {"status", "type", "product", "stage", NULL};
	const spm_ydoc *doc = box->doc;
	int rc;

	if ((rc = spm_ynode_expect(doc, node, SPM_YMAP, err)))
		return rc;
	spm_plan_filter *list = own(box, node->n, sizeof *list);
	if (!list)
		return nomem(err);
	for (size_t i = 0; i < node->n; i++) {
		const spm_ynode *key = node->keys[i], *value = node->items[i];
		for (size_t k = 0; own_keys[k]; k++)
			if (strcmp(key->text, own_keys[k]) == 0)
				return spm_ynode_error(doc, key, err,
				                       "use '%s:' for %s, not 'where:'",
				                       own_keys[k], own_keys[k]);
		if (value->kind == SPM_YSCALAR && value->null)
			return spm_ynode_error(doc, value, err, "'where: %s' needs a value",
			                       key->text);
		if (value->kind == SPM_YLIST && value->n == 0)
			return spm_ynode_error(doc, value, err,
			                       "'where: %s' needs at least one value", key->text);
		list[i].field = key->text;
		if ((rc = words(box, value, NULL, &list[i].values, err)))
			return rc;
	}
	c->where = list;
	c->nwhere = node->n;
	return SPM_OK;
}

static const char *const statuses[] = {"open", "won", "lost", NULL};
/* In the order of the SPM_CREDIT_* bits. */
static const char *const roles[] = {"owner", "split", "overlay", "team", "territory", NULL};

/* A credit rule; node may be NULL, which leaves every default. */
static int parse_credit(plan_box *box, const spm_ynode *node, spm_plan_credit *c, spm_error *err)
{
	static const char *const keys[] = {"status", "type",  "product", "stage", "date",
	                                   "roles",  "where", "window",  NULL};
	static const char *const dates[] = {"close_date", "created_date", NULL};
	const spm_ydoc *doc = box->doc;
	const spm_ynode *v;
	int rc, index;

	c->statuses = 1u << 1; /* won */
	c->roles = SPM_CREDIT_OWNER | SPM_CREDIT_SPLIT;
	c->date = SPM_DATE_CLOSE;
	if (!node)
		return SPM_OK;
	if ((rc = mapping(doc, node, keys, err)))
		return rc;
	if ((v = optional(node, "status")) && (rc = word_bits(box, v, statuses, &c->statuses, err)))
		return rc;
	if ((v = optional(node, "type")) && (rc = words(box, v, NULL, &c->types, err)))
		return rc;
	if ((v = optional(node, "product")) && (rc = words(box, v, NULL, &c->products, err)))
		return rc;
	if ((v = optional(node, "stage")) && (rc = words(box, v, NULL, &c->stages, err)))
		return rc;
	if ((v = optional(node, "date"))) {
		if ((rc = spm_ynode_choice(doc, v, dates, &index, err)))
			return rc;
		c->date = index == 0 ? SPM_DATE_CLOSE : SPM_DATE_CREATED;
	}
	if ((v = optional(node, "roles")) && (rc = word_bits(box, v, roles, &c->roles, err)))
		return rc;
	if ((v = optional(node, "where")) && (rc = parse_where(box, v, c, err)))
		return rc;
	if ((v = optional(node, "window"))) {
		if ((rc = parse_window(doc, v, &c->window_from, &c->window_to, err)))
			return rc;
		c->has_window = true;
	}
	return SPM_OK;
}

static int parse_tier(plan_box *box, const spm_ynode *tier, size_t i, size_t n,
                      spm_plan_component *c, spm_tier *list, bool *decelerators, spm_error *err)
{
	static const char *const keys[] = {"upto", "rate", "decelerator", NULL};
	const spm_ydoc *doc = box->doc;
	const spm_ynode *v, *upto;
	int rc;

	if ((rc = mapping(doc, tier, keys, err)) || (rc = required(doc, tier, "rate", &v, err)) ||
	    (rc = spm_ynode_rate(doc, v, (spm_rate){0}, (spm_rate){SPM_RATE_ONE}, &list[i].rate,
	                         err)))
		return rc;
	if ((v = optional(tier, "decelerator")) &&
	    (rc = spm_ynode_bool(doc, v, &decelerators[i], err)))
		return rc;
	if (!(upto = optional(tier, "upto"))) {
		if (i + 1 < n)
			return spm_ynode_error(doc, tier, err,
			                       "only the last tier may leave out 'upto'");
		list[i].unbounded = true;
		return SPM_OK;
	}
	if (c->table.basis == SPM_TIERS_ON_AMOUNT) {
		spm_money m;
		if ((rc = spm_ynode_money(doc, upto, &m, err)))
			return rc;
		list[i].upto = m.units;
	} else {
		spm_rate r;
		if ((rc = spm_ynode_rate(doc, upto, (spm_rate){0}, (spm_rate){INT64_MAX}, &r, err)))
			return rc;
		list[i].upto = r.units;
	}
	if (list[i].upto <= 0)
		return spm_ynode_error(doc, upto, err, "a tier's 'upto' must be above zero");
	if (i > 0 && list[i].upto <= list[i - 1].upto)
		return spm_ynode_error(doc, upto, err,
		                       "tiers must ascend: this 'upto' is not above the previous "
		                       "tier's");
	return SPM_OK;
}

static int parse_table(plan_box *box, const spm_ynode *node, spm_plan_component *c, spm_error *err)
{
	static const char *const keys[] = {"on", "method", "boundary", "tiers", NULL};
	static const char *const bases[] = {"amount", "attainment", NULL};
	static const char *const methods[] = {"graduated", "retroactive", NULL};
	static const char *const boundaries[] = {"below", "above", NULL};
	const spm_ydoc *doc = box->doc;
	const spm_ynode *v, *tiers;
	spm_rate_table *t = &c->table;
	int rc, index;

	if ((rc = mapping(doc, node, keys, err)))
		return rc;
	if ((rc = required(doc, node, "on", &v, err)) ||
	    (rc = spm_ynode_choice(doc, v, bases, &index, err)))
		return rc;
	t->basis = index == 0 ? SPM_TIERS_ON_AMOUNT : SPM_TIERS_ON_ATTAINMENT;
	if (t->basis == SPM_TIERS_ON_ATTAINMENT && !c->quota)
		return spm_ynode_error(doc, v, err,
		                       "a table on attainment needs the component's 'quota'");
	if ((rc = required(doc, node, "method", &v, err)) ||
	    (rc = spm_ynode_choice(doc, v, methods, &index, err)))
		return rc;
	t->method = index == 0 ? SPM_TIERS_GRADUATED : SPM_TIERS_RETROACTIVE;
	t->boundary = SPM_BOUNDARY_BELOW;
	if ((v = optional(node, "boundary"))) {
		if ((rc = spm_ynode_choice(doc, v, boundaries, &index, err)))
			return rc;
		t->boundary = index == 0 ? SPM_BOUNDARY_BELOW : SPM_BOUNDARY_ABOVE;
	}
	if ((rc = required(doc, node, "tiers", &tiers, err)) ||
	    (rc = spm_ynode_expect(doc, tiers, SPM_YLIST, err)))
		return rc;
	if (tiers->n == 0)
		return spm_ynode_error(doc, tiers, err, "a rate table needs at least one tier");
	spm_tier *list = own(box, tiers->n, sizeof *list);
	long *lines = own(box, tiers->n, sizeof *lines);
	bool *decelerators = own(box, tiers->n, sizeof *decelerators);
	if (!list || !lines || !decelerators)
		return nomem(err);
	for (size_t i = 0; i < tiers->n; i++) {
		lines[i] = tiers->items[i]->line;
		if ((rc =
		         parse_tier(box, tiers->items[i], i, tiers->n, c, list, decelerators, err)))
			return rc;
	}
	t->tiers = list;
	t->ntiers = tiers->n;
	c->tier_lines = lines;
	c->decelerators = decelerators;
	if ((rc = spm_rate_table_check(t, err)))
		return relocate(doc, node, err);
	return SPM_OK;
}

/* `{target, points}`: the target is left for the caller to require or derive. */
static int parse_curve(plan_box *box, const spm_ynode *node, spm_plan_curve *cv, spm_error *err)
{
	static const char *const keys[] = {"target", "points", NULL};
	static const char *const point_keys[] = {"attainment", "payout", NULL};
	const spm_ydoc *doc = box->doc;
	const spm_ynode *v, *points;
	int rc;

	if ((rc = mapping(doc, node, keys, err)))
		return rc;
	if ((v = optional(node, "target"))) {
		if ((rc = money_not_negative(doc, v, "a curve's 'target'", &cv->target, err)))
			return rc;
		cv->has_target = true;
	}
	if ((rc = required(doc, node, "points", &points, err)) ||
	    (rc = spm_ynode_expect(doc, points, SPM_YLIST, err)))
		return rc;
	spm_curve_point *list = own(box, points->n, sizeof *list);
	if (!list)
		return nomem(err);
	for (size_t i = 0; i < points->n; i++) {
		const spm_ynode *point = points->items[i];
		if ((rc = mapping(doc, point, point_keys, err)) ||
		    (rc = required(doc, point, "attainment", &v, err)) ||
		    (rc = spm_ynode_rate(doc, v, (spm_rate){0}, RATE_MAX, &list[i].attainment,
		                         err)) ||
		    (rc = required(doc, point, "payout", &v, err)) ||
		    (rc = spm_ynode_rate(doc, v, (spm_rate){0}, RATE_MAX, &list[i].payout, err)))
			return rc;
	}
	if ((rc = spm_curve_check(list, points->n, err)))
		return relocate(doc, points, err);
	cv->points = list;
	cv->npoints = points->n;
	return SPM_OK;
}

static bool measures_money(spm_plan_measure m)
{
	return m == SPM_MEASURE_AMOUNT || m == SPM_MEASURE_MARGIN;
}

static const char *const measure_names[] = {"amount", "count", "margin", "activities", NULL};

static int parse_threshold(plan_box *box, const spm_ynode *node, spm_plan_component *c,
                           spm_error *err)
{
	static const char *const keys[] = {"at", "on", "kind", "boundary", NULL};
	static const char *const bases[] = {"attainment", "amount", NULL};
	static const char *const kinds[] = {"gate", "deductible", NULL};
	static const char *const boundaries[] = {"above", "below", NULL};
	const spm_ydoc *doc = box->doc;
	spm_plan_threshold *t = &c->threshold;
	const spm_ynode *v, *on;
	int rc, index;

	t->kind = SPM_THRESHOLD_GATE;
	t->boundary = SPM_BOUNDARY_ABOVE;
	if ((rc = mapping(doc, node, keys, err)) || (rc = required(doc, node, "on", &on, err)) ||
	    (rc = spm_ynode_choice(doc, on, bases, &index, err)))
		return rc;
	t->basis = index == 0 ? SPM_TIERS_ON_ATTAINMENT : SPM_TIERS_ON_AMOUNT;
	if (t->basis == SPM_TIERS_ON_ATTAINMENT && !c->quota)
		return spm_ynode_error(doc, on, err,
		                       "a threshold on attainment needs the component's 'quota'");
	if (t->basis == SPM_TIERS_ON_AMOUNT && !measures_money(c->measure))
		return spm_ynode_error(doc, on, err,
		                       "a threshold on amount needs measure amount or margin, not "
		                       "'%s'",
		                       measure_names[c->measure]);
	if ((rc = required(doc, node, "at", &v, err)))
		return rc;
	if (t->basis == SPM_TIERS_ON_AMOUNT) {
		spm_money m;
		if ((rc = money_not_negative(doc, v, "a threshold", &m, err)))
			return rc;
		t->at = m.units;
	} else {
		spm_rate r;
		if ((rc = spm_ynode_rate(doc, v, (spm_rate){0}, RATE_MAX, &r, err)))
			return rc;
		t->at = r.units;
	}
	if ((v = optional(node, "kind"))) {
		if ((rc = spm_ynode_choice(doc, v, kinds, &index, err)))
			return rc;
		t->kind = index == 0 ? SPM_THRESHOLD_GATE : SPM_THRESHOLD_DEDUCTIBLE;
	}
	if ((v = optional(node, "boundary"))) {
		if ((rc = spm_ynode_choice(doc, v, boundaries, &index, err)))
			return rc;
		t->boundary = index == 0 ? SPM_BOUNDARY_ABOVE : SPM_BOUNDARY_BELOW;
	}
	t->set = true;
	return SPM_OK;
}

static int parse_multipliers(plan_box *box, const spm_ynode *node, spm_plan_component *c,
                             spm_error *err)
{
	static const char *const keys[] = {"from", "factor", NULL};
	const spm_ydoc *doc = box->doc;
	const spm_ynode *v;
	int rc;

	if ((rc = spm_ynode_expect(doc, node, SPM_YLIST, err)))
		return rc;
	if (!c->quota)
		return spm_ynode_error(doc, node, err, "multipliers need the component's 'quota'");
	if (node->n == 0)
		return spm_ynode_error(doc, node, err, "'multipliers' needs at least one");
	spm_plan_multiplier *list = own(box, node->n, sizeof *list);
	if (!list)
		return nomem(err);
	for (size_t i = 0; i < node->n; i++) {
		const spm_ynode *m = node->items[i];
		list[i].line = m->line;
		if ((rc = mapping(doc, m, keys, err)) || (rc = required(doc, m, "from", &v, err)) ||
		    (rc = spm_ynode_rate(doc, v, (spm_rate){0}, RATE_MAX, &list[i].at, err)))
			return rc;
		if (i > 0 && list[i].at.units <= list[i - 1].at.units)
			return spm_ynode_error(doc, v, err,
			                       "multipliers must ascend: this 'from' is not above "
			                       "the previous one's");
		if ((rc = required(doc, m, "factor", &v, err)) ||
		    (rc = spm_ynode_rate(doc, v, (spm_rate){0}, RATE_MAX, &list[i].factor, err)))
			return rc;
	}
	c->multipliers = list;
	c->nmultipliers = node->n;
	return SPM_OK;
}

static int parse_component_cap(plan_box *box, const spm_ynode *node, spm_plan_component *c,
                               spm_error *err)
{
	static const char *const keys[] = {"payout", "per_deal", NULL};
	const spm_ydoc *doc = box->doc;
	const spm_ynode *v;
	int rc;

	if ((rc = mapping(doc, node, keys, err)))
		return rc;
	if ((v = optional(node, "payout"))) {
		if ((rc = money_not_negative(doc, v, "a cap", &c->cap, err)))
			return rc;
		c->has_cap = true;
	}
	if ((v = optional(node, "per_deal"))) {
		if ((rc = money_not_negative(doc, v, "a cap", &c->deal_cap, err)))
			return rc;
		c->has_deal_cap = true;
	}
	if (!c->has_cap && !c->has_deal_cap)
		return spm_ynode_error(doc, node, err, "'cap' needs 'payout' or 'per_deal'");
	return SPM_OK;
}

static const char *const activity_kinds[] = {"call", "email", "meeting", "webinar",
                                             "demo", "task",  "other",   NULL};

/* Under `curve_on: weighted` a component is measured only: the plan's curve pays. */
static int parse_measured_only(plan_box *box, const spm_ynode *node, spm_plan_component *c,
                               spm_error *err)
{
	static const char *const pays[] = {"rate",      "per_unit",    "rates", "curve",
	                                   "threshold", "multipliers", NULL};
	const spm_ydoc *doc = box->doc;
	const spm_ynode *v;

	for (size_t i = 0; pays[i]; i++)
		if ((v = spm_ynode_get(node, pays[i])))
			return spm_ynode_error(
			    doc, v, err,
			    "component '%s' is paid by the plan's weighted curve: "
			    "'%s' does not apply",
			    c->name, pays[i]);
	if (!c->quota)
		return spm_ynode_error(doc, node, err,
		                       "component '%s' needs 'quota' under 'curve_on: weighted'",
		                       c->name);
	if (!c->has_weight)
		return spm_ynode_error(doc, node, err,
		                       "component '%s' needs 'weight' under 'curve_on: weighted'",
		                       c->name);
	c->pay = SPM_PAY_NONE;
	return SPM_OK;
}

/* The one key that says how the component pays: rate, per_unit, rates or curve. */
static int parse_pay(plan_box *box, const spm_ynode *node, spm_plan_component *c, spm_error *err)
{
	static const char *const pays[] = {"rate", "per_unit", "rates", "curve", NULL};
	const spm_ydoc *doc = box->doc;
	const spm_ynode *v = NULL, *first = NULL;
	size_t which = 0;
	int rc;

	if (box->plan.curve_on == SPM_CURVE_WEIGHTED)
		return parse_measured_only(box, node, c, err);
	for (size_t i = 0; pays[i]; i++) {
		const spm_ynode *n = optional(node, pays[i]);
		if (!n)
			continue;
		if (first)
			return spm_ynode_error(doc, n, err, "give '%s' or '%s', not both",
			                       pays[which], pays[i]);
		first = n;
		which = i;
	}
	if (!first)
		return spm_ynode_error(
		    doc, node, err, "component '%s' needs 'rate', 'per_unit', 'rates' or 'curve'",
		    c->name);
	v = first;
	if (which == 0 || which == 2) {
		if (!measures_money(c->measure))
			return spm_ynode_error(doc, v, err,
			                       "'%s' needs measure amount or margin, not '%s'%s",
			                       pays[which], measure_names[c->measure],
			                       which == 0 ? "; use 'per_unit'" : "");
	} else if (which == 1 && measures_money(c->measure)) {
		return spm_ynode_error(doc, v, err,
		                       "'per_unit' needs measure count or activities, not '%s'; "
		                       "use 'rate'",
		                       measure_names[c->measure]);
	}
	switch (which) {
	case 0:
		c->pay = SPM_PAY_RATE;
		return spm_ynode_rate(doc, v, (spm_rate){0}, (spm_rate){SPM_RATE_ONE}, &c->rate,
		                      err);
	case 1:
		c->pay = SPM_PAY_PER_UNIT;
		return money_not_negative(doc, v, "'per_unit'", &c->per_unit, err);
	case 2:
		c->pay = SPM_PAY_TABLE;
		return parse_table(box, v, c, err);
	default:
		c->pay = SPM_PAY_CURVE;
		if (!c->quota)
			return spm_ynode_error(doc, v, err,
			                       "a curve needs the component's 'quota'");
		if ((rc = parse_curve(box, v, &c->curve, err)))
			return rc;
		if (!c->curve.has_target && !(box->plan.has_target && c->has_weight))
			return spm_ynode_error(doc, v, err,
			                       "a curve without 'target' needs the plan's "
			                       "'target_incentive' and the component's 'weight'");
		return SPM_OK;
	}
}

static int parse_measure(plan_box *box, const spm_ynode *node, spm_plan_component *c,
                         spm_error *err)
{
	const spm_ydoc *doc = box->doc;
	const spm_ynode *v;
	int rc, index;

	c->measure = SPM_MEASURE_AMOUNT;
	if ((v = optional(node, "measure"))) {
		if ((rc = spm_ynode_choice(doc, v, measure_names, &index, err)))
			return rc;
		c->measure = (spm_plan_measure)index;
	}
	if ((v = optional(node, "activities"))) {
		if (c->measure != SPM_MEASURE_ACTIVITIES)
			return spm_ynode_error(doc, v, err,
			                       "'activities' needs 'measure: activities'");
		if ((rc = words(box, v, activity_kinds, &c->activity_kinds, err)))
			return rc;
	}
	return SPM_OK;
}

static int parse_component(plan_box *box, const spm_ynode *node, spm_plan_component *c,
                           spm_error *err)
{
	static const char *const keys[] = {
	    "name",     "weight", "credit", "measure",   "activities",  "quota", "rate",
	    "per_unit", "rates",  "curve",  "threshold", "multipliers", "cap",   NULL};
	const spm_ydoc *doc = box->doc;
	const spm_ynode *v;
	int rc;

	c->line = node->line;
	if ((rc = mapping(doc, node, keys, err)) || (rc = required(doc, node, "name", &v, err)) ||
	    (rc = spm_ynode_text(doc, v, &c->name, err)))
		return rc;
	if ((v = optional(node, "weight"))) {
		if ((rc = spm_ynode_rate(doc, v, (spm_rate){0}, (spm_rate){SPM_RATE_ONE},
		                         &c->weight, err)))
			return rc;
		c->has_weight = true;
	}
	if ((rc = parse_credit(box, optional(node, "credit"), &c->credit, err)) ||
	    (rc = parse_measure(box, node, c, err)))
		return rc;
	if ((v = optional(node, "quota")) && (rc = spm_ynode_text(doc, v, &c->quota, err)))
		return rc;
	if ((rc = parse_pay(box, node, c, err)))
		return rc;
	if ((v = optional(node, "threshold")) && (rc = parse_threshold(box, v, c, err)))
		return rc;
	if ((v = optional(node, "multipliers")) && (rc = parse_multipliers(box, v, c, err)))
		return rc;
	if ((v = optional(node, "cap"))) {
		if ((rc = parse_component_cap(box, v, c, err)))
			return rc;
		if (c->has_cap && c->pay == SPM_PAY_NONE)
			return spm_ynode_error(
			    doc, spm_ynode_get(v, "payout"), err,
			    "component '%s' is paid by the plan's weighted curve: "
			    "cap its pay with the plan's 'cap'",
			    c->name);
	}
	return SPM_OK;
}

/* When any component has a weight, all have one, and the weights make exactly 100%. */
static int check_weights(plan_box *box, const spm_ynode *list, spm_error *err)
{
	const spm_ydoc *doc = box->doc;
	const spm_plan *p = &box->plan;
	const spm_plan_component *with = NULL;
	int64_t sum = 0;

	for (size_t i = 0; i < p->ncomponents; i++)
		if (p->components[i].has_weight)
			with = &p->components[i];
	if (!with)
		return SPM_OK;
	for (size_t i = 0; i < p->ncomponents; i++) {
		const spm_plan_component *c = &p->components[i];
		if (!c->has_weight)
			return spm_ynode_error(
			    doc, list->items[i], err,
			    "component '%s' needs 'weight': component '%s' has one", c->name,
			    with->name);
		sum += c->weight.units; /* each at most 100%: no overflow for any real list */
	}
	if (sum != SPM_RATE_ONE) {
		char buf[SPM_NUM_BUFSZ];
		spm_rate_format(buf, sizeof buf, (spm_rate){sum}, true);
		return spm_ynode_error(doc,
		                       spm_ynode_get(list->items[p->ncomponents - 1], "weight"),
		                       err, "weights add up to %s, not 100%%", buf);
	}
	return SPM_OK;
}

static int parse_components(plan_box *box, const spm_ynode *list, spm_error *err)
{
	const spm_ydoc *doc = box->doc;
	int rc;

	if ((rc = spm_ynode_expect(doc, list, SPM_YLIST, err)))
		return rc;
	if (list->n == 0)
		return spm_ynode_error(doc, list, err, "a plan needs at least one component");
	spm_plan_component *cs = own(box, list->n, sizeof *cs);
	if (!cs)
		return nomem(err);
	for (size_t i = 0; i < list->n; i++) {
		if ((rc = parse_component(box, list->items[i], &cs[i], err)))
			return rc;
		for (size_t j = 0; j < i; j++)
			if (strcmp(cs[j].name, cs[i].name) == 0)
				return spm_ynode_error(doc, spm_ynode_get(list->items[i], "name"),
				                       err,
				                       "component '%s' appears twice (first on "
				                       "line %ld)",
				                       cs[i].name, cs[j].line);
	}
	box->plan.components = cs;
	box->plan.ncomponents = list->n;
	return check_weights(box, list, err);
}

static const spm_plan_component *find_component(const spm_plan *p, const char *name)
{
	for (size_t i = 0; i < p->ncomponents; i++)
		if (strcmp(p->components[i].name, name) == 0)
			return &p->components[i];
	return NULL;
}

/* `when: {component, attainment}`: a component of this plan that has a quota. */
static int parse_when(plan_box *box, const spm_ynode *node, spm_plan_bonus *b, spm_error *err)
{
	static const char *const keys[] = {"component", "attainment", NULL};
	const spm_ydoc *doc = box->doc;
	const spm_plan_component *c;
	const spm_ynode *v;
	int rc;

	if ((rc = mapping(doc, node, keys, err)) ||
	    (rc = required(doc, node, "component", &v, err)) ||
	    (rc = spm_ynode_text(doc, v, &b->component, err)))
		return rc;
	if (!(c = find_component(&box->plan, b->component)))
		return spm_ynode_error(doc, v, err, "no component '%s' in this plan", b->component);
	if (!c->quota)
		return spm_ynode_error(
		    doc, v, err, "component '%s' has no 'quota', so no attainment", b->component);
	if ((rc = required(doc, node, "attainment", &v, err)))
		return rc;
	return spm_ynode_rate(doc, v, (spm_rate){0}, RATE_MAX, &b->min_attainment, err);
}

static int parse_bonus(plan_box *box, const spm_ynode *node, spm_plan_bonus *b, spm_error *err)
{
	static const char *const keys[] = {"name", "amount", "per_deal", "credit",
	                                   "when", "window", "prorate",  NULL};
	const spm_ydoc *doc = box->doc;
	const spm_ynode *v, *amount, *per_deal, *credit, *window;
	int rc;

	b->line = node->line;
	if ((rc = mapping(doc, node, keys, err)) || (rc = required(doc, node, "name", &v, err)) ||
	    (rc = spm_ynode_text(doc, v, &b->name, err)))
		return rc;
	amount = optional(node, "amount");
	per_deal = optional(node, "per_deal");
	credit = optional(node, "credit");
	window = optional(node, "window");
	if (amount && per_deal)
		return spm_ynode_error(doc, per_deal, err, "give 'amount' or 'per_deal', not both");
	if (!amount && !per_deal)
		return spm_ynode_error(doc, node, err, "bonus '%s' needs 'amount' or 'per_deal'",
		                       b->name);
	b->kind = amount ? SPM_BONUS_FIXED : SPM_BONUS_PER_DEAL;
	if ((rc = money_not_negative(doc, amount ? amount : per_deal, "a bonus", &b->amount, err)))
		return rc;
	if (amount && credit)
		return spm_ynode_error(doc, credit, err,
		                       "'credit' is for a bonus paid 'per_deal', not a fixed "
		                       "'amount'");
	if ((rc = parse_credit(box, credit, &b->credit, err)))
		return rc;
	if ((v = optional(node, "when")) && (rc = parse_when(box, v, b, err)))
		return rc;
	if (window && b->kind == SPM_BONUS_FIXED) {
		if ((rc = parse_window(doc, window, &b->from, &b->to, err)))
			return rc;
		b->has_window = true;
	} else if (window) {
		if (b->credit.has_window)
			return spm_ynode_error(doc, window, err,
			                       "give 'window' or 'credit: {window}', not both");
		if ((rc = parse_window(doc, window, &b->credit.window_from, &b->credit.window_to,
		                       err)))
			return rc;
		b->credit.has_window = true;
	}
	if ((v = optional(node, "prorate"))) {
		if (b->kind != SPM_BONUS_FIXED)
			return spm_ynode_error(
			    doc, v, err,
			    "'prorate' is for a fixed 'amount', not a bonus paid "
			    "'per_deal'");
		if ((rc = spm_ynode_bool(doc, v, &b->prorate, err)))
			return rc;
	}
	return SPM_OK;
}

static int parse_override(plan_box *box, const spm_ynode *node, spm_plan_override *o,
                          spm_error *err)
{
	static const char *const keys[] = {"name", "rate", "credit", "levels", "above", NULL};
	static const char *const levels[] = {"all", "direct", NULL};
	const spm_ydoc *doc = box->doc;
	const spm_ynode *v;
	int rc, index;

	o->line = node->line;
	o->all_levels = true;
	if ((rc = mapping(doc, node, keys, err)) || (rc = required(doc, node, "name", &v, err)) ||
	    (rc = spm_ynode_text(doc, v, &o->name, err)) ||
	    (rc = required(doc, node, "rate", &v, err)) ||
	    (rc = spm_ynode_rate(doc, v, (spm_rate){0}, (spm_rate){SPM_RATE_ONE}, &o->rate, err)))
		return rc;
	if ((rc = parse_credit(box, (v = optional(node, "credit")), &o->credit, err)))
		return rc;
	/* the team is the override's own subject: its members' credits are their own roles */
	if (o->credit.roles & (SPM_CREDIT_TEAM | SPM_CREDIT_TERRITORY))
		return spm_ynode_error(doc, spm_ynode_get(v, "roles"), err,
		                       "an override's roles are those of the team's own credits: "
		                       "owner, split or overlay");
	if ((v = optional(node, "levels"))) {
		if ((rc = spm_ynode_choice(doc, v, levels, &index, err)))
			return rc;
		o->all_levels = index == 0;
	}
	if ((v = optional(node, "above"))) {
		if ((rc = money_not_negative(doc, v, "'above'", &o->above, err)))
			return rc;
		o->has_above = true;
	}
	return SPM_OK;
}

/* Bonuses and overrides: lists of named entries, each name once. */
static int parse_bonuses(plan_box *box, const spm_ynode *list, spm_error *err)
{
	const spm_ydoc *doc = box->doc;
	int rc;

	if ((rc = spm_ynode_expect(doc, list, SPM_YLIST, err)))
		return rc;
	spm_plan_bonus *bs = own(box, list->n, sizeof *bs);
	if (!bs)
		return nomem(err);
	for (size_t i = 0; i < list->n; i++) {
		if ((rc = parse_bonus(box, list->items[i], &bs[i], err)))
			return rc;
		for (size_t j = 0; j < i; j++)
			if (strcmp(bs[j].name, bs[i].name) == 0)
				return spm_ynode_error(
				    doc, spm_ynode_get(list->items[i], "name"), err,
				    "bonus '%s' appears twice (first on line %ld)", bs[i].name,
				    bs[j].line);
	}
	box->plan.bonuses = bs;
	box->plan.nbonuses = list->n;
	return SPM_OK;
}

static int parse_overrides(plan_box *box, const spm_ynode *list, spm_error *err)
{
	const spm_ydoc *doc = box->doc;
	int rc;

	if ((rc = spm_ynode_expect(doc, list, SPM_YLIST, err)))
		return rc;
	spm_plan_override *os = own(box, list->n, sizeof *os);
	if (!os)
		return nomem(err);
	for (size_t i = 0; i < list->n; i++) {
		if ((rc = parse_override(box, list->items[i], &os[i], err)))
			return rc;
		for (size_t j = 0; j < i; j++)
			if (strcmp(os[j].name, os[i].name) == 0)
				return spm_ynode_error(doc, spm_ynode_get(list->items[i], "name"),
				                       err,
				                       "override '%s' appears twice (first on line "
				                       "%ld)",
				                       os[i].name, os[j].line);
	}
	box->plan.overrides = os;
	box->plan.noverrides = list->n;
	return SPM_OK;
}

static int parse_rounding(plan_box *box, const spm_ynode *node, spm_error *err)
{
	static const char *const keys[] = {"mode", "places", "on", NULL};
	static const char *const modes[] = {"half-up", "half-even", "half-down", "up",
	                                    "down",    "ceiling",   "floor",     NULL};
	static const char *const rounding_on[] = {"line", "total", NULL};
	const spm_ydoc *doc = box->doc;
	spm_plan *p = &box->plan;
	const spm_ynode *v;
	int64_t places;
	int rc, index;

	p->rounding = SPM_ROUND_HALF_UP;
	p->rounding_places = 2;
	p->rounding_on = SPM_ROUND_EACH_LINE;
	if (!node)
		return SPM_OK;
	if ((rc = mapping(doc, node, keys, err)))
		return rc;
	if ((v = optional(node, "mode"))) {
		if ((rc = spm_ynode_choice(doc, v, modes, &index, err)))
			return rc;
		spm_rounding_parse(&p->rounding, modes[index]);
	}
	if ((v = optional(node, "places"))) {
		if ((rc = spm_ynode_int(doc, v, 0, SPM_MONEY_SCALE, &places, err)))
			return rc;
		p->rounding_places = (int)places;
	}
	if ((v = optional(node, "on"))) {
		if ((rc = spm_ynode_choice(doc, v, rounding_on, &index, err)))
			return rc;
		p->rounding_on = index == 0 ? SPM_ROUND_EACH_LINE : SPM_ROUND_TOTAL;
	}
	return SPM_OK;
}

/* plan, currency, period, evaluation, effective, rounding. */
static int parse_header(plan_box *box, const spm_ynode *root, spm_error *err)
{
	static const char *const periods[] = {"month", "quarter", "half", "year", NULL};
	static const spm_period_kind period_kinds[] = {SPM_PERIOD_MONTH, SPM_PERIOD_QUARTER,
	                                               SPM_PERIOD_HALF, SPM_PERIOD_YEAR};
	static const char *const evaluations[] = {"period", "quarter-to-date", "year-to-date",
	                                          NULL};
	static const char *const effective_keys[] = {"from", "to", NULL};
	const spm_ydoc *doc = box->doc;
	const spm_ynode *v, *w;
	spm_plan *p = &box->plan;
	const char *text;
	int rc, index;

	if ((rc = required(doc, root, "plan", &v, err)) ||
	    (rc = spm_ynode_text(doc, v, &p->name, err)))
		return rc;
	if ((rc = required(doc, root, "currency", &v, err)) ||
	    (rc = spm_ynode_text(doc, v, &text, err)))
		return rc;
	if (!spm_currency_valid(text, strlen(text)))
		return spm_ynode_error(doc, v, err, "unknown currency code '%s'", text);
	memcpy(p->currency, text, 4);
	if ((rc = required(doc, root, "period", &v, err)) ||
	    (rc = spm_ynode_choice(doc, v, periods, &index, err)))
		return rc;
	p->period = period_kinds[index];
	p->evaluation = SPM_EVAL_PERIOD;
	if ((v = optional(root, "evaluation"))) {
		if ((rc = spm_ynode_choice(doc, v, evaluations, &index, err)))
			return rc;
		p->evaluation = (spm_plan_evaluation)index;
	}
	if ((rc = required(doc, root, "effective", &v, err)) ||
	    (rc = mapping(doc, v, effective_keys, err)) ||
	    (rc = required(doc, v, "from", &w, err)) ||
	    (rc = spm_ynode_date(doc, w, &p->from, err)))
		return rc;
	if ((w = optional(v, "to"))) {
		if ((rc = spm_ynode_date(doc, w, &p->to, err)))
			return rc;
		if (p->to.days < p->from.days)
			return spm_ynode_error(doc, w, err, "'to' is before 'from'");
		p->has_to = true;
	}
	return parse_rounding(box, optional(root, "rounding"), err);
}

static int parse_draw(plan_box *box, const spm_ynode *node, spm_error *err)
{
	static const char *const keys[] = {"amount", "recoverable", "recover_at_most", "on_leave",
	                                   NULL};
	static const char *const on_leave[] = {"forgive", "recover", NULL};
	const spm_ydoc *doc = box->doc;
	spm_plan_draw *d = &box->plan.draw;
	const spm_ynode *v;
	int rc, index;

	if ((rc = mapping(doc, node, keys, err)) || (rc = required(doc, node, "amount", &v, err)) ||
	    (rc = money_not_negative(doc, v, "a draw", &d->amount, err)))
		return rc;
	if ((v = optional(node, "recoverable")) &&
	    (rc = spm_ynode_bool(doc, v, &d->recoverable, err)))
		return rc;
	if ((v = optional(node, "recover_at_most"))) {
		if (!d->recoverable)
			return spm_ynode_error(doc, v, err,
			                       "'recover_at_most' needs 'recoverable: true'");
		if ((rc = spm_ynode_rate(doc, v, (spm_rate){0}, (spm_rate){SPM_RATE_ONE}, &d->limit,
		                         err)))
			return rc;
		if (d->limit.units == 0)
			return spm_ynode_error(
			    doc, v, err,
			    "'recover_at_most' must be above 0%%: a draw that is "
			    "never recovered is 'recoverable: false'");
		d->has_limit = true;
	}
	if ((v = optional(node, "on_leave"))) {
		if ((rc = spm_ynode_choice(doc, v, on_leave, &index, err)))
			return rc;
		if (index == 1 && !d->recoverable)
			return spm_ynode_error(doc, v, err,
			                       "'on_leave: recover' needs 'recoverable: true'");
		d->recover_on_leave = index == 1;
	}
	d->set = true;
	return SPM_OK;
}

/* A `{key: choice}` mapping of one key, or a bare choice when key is NULL; *index keeps its
 * default when the node is absent. */
static int parse_choice(plan_box *box, const spm_ynode *node, const char *key,
                        const char *const *choices, int *index, spm_error *err)
{
	const spm_ydoc *doc = box->doc;
	const char *const keys[] = {key, NULL};
	const spm_ynode *v = node;
	int rc;

	if (!node)
		return SPM_OK;
	if (key &&
	    ((rc = mapping(doc, node, keys, err)) || (rc = required(doc, node, key, &v, err))))
		return rc;
	return spm_ynode_choice(doc, v, choices, index, err);
}

/* Target incentive and curve_on (which the components depend on), cap, proration, fx, negative,
 * clawback, draw. */
static int parse_settings(plan_box *box, const spm_ynode *root, spm_error *err)
{
	static const char *const curve_ons[] = {"component", "weighted", NULL};
	static const char *const prorations[] = {"days", "months", "none", NULL};
	static const char *const fx_dates[] = {"close", "period-end", NULL};
	static const char *const negatives[] = {"carry", "pay", NULL};
	static const char *const cap_keys[] = {"payout", NULL};
	static const char *const clawback_keys[] = {"within_days", NULL};
	const spm_ydoc *doc = box->doc;
	spm_plan *p = &box->plan;
	const spm_ynode *v, *w, *curve_on;
	int rc, index;

	if ((v = optional(root, "target_incentive"))) {
		if ((rc = money_not_negative(doc, v, "'target_incentive'", &p->target_incentive,
		                             err)))
			return rc;
		p->has_target = true;
	}
	index = 0;
	if ((rc = parse_choice(box, (curve_on = optional(root, "curve_on")), NULL, curve_ons,
	                       &index, err)))
		return rc;
	p->curve_on = index == 0 ? SPM_CURVE_PER_COMPONENT : SPM_CURVE_WEIGHTED;
	v = optional(root, "curve");
	if (p->curve_on == SPM_CURVE_WEIGHTED && !v)
		return spm_ynode_error(doc, curve_on, err,
		                       "'curve_on: weighted' needs the plan's 'curve'");
	if (p->curve_on != SPM_CURVE_WEIGHTED && v)
		return spm_ynode_error(doc, v, err,
		                       "the plan's 'curve' needs 'curve_on: weighted'; a "
		                       "component's curve goes in the component");
	if (v) {
		if ((rc = parse_curve(box, v, &p->curve, err)))
			return rc;
		if (!p->curve.has_target && !p->has_target)
			return spm_ynode_error(doc, v, err,
			                       "the plan's curve needs 'target' or the plan's "
			                       "'target_incentive'");
	}
	if ((v = optional(root, "cap"))) {
		if ((rc = mapping(doc, v, cap_keys, err)) ||
		    (rc = required(doc, v, "payout", &w, err)) ||
		    (rc = money_not_negative(doc, w, "a cap", &p->cap, err)))
			return rc;
		p->has_cap = true;
	}
	index = 0;
	if ((rc = parse_choice(box, optional(root, "proration"), NULL, prorations, &index, err)))
		return rc;
	p->proration = (spm_plan_proration)index;
	index = 0;
	if ((rc = parse_choice(box, optional(root, "fx"), "date", fx_dates, &index, err)))
		return rc;
	p->fx_date = index == 0 ? SPM_FX_CLOSE_DATE : SPM_FX_PERIOD_END;
	index = 0;
	if ((rc = parse_choice(box, optional(root, "negative"), NULL, negatives, &index, err)))
		return rc;
	p->negative = index == 0 ? SPM_NEGATIVE_CARRY : SPM_NEGATIVE_PAY;
	if ((v = optional(root, "clawback"))) {
		int64_t days;
		if ((rc = mapping(doc, v, clawback_keys, err)) ||
		    (rc = required(doc, v, "within_days", &w, err)) ||
		    (rc = spm_ynode_int(doc, w, 0, 3660, &days, err)))
			return rc;
		p->has_clawback = true;
		p->clawback_days = (int)days;
	}
	if ((v = optional(root, "draw")) && (rc = parse_draw(box, v, err)))
		return rc;
	return SPM_OK;
}

static int parse_plan(plan_box *box, spm_error *err)
{
	static const char *const keys[] = {"plan",
	                                   "currency",
	                                   "period",
	                                   "evaluation",
	                                   "effective",
	                                   "rounding",
	                                   "target_incentive",
	                                   "curve_on",
	                                   "curve",
	                                   "cap",
	                                   "proration",
	                                   "fx",
	                                   "negative",
	                                   "clawback",
	                                   "draw",
	                                   "components",
	                                   "bonuses",
	                                   "overrides",
	                                   NULL};
	const spm_ydoc *doc = box->doc;
	const spm_ynode *root = spm_ydoc_root(doc), *v;
	int rc;

	if ((rc = mapping(doc, root, keys, err)) || (rc = parse_header(box, root, err)) ||
	    (rc = parse_settings(box, root, err)) ||
	    (rc = required(doc, root, "components", &v, err)) ||
	    (rc = parse_components(box, v, err)))
		return rc;
	if ((v = optional(root, "bonuses")) && (rc = parse_bonuses(box, v, err)))
		return rc;
	if ((v = optional(root, "overrides")) && (rc = parse_overrides(box, v, err)))
		return rc;
	return SPM_OK;
}

int spm_plan_parse(spm_plan **out, const char *source, const char *text, size_t len, spm_error *err)
{
	plan_box *box = calloc(1, sizeof *box);
	int rc;

	*out = NULL;
	if (!box)
		return nomem(err);
	if ((rc = spm_ydoc_parse(&box->doc, source, text, len, err)) == SPM_OK) {
		box->plan.source = spm_ydoc_source(box->doc);
		rc = parse_plan(box, err);
	}
	if (rc) {
		spm_plan_free(&box->plan);
		return rc;
	}
	*out = &box->plan;
	return SPM_OK;
}

void spm_plan_free(spm_plan *plan)
{
	if (!plan)
		return;
	plan_box *box = (plan_box *)plan; /* the plan is the box's first member */
	for (size_t i = 0; i < box->nowned; i++)
		free(box->owned[i]);
	free(box->owned);
	spm_ydoc_free(box->doc);
	free(box);
}
