/*
 * rates.c - pay arithmetic: rate tables (graduated and retroactive, on amount or on attainment),
 * linear pay curves, thresholds and caps.
 *
 * Every step that produces money goes through the money module (spm_money_mul_rate and the checked
 * sums), so a rounding mode means the same here as everywhere. The one exception is the pay curve:
 * an interpolated payout is a fraction whose numerator needs more than the money module's 128-bit
 * products, so round_parts() below rounds it once, deciding each case with the money module's
 * spm_round_away.
 */
#include "spm/rates.h"

#include <limits.h>

#include "rounding.h"

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

static int check_mode(spm_rounding mode, spm_error *err)
{
	if (!spm_rounding_valid(mode))
		return spm_error_set(err, SPM_EUSAGE, "rounding mode %d: not a mode", (int)mode);
	return SPM_OK;
}

/* A bound as a message shows it: money on amount, a percentage on attainment. */
static const char *bound_text(char *buf, size_t size, spm_tier_basis basis, int64_t units)
{
	if (basis == SPM_TIERS_ON_AMOUNT)
		spm_money_format(buf, size, (spm_money){units}, 0);
	else
		spm_rate_format(buf, size, (spm_rate){units}, true);
	return buf;
}

/* --- rate tables --- */

int spm_rate_table_check(const spm_rate_table *t, spm_error *err)
{
	char b1[SPM_NUM_BUFSZ], b2[SPM_NUM_BUFSZ];

	if (!t)
		return spm_error_set(err, SPM_EUSAGE, "rate table: none given");
	if (t->method != SPM_TIERS_GRADUATED && t->method != SPM_TIERS_RETROACTIVE)
		return spm_error_set(err, SPM_ECONFIG, "rate table: unknown method %d",
		                     (int)t->method);
	if (t->basis != SPM_TIERS_ON_AMOUNT && t->basis != SPM_TIERS_ON_ATTAINMENT)
		return spm_error_set(err, SPM_ECONFIG, "rate table: unknown basis %d",
		                     (int)t->basis);
	if (t->boundary != SPM_BOUNDARY_BELOW && t->boundary != SPM_BOUNDARY_ABOVE)
		return spm_error_set(err, SPM_ECONFIG, "rate table: unknown boundary %d",
		                     (int)t->boundary);
	if (!t->tiers || t->ntiers == 0)
		return spm_error_set(err, SPM_ECONFIG, "rate table: no tiers");
	/* a step names its tier with an int */
	if (t->ntiers > (size_t)INT_MAX)
		return spm_error_set(err, SPM_ECONFIG, "rate table: %zu tiers, too many",
		                     t->ntiers);
	for (size_t i = 0; i < t->ntiers; i++) {
		const spm_tier *tier = &t->tiers[i];
		if (tier->rate.units < 0) {
			spm_rate_format(b1, sizeof b1, tier->rate, true);
			return spm_error_set(err, SPM_ECONFIG, "tier %zu: rate %s is negative",
			                     i + 1, b1);
		}
		if (tier->unbounded) {
			if (i + 1 < t->ntiers)
				return spm_error_set(
				    err, SPM_ECONFIG,
				    "tier %zu: only the last tier may be unbounded", i + 1);
			continue;
		}
		if (i == 0 && tier->upto <= 0)
			return spm_error_set(err, SPM_ECONFIG, "tier 1: bound %s is not positive",
			                     bound_text(b1, sizeof b1, t->basis, tier->upto));
		if (i > 0 && tier->upto <= t->tiers[i - 1].upto)
			return spm_error_set(
			    err, SPM_ECONFIG, "tier %zu: bound %s is not above the previous %s",
			    i + 1, bound_text(b1, sizeof b1, t->basis, tier->upto),
			    bound_text(b2, sizeof b2, t->basis, t->tiers[i - 1].upto));
	}
	return SPM_OK;
}

/* Records a step if there is room, and counts it either way. */
static void add_step(spm_pay_step *steps, size_t cap, size_t *n, size_t tier, spm_money base,
                     spm_rate rate, spm_money pay)
{
	if (steps && *n < cap)
		steps[*n] = (spm_pay_step){(int)tier, base, rate, pay};
	(*n)++;
}

/* slice × rate into *pay, with a message naming the tier when it does not fit. */
static int slice_pay(spm_money *pay, size_t tier, spm_money slice, spm_rate rate, spm_rounding mode,
                     spm_error *err)
{
	char b1[SPM_NUM_BUFSZ], b2[SPM_NUM_BUFSZ];

	if (spm_money_mul_rate(pay, slice, rate, mode) == SPM_OK)
		return SPM_OK;
	spm_money_format(b1, sizeof b1, slice, 0);
	spm_rate_format(b2, sizeof b2, rate, true);
	return spm_error_set(err, SPM_ERANGE, "tier %zu: pay for %s at %s is out of range",
	                     tier + 1, b1, b2);
}

