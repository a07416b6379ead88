/*
 * plan.c - reads a plan file (spm-plan(5)) into the plan model (spm/plan.h), strictly.
 *
 * The YAML layer (ydoc) gives every node a position and typed accessors; this file knows the plan's
 * keys, which are required, their defaults and the rules between them, and reports each fault at
 * the node that causes it. Every string of the plan points into the document, which the plan keeps.
 */
#include "spm/plan.h"

#include <stdlib.h>
#include <string.h>

#include "spm/currency.h"
#include "spm/ydoc.h"

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

static const char *const statuses[] = {"open", "won", "lost", NULL};
static const char *const roles[] = {"owner", "split", "overlay", NULL};

static int parse_credit(plan_box *box, const spm_ynode *node, spm_plan_credit *c, spm_error *err)
{
	static const char *const keys[] = {"status", "type",  "product", "stage",
	                                   "date",   "roles", NULL};
	static const char *const dates[] = {"close_date", "created_date", NULL};
	const spm_ydoc *doc = box->doc;
	const spm_ynode *v;
	int rc, index;

	c->statuses = 1u << 1; /* won */
	c->roles = SPM_CREDIT_OWNER | SPM_CREDIT_SPLIT;
	c->date = SPM_DATE_CLOSE;
	if (!node)
		return SPM_OK;
	if ((rc = spm_ynode_expect(doc, node, SPM_YMAP, err)) ||
	    (rc = spm_ynode_check_keys(doc, node, keys, err)))
		return rc;
	if ((v = optional(node, "status"))) {
		spm_plan_words w;
		if ((rc = words(box, v, statuses, &w, err)))
			return rc;
		c->statuses = 0;
		for (size_t i = 0; i < w.n; i++)
			for (unsigned k = 0; statuses[k]; k++)
				if (w.words[i] == statuses[k])
					c->statuses |= 1u << k;
	}
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
	if ((v = optional(node, "roles"))) {
		spm_plan_words w;
		if ((rc = words(box, v, roles, &w, err)))
			return rc;
		c->roles = 0;
		for (size_t i = 0; i < w.n; i++)
			for (unsigned k = 0; roles[k]; k++)
				if (w.words[i] == roles[k])
					c->roles |= 1u << k;
	}
	return SPM_OK;
}

static int parse_table(plan_box *box, const spm_ynode *node, spm_plan_component *c, spm_error *err)
{
	static const char *const keys[] = {"on", "method", "boundary", "tiers", NULL};
	static const char *const tier_keys[] = {"upto", "rate", NULL};
	static const char *const bases[] = {"amount", "attainment", NULL};
	static const char *const methods[] = {"graduated", "retroactive", NULL};
	static const char *const boundaries[] = {"below", "above", NULL};
	const spm_ydoc *doc = box->doc;
	const spm_ynode *v, *tiers;
	spm_rate_table *t = &c->table;
	int rc, index;

	if ((rc = spm_ynode_expect(doc, node, SPM_YMAP, err)) ||
	    (rc = spm_ynode_check_keys(doc, node, keys, err)))
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
	if (!list || !lines)
		return nomem(err);
	for (size_t i = 0; i < tiers->n; i++) {
		const spm_ynode *tier = tiers->items[i], *upto;
		lines[i] = tier->line;
		if ((rc = spm_ynode_expect(doc, tier, SPM_YMAP, err)) ||
		    (rc = spm_ynode_check_keys(doc, tier, tier_keys, err)) ||
		    (rc = required(doc, tier, "rate", &v, err)) ||
		    (rc = spm_ynode_rate(doc, v, (spm_rate){0}, (spm_rate){SPM_RATE_ONE},
		                         &list[i].rate, err)))
			return rc;
		if (!(upto = optional(tier, "upto"))) {
			if (i + 1 < tiers->n)
				return spm_ynode_error(doc, tier, err,
				                       "only the last tier may leave out 'upto'");
			list[i].unbounded = true;
			continue;
		}
		if (t->basis == SPM_TIERS_ON_AMOUNT) {
			spm_money m;
			if ((rc = spm_ynode_money(doc, upto, &m, err)))
				return rc;
			list[i].upto = m.units;
		} else {
			spm_rate r;
			if ((rc = spm_ynode_rate(doc, upto, (spm_rate){0}, (spm_rate){INT64_MAX},
			                         &r, err)))
				return rc;
			list[i].upto = r.units;
		}
		if (list[i].upto <= 0)
			return spm_ynode_error(doc, upto, err,
			                       "a tier's 'upto' must be above zero");
		if (i > 0 && list[i].upto <= list[i - 1].upto)
			return spm_ynode_error(doc, upto, err,
			                       "tiers must ascend: this 'upto' is not above the "
			                       "previous tier's");
	}
	t->tiers = list;
	t->ntiers = tiers->n;
	c->tier_lines = lines;
	if ((rc = spm_rate_table_check(t, err))) {
		char why[sizeof err->message];
		memcpy(why, err->message, sizeof why);
		return spm_ynode_error(doc, node, err, "%s", why);
	}
	return SPM_OK;
}

