/*
 * run.c - a commission run (see spm/run.h): for each plan, each rep assigned to it in the period,
 * each component: credits -> base in the plan's currency -> rate or table -> cap -> rounding, kept
 * as payout lines with their explanation, in one transaction.
 *
 * Every input the run reads (plans, credit lines, quotas) is fed to a SHA-256, so that a run can
 * say what it was computed from; the same inputs give the same lines.
 */
#include "spm/run.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spm/credit.h"
#include "spm/fx.h"
#include "spm/rates.h"
#include "spm/sha256.h"
#include "util.h"

#define MAX_STEPS 16

typedef struct run {
	spm_store *st;
	const spm_period *period;
	spm_fx *fx;
	spm_sha256 inputs;
	spm_stmt *quota, *line;
	int64_t run_id;
	spm_buf explain;
	spm_payout_fn fn;
	void *ctx;
	spm_run_summary *sum;
	/* the component being summed */
	const spm_plan *plan;
	spm_money base;
	int64_t credits;
	spm_error *err;
} run;

static void feed(run *r, const char *s)
{
	spm_sha256_update(&r->inputs, s, strlen(s) + 1);
}

static void feed_int(run *r, int64_t v)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%" PRId64, v);
	feed(r, buf);
}

static int exec_bound(spm_store *st, const char *sql, const char *a, const char *b, int64_t *id,
                      spm_error *err)
{
	spm_stmt *s = NULL;
	int rc = spm_stmt_prepare(st, &s, sql, err);
	if (rc)
		return rc;
	if ((a && spm_stmt_bind_text(s, 1, a, strlen(a))) ||
	    (b && spm_stmt_bind_text(s, 2, b, strlen(b))))
		rc = spm_error_set(err, SPM_ENOMEM, "out of memory");
	else if ((rc = spm_stmt_step(s, err)) >= 0) {
		if (id)
			*id = rc == SPM_ROW ? spm_stmt_int64(s, 0) : 0;
		rc = SPM_OK;
	}
	spm_stmt_finalize(s);
	return rc;
}

static int insert_run(spm_store *st, const spm_period *period, int64_t *run_id, spm_error *err)
{
	char name[SPM_PERIOD_BUFSZ], first[SPM_DATE_BUFSZ], last[SPM_DATE_BUFSZ];
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
	spm_date_format(first, sizeof first, period->first);
	spm_date_format(last, sizeof last, period->last);
	if (spm_stmt_bind_text(s, 1, name, strlen(name)) ||
	    spm_stmt_bind_text(s, 2, first, strlen(first)) ||
	    spm_stmt_bind_text(s, 3, last, strlen(last)))
		rc = spm_error_set(err, SPM_ENOMEM, "out of memory");
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
		rc = spm_error_set(err, SPM_ENOMEM, "out of memory");
	else if ((rc = spm_stmt_step(s, err)) >= 0)
		rc = SPM_OK;
	spm_stmt_finalize(s);
	return rc;
}

/* A plan must pay by the period's kind, be in effect, and use only what runs today. */
static int check_plan(const spm_plan *p, const spm_period *period, spm_error *err)
{
	char name[SPM_PERIOD_BUFSZ];
	spm_period_format(name, sizeof name, period);
	if (p->period != period->kind)
		return spm_error_set(err, SPM_ECONFIG,
		                     "%s: plan '%s' does not pay by %s periods "
		                     "like %s",
		                     p->source, p->name,
		                     period->kind == SPM_PERIOD_MONTH     ? "month"
		                     : period->kind == SPM_PERIOD_QUARTER ? "quarter"
		                     : period->kind == SPM_PERIOD_HALF    ? "half-year"
		                                                          : "year",
		                     name);
	if (p->from.days > period->last.days || (p->has_to && p->to.days < period->first.days))
		return spm_error_set(err, SPM_ECONFIG, "%s: plan '%s' is not in effect in %s",
		                     p->source, p->name, name);
	if (p->evaluation != SPM_EVAL_PERIOD)
		return spm_error_set(err, SPM_ECONFIG,
		                     "%s: plan '%s': cumulative evaluation is not run yet",
		                     p->source, p->name);
	if (p->rounding_on != SPM_ROUND_EACH_LINE)
		return spm_error_set(err, SPM_ECONFIG,
		                     "%s: plan '%s': rounding on the total is not run yet",
		                     p->source, p->name);
	return SPM_OK;
}