/*
 * The money cut at the top of tier i, or false when there is none a base could reach (an
 * unbounded tier, or quota × bound beyond money).
 */
static bool tier_cut(const spm_rate_table *t, size_t i, spm_money quota, spm_rounding mode,
                     spm_money *cut)
{
	const spm_tier *tier = &t->tiers[i];

	if (tier->unbounded)
		return false;
	if (t->basis == SPM_TIERS_ON_AMOUNT) {
		cut->units = tier->upto;
		return true;
	}
	/* the mode is valid and quota × bound is positive, so the only failure is a cut past money
	 */
	return spm_money_mul_rate(cut, quota, (spm_rate){tier->upto}, mode) == SPM_OK;
}

static int pay_graduated(const spm_rate_table *t, spm_money base, spm_money quota,
                         spm_rounding mode, spm_money *total, spm_pay_step *steps, size_t cap,
                         size_t *n, spm_error *err)
{
	spm_money lower = {0}, upper, slice, pay;
	bool bounded = true;
	int rc;

	for (size_t i = 0; i < t->ntiers && bounded && base.units > lower.units; i++) {
		bounded = tier_cut(t, i, quota, mode, &upper);
		/* both ends lie in [0, base], so the difference cannot overflow */
		slice.units =
		    (bounded && upper.units < base.units ? upper.units : base.units) - lower.units;
		if (slice.units > 0) {
			rc = slice_pay(&pay, i, slice, t->tiers[i].rate, mode, err);
			if (rc != SPM_OK)
				return rc;
			if (spm_money_add(total, *total, pay) != SPM_OK)
				return spm_error_set(err, SPM_ERANGE, "total pay is out of range");
			add_step(steps, cap, n, i, slice, t->tiers[i].rate, pay);
		}
		if (bounded)
			lower = upper;
	}
	return SPM_OK;
}

/* -1, 0, 1 as the measure is below, on or above the bound of tier i (which has one). */
static int measure_cmp(const spm_rate_table *t, size_t i, spm_money base, spm_money quota)
{
	i128 lhs, rhs;

	if (t->basis == SPM_TIERS_ON_AMOUNT) {
		lhs = base.units;
		rhs = t->tiers[i].upto;
	} else {
		/* base / quota against bound / 10^10, cross-multiplied: quota > 0, each side < 2^98
		 */
		lhs = (i128)base.units * SPM_RATE_ONE;
		rhs = (i128)quota.units * t->tiers[i].upto;
	}
	return (lhs > rhs) - (lhs < rhs);
}

static int pay_retroactive(const spm_rate_table *t, spm_money base, spm_money quota,
                           spm_rounding mode, spm_money *total, spm_pay_step *steps, size_t cap,
                           size_t *n, spm_error *err)
{
	size_t i;
	int c, rc;

	/* past a bounded last tier, the loop ends on the last tier */
	for (i = 0; i + 1 < t->ntiers; i++) {
		if (t->tiers[i].unbounded)
			break;
		c = measure_cmp(t, i, base, quota);
		if (c < 0 || (c == 0 && t->boundary == SPM_BOUNDARY_BELOW))
			break;
	}
	rc = slice_pay(total, i, base, t->tiers[i].rate, mode, err);
	if (rc != SPM_OK)
		return rc;
	add_step(steps, cap, n, i, base, t->tiers[i].rate, *total);
	return SPM_OK;
}

int spm_rate_table_pay(const spm_rate_table *t, spm_money base, spm_money quota, spm_rounding mode,
                       spm_money *pay, spm_pay_step *steps, size_t cap, size_t *nsteps,
                       spm_error *err)
{
	spm_money total = {0};
	size_t n = 0;
	char buf[SPM_NUM_BUFSZ];
	int rc;

	if (!pay)
		return spm_error_set(err, SPM_EUSAGE, "rate table: no place for the pay");
	rc = check_mode(mode, err);
	if (rc != SPM_OK)
		return rc;
	rc = spm_rate_table_check(t, err);
	if (rc != SPM_OK) {
		/* the caller should have checked the plan; keep the check's message */
		if (err)
			err->code = SPM_EUSAGE;
		return SPM_EUSAGE;
	}
	if (t->basis == SPM_TIERS_ON_ATTAINMENT && quota.units <= 0) {
		spm_money_format(buf, sizeof buf, quota, 0);
		return spm_error_set(err, SPM_EDATA, "no quota: '%s'", buf);
	}

	if (base.units < 0) {
		rc = slice_pay(&total, 0, base, t->tiers[0].rate, mode, err);
		if (rc != SPM_OK)
			return rc;
		add_step(steps, cap, &n, 0, base, t->tiers[0].rate, total);
	} else if (base.units > 0) {
		if (t->method == SPM_TIERS_GRADUATED)
			rc = pay_graduated(t, base, quota, mode, &total, steps, cap, &n, err);
		else
			rc = pay_retroactive(t, base, quota, mode, &total, steps, cap, &n, err);
		if (rc != SPM_OK)
			return rc;
	}
	*pay = total;
	if (nsteps)
		*nsteps = n;
	return SPM_OK;
}