static int parse_component(plan_box *box, const spm_ynode *node, spm_plan_component *c,
                           spm_error *err)
{
	static const char *const keys[] = {"name", "weight", "credit", "measure", "quota",
	                                   "rate", "rates",  "cap",    NULL};
	static const char *const measures[] = {"amount", NULL};
	static const char *const cap_keys[] = {"payout", NULL};
	const spm_ydoc *doc = box->doc;
	const spm_ynode *v, *rate, *rates;
	int rc, index;

	c->line = node->line;
	if ((rc = spm_ynode_expect(doc, node, SPM_YMAP, err)) ||
	    (rc = spm_ynode_check_keys(doc, node, keys, err)) ||
	    (rc = required(doc, node, "name", &v, err)) ||
	    (rc = spm_ynode_text(doc, v, &c->name, err)))
		return rc;
	if ((v = optional(node, "weight"))) {
		if ((rc = spm_ynode_rate(doc, v, (spm_rate){0}, (spm_rate){SPM_RATE_ONE},
		                         &c->weight, err)))
			return rc;
		c->has_weight = true;
	}
	if ((rc = parse_credit(box, optional(node, "credit"), &c->credit, err)))
		return rc;
	c->measure = SPM_MEASURE_AMOUNT;
	if ((v = optional(node, "measure")) &&
	    (rc = spm_ynode_choice(doc, v, measures, &index, err)))
		return rc;
	if ((v = optional(node, "quota")) && (rc = spm_ynode_text(doc, v, &c->quota, err)))
		return rc;
	rate = optional(node, "rate");
	rates = optional(node, "rates");
	if (rate && rates)
		return spm_ynode_error(doc, rates, err, "give 'rate' or 'rates', not both");
	if (!rate && !rates)
		return spm_ynode_error(doc, node, err, "component '%s' needs 'rate' or 'rates'",
		                       c->name);
	if (rate) {
		c->pay = SPM_PAY_RATE;
		if ((rc = spm_ynode_rate(doc, rate, (spm_rate){0}, (spm_rate){SPM_RATE_ONE},
		                         &c->rate, err)))
			return rc;
	} else {
		c->pay = SPM_PAY_TABLE;
		if ((rc = parse_table(box, rates, c, err)))
			return rc;
	}
	if ((v = optional(node, "cap"))) {
		const spm_ynode *payout;
		if ((rc = spm_ynode_expect(doc, v, SPM_YMAP, err)) ||
		    (rc = spm_ynode_check_keys(doc, v, cap_keys, err)) ||
		    (rc = required(doc, v, "payout", &payout, err)) ||
		    (rc = spm_ynode_money(doc, payout, &c->cap, err)))
			return rc;
		if (c->cap.units < 0)
			return spm_ynode_error(doc, payout, err, "a cap cannot be negative");
		c->has_cap = true;
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
	return SPM_OK;
}

static int parse_plan(plan_box *box, spm_error *err)
{
	static const char *const keys[] = {"plan",      "currency", "period",     "evaluation",
	                                   "effective", "rounding", "components", NULL};
	static const char *const periods[] = {"month", "quarter", "half", "year", NULL};
	static const spm_period_kind period_kinds[] = {SPM_PERIOD_MONTH, SPM_PERIOD_QUARTER,
	                                               SPM_PERIOD_HALF, SPM_PERIOD_YEAR};
	static const char *const evaluations[] = {"period", "quarter-to-date", "year-to-date",
	                                          NULL};
	static const char *const effective_keys[] = {"from", "to", NULL};
	static const char *const rounding_keys[] = {"mode", "places", "on", NULL};
	static const char *const modes[] = {"half-up", "half-even", "half-down", "up",
	                                    "down",    "ceiling",   "floor",     NULL};
	static const char *const rounding_on[] = {"line", "total", NULL};
	const spm_ydoc *doc = box->doc;
	const spm_ynode *root = spm_ydoc_root(doc), *v, *w;
	spm_plan *p = &box->plan;
	const char *text;
	int rc, index;

	if ((rc = spm_ynode_expect(doc, root, SPM_YMAP, err)) ||
	    (rc = spm_ynode_check_keys(doc, root, keys, err)) ||
	    (rc = required(doc, root, "plan", &v, err)) ||
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
	    (rc = spm_ynode_expect(doc, v, SPM_YMAP, err)) ||
	    (rc = spm_ynode_check_keys(doc, v, effective_keys, err)) ||
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
	p->rounding = SPM_ROUND_HALF_UP;
	p->rounding_places = 2;
	p->rounding_on = SPM_ROUND_EACH_LINE;
	if ((v = optional(root, "rounding"))) {
		int64_t places;
		if ((rc = spm_ynode_expect(doc, v, SPM_YMAP, err)) ||
		    (rc = spm_ynode_check_keys(doc, v, rounding_keys, err)))
			return rc;
		if ((w = optional(v, "mode"))) {
			if ((rc = spm_ynode_choice(doc, w, modes, &index, err)))
				return rc;
			spm_rounding_parse(&p->rounding, modes[index]);
		}
		if ((w = optional(v, "places"))) {
			if ((rc = spm_ynode_int(doc, w, 0, SPM_MONEY_SCALE, &places, err)))
				return rc;
			p->rounding_places = (int)places;
		}
		if ((w = optional(v, "on"))) {
			if ((rc = spm_ynode_choice(doc, w, rounding_on, &index, err)))
				return rc;
			p->rounding_on = index == 0 ? SPM_ROUND_EACH_LINE : SPM_ROUND_TOTAL;
		}
	}
	if ((rc = required(doc, root, "components", &v, err)))
		return rc;
	return parse_components(box, v, err);
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