/* Adds one credit line to the base, in the plan's currency at the rate of its date. */
static int add_credit(void *ctx, const spm_credit_line *l)
{
	run *r = ctx;
	spm_money amount;
	const char *cur = l->currency ? l->currency : r->plan->currency;
	int rc = spm_fx_convert(r->fx, l->amount, cur, r->plan->currency, l->date,
	                        r->plan->rounding, &amount, r->err);
	if (rc)
		return rc;
	if (spm_money_add(&r->base, r->base, amount))
		return spm_error_set(r->err, SPM_ERANGE, "rep '%s': credited total out of range",
		                     l->rep_id);
	r->credits++;
	feed(r, l->rep_id);
	feed(r, l->deal_id);
	feed_int(r, l->role);
	feed_int(r, l->share.units);
	feed_int(r, l->amount.units);
	feed(r, cur);
	feed_int(r, l->date.days);
	return SPM_OK;
}

static int find_quota(run *r, const char *rep, const char *metric, spm_money *quota)
{
	char name[SPM_PERIOD_BUFSZ];
	int rc;
	spm_period_format(name, sizeof name, r->period);
	spm_stmt_reset(r->quota);
	if (spm_stmt_bind_text(r->quota, 1, rep, strlen(rep)) ||
	    spm_stmt_bind_text(r->quota, 2, name, strlen(name)) ||
	    spm_stmt_bind_text(r->quota, 3, metric, strlen(metric)))
		return spm_error_set(r->err, SPM_ENOMEM, "out of memory");
	if ((rc = spm_stmt_step(r->quota, r->err)) < 0)
		return rc;
	if (rc != SPM_ROW)
		return spm_error_set(r->err, SPM_EDATA, "rep '%s' has no '%s' quota for %s", rep,
		                     metric, name);
	quota->units = spm_stmt_int64(r->quota, 0);
	spm_stmt_reset(r->quota);
	feed_int(r, quota->units);
	return SPM_OK;
}

static int money_json(spm_buf *b, const char *key, spm_money m)
{
	char v[SPM_NUM_BUFSZ];
	spm_money_format(v, sizeof v, m, 2);
	return spm_buf_printf(b, "\"%s\":\"%s\"", key, v);
}

static int rate_json(spm_buf *b, const char *key, spm_rate r)
{
	char v[SPM_NUM_BUFSZ];
	spm_rate_format(v, sizeof v, r, true);
	return spm_buf_printf(b, "\"%s\":\"%s\"", key, v);
}

/* The explanation of one line, as JSON: every number that made the pay. */
static int explain(run *r, const spm_plan_component *c, const spm_payout *p,
                   const spm_pay_step *steps, size_t nsteps)
{
	spm_buf *b = &r->explain;
	int rc = 0;
	spm_buf_clear(b);
	rc |= spm_buf_printf(b, "{\"credits\":%" PRId64 ",", p->credits);
	rc |= money_json(b, "base", p->base);
	if (p->has_quota) {
		rc |= spm_buf_append_char(b, ',') | money_json(b, "quota", p->quota);
		rc |= spm_buf_append_char(b, ',') | rate_json(b, "attainment", p->attainment);
	}
	if (c->pay == SPM_PAY_RATE) {
		rc |= spm_buf_append_char(b, ',') | rate_json(b, "rate", c->rate);
	} else {
		rc |= spm_buf_printf(
		    b, ",\"table\":\"%s on %s\",\"steps\":[",
		    c->table.method == SPM_TIERS_GRADUATED ? "graduated" : "retroactive",
		    c->table.basis == SPM_TIERS_ON_AMOUNT ? "amount" : "attainment");
		for (size_t i = 0; i < nsteps && i < MAX_STEPS; i++) {
			rc |= spm_buf_printf(b, "%s{\"tier\":%d,", i ? "," : "", steps[i].tier + 1);
			rc |= money_json(b, "base", steps[i].base) | spm_buf_append_char(b, ',');
			rc |= rate_json(b, "rate", steps[i].rate) | spm_buf_append_char(b, ',');
			rc |= money_json(b, "pay", steps[i].pay) | spm_buf_append_char(b, '}');
		}
		rc |= spm_buf_append_char(b, ']');
	}
	rc |= spm_buf_append_char(b, ',') | money_json(b, "earned", p->earned);
	if (c->has_cap)
		rc |= spm_buf_append_char(b, ',') | money_json(b, "cap", c->cap) |
		      spm_buf_append_char(b, ',') | money_json(b, "cut", p->cut);
	rc |= spm_buf_printf(b, ",\"rounding\":\"%s to %d places\"}",
	                     spm_rounding_name(r->plan->rounding), r->plan->rounding_places);
	return rc ? SPM_ENOMEM : SPM_OK;
}

