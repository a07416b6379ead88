/*
 * pay.h - the arithmetic of one rep's pay under one plan for one period, apart from the store:
 * what a component earns from its measure and quota, and how a period's net pay settles against a
 * draw and a carried balance. The run (run.c) gathers the inputs; solve and simulate call the same
 * functions, so that every figure spm prints comes from one implementation.
 */
#ifndef SPM_PAY_H
#define SPM_PAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spm/error.h"
#include "spm/money.h"
#include "spm/plan.h"
#include "spm/rates.h"
#include "util.h"

#define SPM_PAY_MAX_STEPS 16

/* What a component measured for a rep over the evaluation window. */
typedef struct spm_measured {
	spm_money base; /* money, or a count as whole money units */
	int64_t credits;
	bool has_quota;
	spm_money quota; /* prorated, in the plan's currency */
	spm_money target; /* curve: the target incentive, prorated; else 0 */
} spm_measured;

/* What it earned, and why: every figure of the explanation. */
typedef struct spm_earned {
	spm_rate attainment; /* base / quota, rounded down; 0 without a quota */
	bool gated;          /* a gate threshold not reached: nothing earned */
	spm_money paying;    /* the base that pays (after a deductible threshold) */
	spm_pay_step steps[SPM_PAY_MAX_STEPS];
	size_t nsteps;
	spm_rate payout;  /* curve: the payout rate at the attainment */
	bool multiplied;
	spm_rate factor;  /* the multiplier that applied */
	spm_money earned; /* by the rate, table or curve, times the multiplier */
	spm_money cut;    /* taken off by the component's cap */
	spm_money capped; /* earned - cut, at the money scale */
} spm_earned;

/*
 * What component c earns on m under plan p: threshold, then rate, per-unit, table or curve, then
 * the highest multiplier reached, then the cap. Rounds at the money scale with the plan's mode; the
 * plan's own place is the caller's. Returns SPM_OK, SPM_ERANGE, or SPM_EDATA (a table on
 * attainment with no quota).
 */
int spm_pay_component(const spm_plan *p, const spm_plan_component *c, const spm_measured *m,
                      spm_earned *out, spm_error *err);

/* The attainment of m (base / quota rounded down), 0 without a positive quota. */
int spm_pay_attainment(const spm_measured *m, spm_rate *out, spm_error *err);

/* Appends to b, as JSON members (no braces), the explanation of e for component c. */
int spm_pay_explain(spm_buf *b, const spm_plan_component *c, const spm_measured *m,
                    const spm_earned *e);

/* A period's settlement against the rep's balances (negative: owed by the rep). */
typedef struct spm_settle {
	/* in */
	spm_money net;      /* every line so far: commissions, bonuses, overrides, cap, clawbacks */
	spm_money carried;  /* negative pay carried from earlier periods (<= 0) */
	spm_money drawn;    /* recoverable draws not yet recovered (<= 0) */
	spm_money draw;     /* this period's draw, prorated; 0 without one */
	bool leaves;        /* the rep's last day is in this period */
	/* out: line amounts (0 when no line) and ledger movements */
	spm_money carry_in;  /* > 0: a negative period brought to zero, carried */
	spm_money carry_out; /* < 0: an earlier negative period recovered */
	spm_money top_up;    /* > 0: the draw's top-up */
	spm_money recovery;  /* < 0: a recoverable draw recovered */
	spm_money settlement; /* < 0: the rest of a draw recovered on leaving */
	spm_money forgiven;   /* > 0: the rest of a draw forgiven on leaving (ledger only) */
} spm_settle;

/*
 * Settles s->net under plan p's draw and negative-pay rules, in this order: a negative net is
 * carried (or paid, by the plan); a carried balance is recovered from what remains, up to all of
 * it; the draw tops up pay below it, or a recoverable balance is recovered from the earnings
 * above the draw, at most the plan's share of the earnings; a leaver's outstanding draw is
 * recovered or forgiven. Returns SPM_OK or SPM_ERANGE.
 */
int spm_pay_settle(const spm_plan *p, spm_settle *s, spm_error *err);

#endif
