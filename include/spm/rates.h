/*
 * spm/rates.h - how a measure turns into pay: rate tables, pay curves, thresholds and caps.
 *
 * These are the arithmetic pieces a compensation plan is built from, as pure functions on exact
 * decimals (spm/money.h): no store, no plan file. Each returns, besides the pay, the steps that
 * made it (which tier, which slice of the base, which rate, what was cut by a cap), so that every
 * cent can be explained. Rounding happens once per step that produces money, with the caller's
 * mode, at the money scale (4 decimals); a plan rounds to its own place later.
 *
 * Vocabulary:
 * - base: the money a rate applies to (credited amount).
 * - attainment: base / quota, a rate (1.25 is 125%).
 * - graduated table: each slice of the base pays its own tier's rate (like income tax brackets).
 * - retroactive table: the tier the whole measure reaches sets one rate for the whole base.
 * - a table on amount has bounds in money; a table on attainment has bounds in attainment, and its
 *   slices of base are quota × bound.
 * - boundary ownership: with SPM_BOUNDARY_BELOW, a value exactly on a tier's upper bound belongs to
 *   that tier ("up to and including 100%"); with SPM_BOUNDARY_ABOVE, to the next one ("100% and
 *   above"). Only retroactive tables and gates depend on it: a graduated slice ends at the bound
 *   either way.
 */
#ifndef SPM_RATES_H
#define SPM_RATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spm/error.h"
#include "spm/money.h"

typedef enum spm_tier_method { SPM_TIERS_GRADUATED, SPM_TIERS_RETROACTIVE } spm_tier_method;
typedef enum spm_tier_basis { SPM_TIERS_ON_AMOUNT, SPM_TIERS_ON_ATTAINMENT } spm_tier_basis;
typedef enum spm_boundary { SPM_BOUNDARY_BELOW, SPM_BOUNDARY_ABOVE } spm_boundary;

typedef struct spm_tier {
	bool unbounded; /* no upper bound: only the last tier may be */
	int64_t upto;   /* upper bound: money units (on amount) or rate units (on attainment) */
	spm_rate rate;  /* the tier's rate, e.g. 8% */
} spm_tier;

typedef struct spm_rate_table {
	spm_tier_method method;
	spm_tier_basis basis;
	spm_boundary boundary;
	const spm_tier *tiers; /* ascending; the first tier starts at zero */
	size_t ntiers;
} spm_rate_table;

/*
 * One step of an explanation: `base` at `rate` paid `pay`. tier is 0-based; -1 is left for a step
 * that belongs to no tier (a caller's own line, such as a cap's cut): no function here writes one.
 */
typedef struct spm_pay_step {
	int tier;
	spm_money base;
	spm_rate rate;
	spm_money pay;
} spm_pay_step;

/*
 * Checks a table: method, basis and boundary are known values; at least one tier; bounds strictly
 * ascending and positive (so no gap and no overlap is possible); only the last tier unbounded;
 * rates not negative. Returns SPM_OK, SPM_ECONFIG with a message naming the tier 1-based, its
 * bound as money or as a percentage by the table's basis ("tier 3: bound 100% is not above the
 * previous 120%", "tier 2: only the last tier may be unbounded", "tier 1: rate -1% is negative",
 * "rate table: no tiers"), or SPM_EUSAGE when t is NULL. A bounded last tier is allowed: see
 * spm_rate_table_pay for what a base beyond it earns.
 */
int spm_rate_table_check(const spm_rate_table *t, spm_error *err);

/*
 * Pay for `base` under table t. `quota` is needed for tables on attainment (attainment = base /
 * quota; a zero or negative quota is SPM_EDATA "no quota: '0'"); ignored on amount.
 *
 * Graduated: the tiers cut the base into slices [0, b1), [b1, b2), ...; each non-empty slice is a
 * step paying slice × its tier's rate. On attainment the cuts are the money amounts quota × b_i,
 * each rounded with mode to the money scale (so a slice is always whole money units); a cut too
 * large for money lies beyond any base. Base past a bounded last tier pays nothing.
 * Retroactive: one step, the whole base × the rate of the tier the measure (the base, or the
 * attainment) falls in, by the table's boundary ownership. The attainment is compared with the
 * bounds exactly (base × 10^10 against quota × bound in 128 bits), never through a rounded ratio,
 * so a measure reaches a tier exactly when it has, under either ownership. A measure past a bounded
 * last tier takes the last tier's rate on the whole base.
 * A zero base pays 0 with no steps. A negative base (a net of refunds) is one step, tier 0, at the
 * first tier's rate whatever the method: a clawback at the rate the first money earned.
 *
 * Each step's pay is rounded once with mode (ties and "up" away from zero, so a negative base
 * mirrors a positive one); *pay is the sum of the steps' pay, so the explanation adds up exactly
 * (it can differ from rounding the unrounded total once). Up to `cap` steps are written to steps
 * (NULL allowed with cap 0) and their number to *nsteps (which may exceed cap: the caller then has
 * too small an array); nsteps may be NULL. *pay and *nsteps are written only on success; steps may
 * be partly written on failure. Returns SPM_OK; SPM_EDATA (no quota); SPM_ERANGE when a step's pay
 * or the total does not fit, never a wrap; SPM_EUSAGE for a NULL t or pay, a mode that is not an
 * spm_rounding, or a table that fails spm_rate_table_check (err then carries the check's message).
 */