/* --- pay curves --- */

int spm_curve_check(const spm_curve_point *points, size_t n, spm_error *err)
{
	char b1[SPM_NUM_BUFSZ], b2[SPM_NUM_BUFSZ];

	if (!points && n > 0)
		return spm_error_set(err, SPM_EUSAGE, "curve: no points given");
	if (n < 2)
		return spm_error_set(err, SPM_ECONFIG, "curve: %zu point%s, at least 2 needed", n,
		                     n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		if (points[i].payout.units < 0) {
			spm_rate_format(b1, sizeof b1, points[i].payout, true);
			return spm_error_set(err, SPM_ECONFIG,
			                     "curve point %zu: payout %s is negative", i + 1, b1);
		}
		if (i > 0 && points[i].attainment.units <= points[i - 1].attainment.units) {
			spm_rate_format(b1, sizeof b1, points[i].attainment, true);
			spm_rate_format(b2, sizeof b2, points[i - 1].attainment, true);
			return spm_error_set(
			    err, SPM_ECONFIG,
			    "curve point %zu: attainment %s is not above the previous %s", i + 1,
			    b1, b2);
		}
	}
	return SPM_OK;
}

/*
 * *out = ±(whole + num / den), 0 <= num < den, rounded with mode by the money module's rules:
 * ties by the mode, "up" away from zero, ceiling and floor by the sign. SPM_ERANGE when it does
 * not fit an int64.
 */
static int round_parts(int64_t *out, bool negative, u128 whole, u128 num, u128 den,
                       spm_rounding mode)
{
	bool away = false;

	if (num != 0) {
		u128 twice = 2 * num; /* num < den < 2^99 here */
		away = spm_round_away(mode, negative, whole % 2 != 0,
				      twice < den ? -1 : twice > den ? 1 : 0);
	}
	if (away)
		whole++;
	if (negative) {
		if (whole > (u128)INT64_MAX + 1)
			return SPM_ERANGE;
		*out = whole == (u128)INT64_MAX + 1 ? INT64_MIN : -(int64_t)whole;
	} else {
		if (whole > (u128)INT64_MAX)
			return SPM_ERANGE;
		*out = (int64_t)whole;
	}
	return SPM_OK;
}

/*
 * Where a lies on the curve: false with *flat the payout when a is at or outside the ends; true
 * with the exact payout S / d (in rate units) between the neighbouring points otherwise, where
 * S = p0 × (a1 - a) + p1 × (a - a0) and d = a1 - a0. Both payouts are below 2^63 and the two
 * spans sum to d < 2^64, so S < 2^127.
 */
static bool curve_segment(const spm_curve_point *p, size_t n, spm_rate a, spm_rate *flat, u128 *s,
                          u128 *d)
{
	size_t i;

	if (a.units <= p[0].attainment.units) {
		*flat = p[0].payout;
		return false;
	}
	if (a.units >= p[n - 1].attainment.units) {
		*flat = p[n - 1].payout;
		return false;
	}
	for (i = 0; a.units >= p[i + 1].attainment.units; i++)
		;
	*d = (u128)((i128)p[i + 1].attainment.units - p[i].attainment.units);
	*s = (u128)p[i].payout.units * (u128)((i128)p[i + 1].attainment.units - a.units) +
	     (u128)p[i + 1].payout.units * (u128)((i128)a.units - p[i].attainment.units);
	return true;
}

static int curve_usage(const spm_curve_point *points, size_t n, spm_rounding mode, const void *out,
                       spm_error *err)
{
	int rc;

	if (!out)
		return spm_error_set(err, SPM_EUSAGE, "curve: no place for the result");
	rc = check_mode(mode, err);
	if (rc != SPM_OK)
		return rc;
	rc = spm_curve_check(points, n, err);
	if (rc != SPM_OK) {
		if (err)
			err->code = SPM_EUSAGE;
		return SPM_EUSAGE;
	}
	return SPM_OK;
}