static int pay_component(run *r, const char *plan_hash, const char *rep, spm_date from, spm_date to,
                         const spm_plan_component *c)
{
	const spm_plan *p = r->plan;
	spm_pay_step steps[MAX_STEPS];
	size_t nsteps = 0;
	spm_payout out = {rep, p->name, c->name, 0,   {0},         false, {0},
	                  {0}, {0},     {0},     {0}, p->currency, NULL};
	spm_money paid;
	int rc;

	r->base.units = 0;
	r->credits = 0;
	feed(r, c->name);
	if ((rc =
	         spm_credits(r->st, &c->credit, from, to, rep, p->rounding, add_credit, r, r->err)))
		return rc;
	out.base = r->base;
	out.credits = r->credits;
	if (c->quota) {
		if ((rc = find_quota(r, rep, c->quota, &out.quota)))
			return rc;
		out.has_quota = true;
		if (out.quota.units > 0 &&
		    spm_rate_ratio(&out.attainment, out.base, out.quota, SPM_ROUND_DOWN))
			return spm_error_set(r->err, SPM_ERANGE,
			                     "rep '%s': attainment out of range", rep);
	}
	if (c->pay == SPM_PAY_RATE)
		rc = spm_money_mul_rate(&out.earned, out.base, c->rate, p->rounding)
		         ? spm_error_set(r->err, SPM_ERANGE, "rep '%s': pay out of range", rep)
		         : SPM_OK;
	else
		rc = spm_rate_table_pay(&c->table, out.base, out.quota, p->rounding, &out.earned,
		                        steps, MAX_STEPS, &nsteps, r->err);
	if (rc) {
		spm_error_locate(r->err, p->source, c->line, NULL);
		return rc;
	}
	paid = out.earned;
	if (c->has_cap && (rc = spm_cap(out.earned, c->cap, &paid, &out.cut, r->err)))
		return rc;
	if (spm_money_round(&out.pay, paid, p->rounding_places, p->rounding))
		return spm_error_set(r->err, SPM_ERANGE, "rep '%s': pay out of range", rep);
	if ((rc = explain(r, c, &out, steps, nsteps)))
		return spm_error_set(r->err, rc, "out of memory");
	out.explain = r->explain.data;

	spm_stmt *s = r->line;
	spm_stmt_reset(s);
	rc = spm_stmt_bind_int64(s, 1, r->run_id);
	rc |= spm_stmt_bind_text(s, 2, rep, strlen(rep));
	rc |= spm_stmt_bind_text(s, 3, plan_hash, 64);
	rc |= spm_stmt_bind_text(s, 4, c->name, strlen(c->name));
	rc |= spm_stmt_bind_int64(s, 5, out.pay.units);
	rc |= spm_stmt_bind_text(s, 6, p->currency, 3);
	rc |= spm_stmt_bind_text(s, 7, r->explain.data, r->explain.len);
	if (rc)
		return spm_error_set(r->err, SPM_ENOMEM, "out of memory");
	if ((rc = spm_stmt_step(s, r->err)) < 0)
		return rc;
	r->sum->lines++;
	return r->fn ? r->fn(r->ctx, &out) : SPM_OK;
}

/* Every rep assigned to the plan during the period, each over the days of the assignment. */
static int pay_plan(run *r, const spm_run_plan *rp, const char *hash)
{
	const spm_plan *p = rp->plan;
	char first[SPM_DATE_BUFSZ], last[SPM_DATE_BUFSZ];
	spm_stmt *s = NULL;
	int rc;

	r->plan = p;
	spm_date_format(first, sizeof first, r->period->first);
	spm_date_format(last, sizeof last, r->period->last);
	rc = spm_stmt_prepare(r->st, &s,
	                      "SELECT rep_id, max(from_date, ?2), min(coalesce(to_date, ?3), ?3)"
	                      " FROM assignments WHERE plan = ?1 AND from_date <= ?3"
	                      " AND (to_date IS NULL OR to_date >= ?2) ORDER BY rep_id, from_date",
	                      r->err);
	if (rc)
		return rc;
	if (spm_stmt_bind_text(s, 1, p->name, strlen(p->name)) ||
	    spm_stmt_bind_text(s, 2, first, strlen(first)) ||
	    spm_stmt_bind_text(s, 3, last, strlen(last))) {
		spm_stmt_finalize(s);
		return spm_error_set(r->err, SPM_ENOMEM, "out of memory");
	}
	while ((rc = spm_stmt_step(s, r->err)) == SPM_ROW) {
		char rep[256];
		size_t n;
		spm_date from, to;
		snprintf(rep, sizeof rep, "%s", spm_stmt_text(s, 0, NULL));
		const char *a = spm_stmt_text(s, 1, &n);
		if ((rc = spm_date_parse(&from, a, n, NULL, r->err)))
			break;
		const char *b = spm_stmt_text(s, 2, &n);
		if ((rc = spm_date_parse(&to, b, n, NULL, r->err)))
			break;
		/* the plan's own dates bound the assignment too */
		if (from.days < p->from.days)
			from = p->from;
		if (p->has_to && to.days > p->to.days)
			to = p->to;
		feed(r, rep);
		feed_int(r, from.days);
		feed_int(r, to.days);
		for (size_t k = 0; k < p->ncomponents && rc >= 0; k++)
			rc = pay_component(r, hash, rep, from, to, &p->components[k]);
		if (rc < 0 || rc > 0)
			break;
	}
	spm_stmt_finalize(s);
	return rc == SPM_DONE ? SPM_OK : rc;
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
	rc |= spm_stmt_bind_text(s, 2, rp->plan->name, strlen(rp->plan->name));
	rc |= spm_stmt_bind_text(s, 3, rp->plan->source, strlen(rp->plan->source));
	rc |= spm_stmt_bind_text(s, 4, rp->text, rp->len);
	if (rc)
		rc = spm_error_set(err, SPM_ENOMEM, "out of memory");
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
		rc = spm_error_set(err, SPM_ENOMEM, "out of memory");
	else if ((rc = spm_stmt_step(s, err)) >= 0)
		rc = SPM_OK;
	spm_stmt_finalize(s);
	return rc;
}