int spm_rate_table_pay(const spm_rate_table *t, spm_money base, spm_money quota, spm_rounding mode,
                       spm_money *pay, spm_pay_step *steps, size_t cap, size_t *nsteps,
                       spm_error *err);

/*
 * A linear pay curve: payout (a rate of the target incentive) as a function of attainment, through
 * points in ascending attainment, linear between them, flat before the first point and after the
 * last (a cap is a last point). Pay = target × payout(attainment), rounded once with mode.
 */
typedef struct spm_curve_point {
	spm_rate attainment;
	spm_rate payout;
} spm_curve_point;

/*
 * Checks a curve: at least two points, attainment strictly ascending, payouts not negative.
 * Returns SPM_OK, or SPM_ECONFIG naming the point 1-based ("curve: 1 point, at least 2 needed",
 * "curve point 3: attainment 90% is not above the previous 100%", "curve point 2: payout -5% is
 * negative"), or SPM_EUSAGE for NULL points with n > 0.
 */
int spm_curve_check(const spm_curve_point *points, size_t n, spm_error *err);

/*
 * The payout rate at attainment a: between neighbouring points (a0, p0) and (a1, p1),
 * p0 + (p1 - p0) × (a - a0) / (a1 - a0), formed exactly in 128 bits and rounded once with mode at
 * the rate scale; the first point's payout at or before it, the last's at or after it. Returns
 * SPM_OK, or SPM_EUSAGE for a curve that fails spm_curve_check (with its message), a NULL payout
 * or a mode that is not an spm_rounding. *payout is written only on success.
 */
int spm_curve_payout(const spm_curve_point *points, size_t n, spm_rate a, spm_rounding mode,
                     spm_rate *payout, spm_error *err);

/*
 * Pay = target × payout(a), formed exactly from the unrounded payout and rounded once with mode at
 * the money scale (so it can differ from target × spm_curve_payout() by a unit of the last place).
 * Returns as spm_curve_payout, and SPM_ERANGE when the pay does not fit. *pay is written only on
 * success.
 */
int spm_curve_pay(const spm_curve_point *points, size_t n, spm_rate a, spm_money target,
                  spm_rounding mode, spm_money *pay, spm_error *err);

/*
 * Thresholds. A gate pays nothing below the threshold and everything once it is reached; a
 * deductible threshold pays only what lies above it. `measure` and `at` are in the same units
 * (money or attainment rate units); boundary says whether exactly `at` has reached it
 * (SPM_BOUNDARY_ABOVE: yes; SPM_BOUNDARY_BELOW: not yet).
 */
typedef enum spm_threshold_kind { SPM_THRESHOLD_GATE, SPM_THRESHOLD_DEDUCTIBLE } spm_threshold_kind;

/* Whether a gate at `at` is passed by `measure`; a boundary other than ABOVE counts as BELOW. */
bool spm_threshold_passed(int64_t measure, int64_t at, spm_boundary boundary);

/*
 * The base that pays under a deductible threshold: for a threshold on amount, base - at (not below
 * zero); for one on attainment, base - quota × at (not below zero), where quota × at is rounded
 * with mode to the money scale, like a tier's cut (an amount too large for money leaves nothing).
 * A negative base leaves nothing either. Returns SPM_OK; SPM_ECONFIG for a negative `at`
 * ("threshold -5 is negative"); SPM_EDATA for a zero or negative quota on attainment ("no quota:
 * '0'"); SPM_EUSAGE for an unknown basis, a NULL paying_base or a mode that is not an spm_rounding.
 * *paying_base is written only on success.
 */
int spm_threshold_deduct(spm_tier_basis basis, spm_money base, spm_money quota, int64_t at,
                         spm_rounding mode, spm_money *paying_base, spm_error *err);

/*
 * A cap: *paid = min(pay, cap) (a negative pay, below any cap, passes whole), *cut = pay - *paid.
 * Returns SPM_OK, or SPM_EUSAGE for a negative cap ("cap -5 is negative": a cap limits pay, it
 * never turns it into a charge) or a NULL paid or cut, writing nothing.
 */
int spm_cap(spm_money pay, spm_money cap, spm_money *paid, spm_money *cut, spm_error *err);

#endif
