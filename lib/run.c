/*
 * run.c - a commission run (see spm/run.h): in one transaction, the period's previous run replaced;
 * per plan in effect, the closed periods before it restated, the seats measured
 * (run_measure.c) and paid (run_pay.c); the adjustments; the inputs hash. Dry runs are rolled
 * back; what-if and solve (whatif.c) hold runs in their own ways through run_impl.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_engine.h"
#include "spm/credit.h"

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
	if (!(rc = restate_periods(r, rp, hash, fiscal)) && !(rc = spm_run_load_seats(r)) &&
	    !(rc = spm_run_measure_plan(r)) && !(rc = spm_run_clawbacks_open(r))) {
		for (size_t i = 0; i < r->nseats && !rc; i++)
			rc = spm_run_pay_seat(r, &r->seats[i]);
	}
	spm_stmt_finalize(r->claw);
	r->claw = NULL;
	spm_run_seats_free(r);
	spm_run_kept_free(r);
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
		    !(rc = spm_run_load_seats(&sub)) && !(rc = spm_run_measure_plan(&sub)) &&
		    !(rc = spm_run_clawbacks_open(&sub)))
			for (size_t i = 0; i < sub.nseats && !rc; i++)
				rc = spm_run_pay_seat(&sub, &sub.seats[i]);
		spm_stmt_finalize(sub.claw);
		spm_run_seats_free(&sub);
		spm_run_kept_free(&sub);
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
	    (spm_stmt_bind_int64(s, 1, sub.run_id) || spm_bind_str(s, 2, rp->plan->name) ||
	     spm_bind_str(s, 3, out->period) || spm_bind_date(s, 4, q->first) || spm_bind_date(s, 5, q->last)))
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
	if (spm_bind_date(q, 1, r->period->first) || spm_stmt_bind_int64(q, 2, r->run_id) ||
	    spm_bind_date(q, 3, r->period->last))
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
		rc |= spm_bind_str(s, 2, rep);
		rc |=
		    spm_stmt_bind_null(s, 3) | spm_stmt_bind_null(s, 4) | spm_stmt_bind_null(s, 5);
		rc |= spm_bind_str(s, 6, "adjustment");
		rc |= spm_stmt_bind_int64(s, 7, amount.units);
		rc |= spm_bind_str(s, 8, cur);
		rc |= spm_stmt_bind_null(s, 9) | spm_stmt_bind_null(s, 10);
		rc |= spm_bind_str(s, 11, id) | spm_bind_str(s, 12, reason) | spm_bind_str(s, 13, "{}");
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
	if (spm_bind_str(s, 1, name) || spm_bind_date(s, 2, period->first) || spm_bind_date(s, 3, period->last))
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
	rc |= spm_bind_str(s, 2, rp->plan->name);
	rc |= spm_bind_str(s, 3, rp->plan->source);
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
	r.one_connection = mode->one_connection;
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
	 * it (nothing reads a period's own run while paying it, and all is rolled back): solve
	 * makes dozens. Dry runs nested in a span (simulate) replace it, as later periods read it.
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