int spm_run(spm_store *st, const spm_run_plan *plans, size_t nplans, const spm_period *period,
            spm_payout_fn fn, void *ctx, spm_run_summary *sum, spm_error *err)
{
	char name[SPM_PERIOD_BUFSZ];
	char(*hashes)[65] = NULL;
	run r = {0};
	int64_t locked = 0;
	int rc;

	memset(sum, 0, sizeof *sum);
	for (size_t i = 0; i < nplans; i++)
		if ((rc = check_plan(plans[i].plan, period, err)))
			return rc;
	spm_period_format(name, sizeof name, period);
	r.st = st;
	r.period = period;
	r.fn = fn;
	r.ctx = ctx;
	r.sum = sum;
	r.err = err;
	spm_sha256_init(&r.inputs);
	if (!(hashes = calloc(nplans ? nplans : 1, sizeof *hashes)))
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	if ((rc = spm_store_begin(st, err))) {
		free(hashes);
		return rc;
	}
	if ((rc = exec_bound(st, "SELECT count(*) FROM period_locks WHERE period = ?1", name, NULL,
	                     &locked, err)))
		goto fail;
	if (locked) {
		rc = spm_error_set(err, SPM_EDATA, "period %s is closed: its pay cannot change",
		                   name);
		goto fail;
	}
	/* the previous run of the open period goes, with its lines */
	if ((rc = exec_bound(st, "DELETE FROM runs WHERE period = ?1", name, NULL, NULL, err)) ||
	    (rc = insert_run(st, period, &r.run_id, err)))
		goto fail;
	sum->run_id = r.run_id;
	for (size_t i = 0; i < nplans; i++) {
		if ((rc = store_plan(st, &plans[i], hashes[i], r.run_id, err)))
			goto fail;
		feed(&r, hashes[i]);
	}
	if ((rc = spm_fx_open(&r.fx, st, err)) ||
	    (rc = spm_stmt_prepare(st, &r.quota,
	                           "SELECT amount FROM quotas WHERE scope = 'rep' AND scope_id = ?1"
	                           " AND period = ?2 AND metric = ?3",
	                           err)) ||
	    (rc = spm_stmt_prepare(
	         st, &r.line,
	         "INSERT INTO payout_lines(run_id, rep_id, plan_hash, component, kind,"
	         " amount, currency, explain) VALUES (?1, ?2, ?3, ?4, 'commission',"
	         " ?5, ?6, ?7)",
	         err)))
		goto fail;
	for (size_t i = 0; i < nplans; i++)
		if ((rc = pay_plan(&r, &plans[i], hashes[i])))
			goto fail;
	unsigned char digest[SPM_SHA256_DIGEST_SIZE];
	spm_sha256_final(&r.inputs, digest);
	spm_sha256_hex(digest, sum->inputs_hash);
	if ((rc = finish_run(st, r.run_id, sum->inputs_hash, err)) ||
	    (rc = spm_store_commit(st, err)))
		goto fail;
	goto out;
fail:
	spm_store_rollback(st);
	memset(sum, 0, sizeof *sum);
out:
	spm_stmt_finalize(r.quota);
	spm_stmt_finalize(r.line);
	spm_fx_close(r.fx);
	spm_buf_free(&r.explain);
	free(hashes);
	return rc;
}