int spm_curve_payout(const spm_curve_point *points, size_t n, spm_rate a, spm_rounding mode,
                     spm_rate *payout, spm_error *err)
{
	spm_rate flat;
	u128 s, d;
	int rc;

	rc = curve_usage(points, n, mode, payout, err);
	if (rc != SPM_OK)
		return rc;
	if (!curve_segment(points, n, a, &flat, &s, &d)) {
		*payout = flat;
		return SPM_OK;
	}
	/* between two payouts, so it fits */
	return round_parts(&payout->units, false, s / d, s % d, d, mode);
}

int spm_curve_pay(const spm_curve_point *points, size_t n, spm_rate a, spm_money target,
                  spm_rounding mode, spm_money *pay, spm_error *err)
{
	spm_rate flat;
	u128 s, d, t, q, r, b, m;
	bool negative = target.units < 0;
	char buf[SPM_NUM_BUFSZ];
	int rc;

	rc = curve_usage(points, n, mode, pay, err);
	if (rc != SPM_OK)
		return rc;
	if (!curve_segment(points, n, a, &flat, &s, &d)) {
		rc = spm_money_mul_rate(pay, target, flat, mode);
	} else {
		/*
		 * pay units = t × S / (d × 10^10), whose numerator can need 190 bits. With
		 * S = q × d + r: t × S / d = t × q + (t × r) / d, and t × r = q2 × d + r2, so the
		 * pay is (t × q + q2) / 10^10 + r2 / (d × 10^10); t × q < 2^126, t × r < 2^127.
		 */
		t = negative ? (u128)(-(i128)target.units) : (u128)target.units;
		q = s / d;
		r = s % d;
		b = t * r;
		m = t * q + b / d;
		rc =
		    round_parts(&pay->units, negative, m / (u128)SPM_RATE_ONE,
		                (m % (u128)SPM_RATE_ONE) * d + b % d, (u128)SPM_RATE_ONE * d, mode);
	}
	if (rc != SPM_OK) {
		spm_money_format(buf, sizeof buf, target, 0);
		return spm_error_set(err, SPM_ERANGE, "curve: pay on target %s is out of range",
		                     buf);
	}
	return SPM_OK;
}

/* --- thresholds and caps --- */

bool spm_threshold_passed(int64_t measure, int64_t at, spm_boundary boundary)
{
	return boundary == SPM_BOUNDARY_ABOVE ? measure >= at : measure > at;
}

int spm_threshold_deduct(spm_tier_basis basis, spm_money base, spm_money quota, int64_t at,
                         spm_rounding mode, spm_money *paying_base, spm_error *err)
{
	spm_money deducted = {at};
	char buf[SPM_NUM_BUFSZ];
	int rc;

	if (!paying_base)
		return spm_error_set(err, SPM_EUSAGE, "threshold: no place for the paying base");
	if (basis != SPM_TIERS_ON_AMOUNT && basis != SPM_TIERS_ON_ATTAINMENT)
		return spm_error_set(err, SPM_EUSAGE, "threshold: unknown basis %d", (int)basis);
	rc = check_mode(mode, err);
	if (rc != SPM_OK)
		return rc;
	if (at < 0)
		return spm_error_set(err, SPM_ECONFIG, "threshold %s is negative",
		                     bound_text(buf, sizeof buf, basis, at));
	if (basis == SPM_TIERS_ON_ATTAINMENT) {
		if (quota.units <= 0) {
			spm_money_format(buf, sizeof buf, quota, 0);
			return spm_error_set(err, SPM_EDATA, "no quota: '%s'", buf);
		}
		/* a deduction beyond money exceeds every base */
		if (spm_money_mul_rate(&deducted, quota, (spm_rate){at}, mode) != SPM_OK) {
			paying_base->units = 0;
			return SPM_OK;
		}
	}
	/* base > deducted >= 0, so the difference fits */
	paying_base->units = base.units > deducted.units ? base.units - deducted.units : 0;
	return SPM_OK;
}

int spm_cap(spm_money pay, spm_money cap, spm_money *paid, spm_money *cut, spm_error *err)
{
	char buf[SPM_NUM_BUFSZ];

	if (!paid || !cut)
		return spm_error_set(err, SPM_EUSAGE, "cap: no place for the result");
	if (cap.units < 0) {
		spm_money_format(buf, sizeof buf, cap, 0);
		return spm_error_set(err, SPM_EUSAGE, "cap %s is negative", buf);
	}
	/* pay > cap >= 0, so the cut fits */
	*paid = pay.units > cap.units ? cap : pay;
	cut->units = pay.units - paid->units;
	return SPM_OK;
}
