/*
 * tseries.c - time-series forecasts of a regular series (see spm/tseries.h): the benchmark methods
 * and the regressions in closed form, the exponential-smoothing family fitted by a Nelder-Mead
 * simplex over a transform of its admissible region, prediction intervals from the textbook
 * variance formulas, the automatic choice by a rolling-origin backtest, and forecast accuracy.
 *
 * Everything here is a statistic, so it is double precision by design; nothing here is money.
 */
#include "spm/tseries.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const method_names[SPM_TS_METHOD_COUNT] = {
    "naive", "snaive",      "drift",       "mean",        "linear",            "linear-seasonal",
    "ses",   "holt",        "holt-damped", "hw-additive", "hw-multiplicative", "auto",
};

const char *spm_ts_method_name(spm_ts_method m)
{
	if ((int)m < 0 || (int)m >= (int)SPM_TS_METHOD_COUNT)
		return NULL;
	return method_names[m];
}

int spm_ts_method_parse(const char *word)
{
	if (!word)
		return -1;
	for (int i = 0; i < (int)SPM_TS_METHOD_COUNT; i++) {
		if (strcmp(word, method_names[i]) == 0)
			return i;
	}
	return -1;
}

static bool is_seasonal(spm_ts_method m)
{
	return m == SPM_TS_SNAIVE || m == SPM_TS_LINEAR_SEASONAL || m == SPM_TS_HW_ADDITIVE ||
	       m == SPM_TS_HW_MULTIPLICATIVE;
}

static size_t min_points(spm_ts_method m)
{
	return (m == SPM_TS_NAIVE || m == SPM_TS_MEAN || m == SPM_TS_AUTO) ? 1 : 2;
}

/* What a seasonal method becomes when the series has no two full seasons. */
static spm_ts_method non_seasonal(spm_ts_method m)
{
	switch (m) {
	case SPM_TS_SNAIVE:
		return SPM_TS_NAIVE;
	case SPM_TS_LINEAR_SEASONAL:
		return SPM_TS_LINEAR;
	case SPM_TS_HW_ADDITIVE:
	case SPM_TS_HW_MULTIPLICATIVE:
		return SPM_TS_HOLT;
	default:
		return m;
	}
}

/* --- the normal quantile --- */

/*
 * The inverse of the standard normal CDF: a rational approximation (relative error about 1e-9)
 * polished by one Halley step on erfc, which brings it to about machine precision.
 */
static double normal_quantile(double p)
{
	static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
	                           -2.759285104469687e+02, 1.383577518672690e+02,
	                           -3.066479806614716e+01, 2.506628277459239e+00};
	static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
	                           -1.556989798598866e+02, 6.680131188771972e+01,
	                           -1.328068155288572e+01};
	static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
	                           -2.400758277161838e+00, -2.549732539343734e+00,
	                           4.374664141464968e+00,  2.938163982698783e+00};
	static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
	                           2.445134137142996e+00, 3.754408661907416e+00};
	const double plow = 0.02425;
	double x;

	if (!(p > 0.0))
		return -INFINITY;
	if (!(p < 1.0))
		return INFINITY;
	if (p < plow) {
		double q = sqrt(-2.0 * log(p));
		x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
	} else if (p <= 1.0 - plow) {
		double q = p - 0.5, r = q * q;
		x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
		    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
	} else {
		double q = sqrt(-2.0 * log(1.0 - p));
		x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
	}
	/* Halley's step: e is the CDF's error at x, u the Newton step. */
	double e = 0.5 * erfc(-x / sqrt(2.0)) - p;
	double u = e * 2.50662827463100050242 * exp(x * x / 2.0); /* sqrt(2 pi) */
	return x - u / (1.0 + x * u / 2.0);
}

/* --- Nelder-Mead --- */

#define NM_MAXDIM 4
#define NM_FTOL 1e-10  /* stop when the simplex's values agree to this relative spread */
#define NM_MAXIT 2000  /* iterations per run; the run is repeated once from its best point */
#define NM_STEP 1.0    /* the initial simplex's edge, in the transformed coordinates */

typedef double (*nm_objective)(const double *x, void *ctx);

static double nm_eval(nm_objective f, void *ctx, const double *x)
{
	double v = f(x, ctx);
	return isnan(v) ? INFINITY : v; /* a NaN would stall every comparison */
}

/*
 * One Nelder-Mead run from x[0..d-1] with the standard coefficients (reflection 1, expansion 2,
 * contraction 1/2, shrink 1/2). Stops when the best and worst values agree to NM_FTOL relative
 * (or both are 0) or after NM_MAXIT iterations. Leaves the best vertex in x, returns its value.
 */
static double nm_run(nm_objective f, void *ctx, double *x, size_t d)
{
	double v[NM_MAXDIM + 1][NM_MAXDIM], fv[NM_MAXDIM + 1];
	double cen[NM_MAXDIM], xr[NM_MAXDIM], xe[NM_MAXDIM], xc[NM_MAXDIM];

	for (size_t i = 0; i <= d; i++) {
		memcpy(v[i], x, d * sizeof *x);
		if (i > 0)
			v[i][i - 1] += NM_STEP;
		fv[i] = nm_eval(f, ctx, v[i]);
	}
	for (int it = 0; it < NM_MAXIT; it++) {
		/* order the vertices best first (insertion sort: at most 5) */
		for (size_t i = 1; i <= d; i++) {
			for (size_t j = i; j > 0 && fv[j] < fv[j - 1]; j--) {
				double t = fv[j];
				fv[j] = fv[j - 1];
				fv[j - 1] = t;
				for (size_t k = 0; k < d; k++) {
					t = v[j][k];
					v[j][k] = v[j - 1][k];
					v[j - 1][k] = t;
				}
			}
		}
		double lo = fv[0], hi = fv[d];
		if (isfinite(hi) && hi - lo <= NM_FTOL * (fabs(lo) + fabs(hi)))
			break;
		for (size_t k = 0; k < d; k++) {
			cen[k] = 0.0;
			for (size_t i = 0; i < d; i++)
				cen[k] += v[i][k];
			cen[k] /= (double)d;
			xr[k] = cen[k] + (cen[k] - v[d][k]);
		}
		double fr = nm_eval(f, ctx, xr);
		if (fr < fv[0]) {
			for (size_t k = 0; k < d; k++)
				xe[k] = cen[k] + 2.0 * (cen[k] - v[d][k]);
			double fe = nm_eval(f, ctx, xe);
			if (fe < fr) {
				memcpy(v[d], xe, d * sizeof *xe);
				fv[d] = fe;
			} else {
				memcpy(v[d], xr, d * sizeof *xr);
				fv[d] = fr;
			}
			continue;
		}
		if (fr < fv[d - 1]) {
			memcpy(v[d], xr, d * sizeof *xr);
			fv[d] = fr;
			continue;
		}
		/* contraction: outside when the reflection improved on the worst, else inside */
		bool outside = fr < fv[d];
		for (size_t k = 0; k < d; k++)
			xc[k] = outside ? cen[k] + 0.5 * (xr[k] - cen[k]) : cen[k] + 0.5 * (v[d][k] - cen[k]);
		double fc = nm_eval(f, ctx, xc);
		if (outside ? fc <= fr : fc < fv[d]) {
			memcpy(v[d], xc, d * sizeof *xc);
			fv[d] = fc;
			continue;
		}
		for (size_t i = 1; i <= d; i++) {
			for (size_t k = 0; k < d; k++)
				v[i][k] = v[0][k] + 0.5 * (v[i][k] - v[0][k]);
			fv[i] = nm_eval(f, ctx, v[i]);
		}
	}
	size_t best = 0;
	for (size_t i = 1; i <= d; i++) {
		if (fv[i] < fv[best])
			best = i;
	}
	memcpy(x, v[best], d * sizeof *x);
	return fv[best];
}

/*
 * Minimises f from x[0..d-1] (d <= 4): one run, then a second from the first's best point with a
 * fresh simplex, since a collapsed simplex can stop short of the minimum. Leaves the best point
 * in x and returns its value.
 */
static double nm_minimise(nm_objective f, void *ctx, double *x, size_t d)
{
	double first = nm_run(f, ctx, x, d);
	double keep[NM_MAXDIM];
	memcpy(keep, x, d * sizeof *x);
	double second = nm_run(f, ctx, x, d);
	if (!(second <= first)) {
		memcpy(x, keep, d * sizeof *x);
		return first;
	}
	return second;
}

/* The minimiser as the unit tests reach it; not part of the public API. */
double spm_ts_test_nelder_mead(double (*f)(const double *x, void *ctx), void *ctx, double *x,
                               size_t d);
double spm_ts_test_nelder_mead(double (*f)(const double *x, void *ctx), void *ctx, double *x,
                               size_t d)
{
	if (d < 1 || d > NM_MAXDIM)
		return NAN;
	return nm_minimise(f, ctx, x, d);
}

/* --- what every method fills --- */

typedef struct fit_out {
	double *mean, *lower, *upper; /* h each; lower and upper may be NULL (backtests) */
	size_t h;
	double z; /* the normal quantile of the interval */
	double params[SPM_TS_MAX_PARAMS];
	size_t nparams;
	double sse, sigma, aicc;
} fit_out;

/* Intervals mean ± z·sigma·sqrt(v[k]), from the variance factors already in lower[]. */
static void fill_intervals(fit_out *o)
{
	if (!o->lower)
		return;
	for (size_t k = 0; k < o->h; k++) {
		double half = o->z * o->sigma * sqrt(o->lower[k]);
		o->lower[k] = o->mean[k] - half;
		o->upper[k] = o->mean[k] + half;
	}
}

/* sqrt(sse / dof), or NAN when no degree of freedom is left. */
static double residual_sigma(double sse, size_t count, size_t fitted)
{
	if (count <= fitted)
		return NAN;
	return sqrt(sse / (double)(count - fitted));
}

/* --- benchmarks (FPP3 §5.2, intervals table 5.2) --- */

static void fit_naive(const double *y, size_t n, fit_out *o)
{
	double sse = 0.0;
	for (size_t t = 1; t < n; t++)
		sse += (y[t] - y[t - 1]) * (y[t] - y[t - 1]);
	o->sse = sse;
	o->sigma = residual_sigma(sse, n - 1, 0);
	for (size_t k = 0; k < o->h; k++) {
		o->mean[k] = y[n - 1];
		if (o->lower)
			o->lower[k] = (double)(k + 1);
	}
	fill_intervals(o);
}

static void fit_snaive(const double *y, size_t n, size_t m, fit_out *o)
{
	double sse = 0.0;
	for (size_t t = m; t < n; t++)
		sse += (y[t] - y[t - m]) * (y[t] - y[t - m]);
	o->sse = sse;
	o->sigma = residual_sigma(sse, n - m, 0);
	for (size_t k = 0; k < o->h; k++) {
		o->mean[k] = y[n - m + k % m];
		if (o->lower)
			o->lower[k] = (double)(k / m + 1); /* whole seasons ahead, plus one */
	}
	fill_intervals(o);
}

static void fit_drift(const double *y, size_t n, fit_out *o)
{
	double slope = (y[n - 1] - y[0]) / (double)(n - 1), sse = 0.0;
	for (size_t t = 1; t < n; t++) {
		double e = y[t] - y[t - 1] - slope;
		sse += e * e;
	}
	o->sse = sse;
	o->sigma = residual_sigma(sse, n - 1, 1);
	for (size_t k = 0; k < o->h; k++) {
		double steps = (double)(k + 1);
		o->mean[k] = y[n - 1] + steps * slope;
		if (o->lower)
			o->lower[k] = steps * (1.0 + steps / (double)(n - 1));
	}
	fill_intervals(o);
}

static void fit_mean(const double *y, size_t n, fit_out *o)
{
	double sum = 0.0, sse = 0.0;
	for (size_t t = 0; t < n; t++)
		sum += y[t];
	double mu = sum / (double)n;
	for (size_t t = 0; t < n; t++)
		sse += (y[t] - mu) * (y[t] - mu);
	o->sse = sse;
	o->sigma = residual_sigma(sse, n, 1);
	for (size_t k = 0; k < o->h; k++) {
		o->mean[k] = mu;
		if (o->lower)
			o->lower[k] = 1.0 + 1.0 / (double)n;
	}
	fill_intervals(o);
}

/* --- regressions --- */

/*
 * Least squares of y on t = 1..n and m-1 seasonal dummies (m = 1: the plain line). The dummies
 * with an intercept span the same space as one intercept per season, so the fit is a common slope
 * over the within-season deviations and a season's intercept is its mean less slope times its
 * mean t; the prediction variance factor x0'(X'X)^-1 x0 is then 1/n_j + (t0 - tbar_j)^2 / Sxx,
 * exact, in O(n), and without an n × (m+1) design matrix. Needs n >= 2m (each season twice).
 */
static int fit_regression(const double *y, size_t n, size_t m, fit_out *o)
{
	double *tbar = calloc(m, sizeof *tbar), *ybar = calloc(m, sizeof *ybar);
	size_t *cnt = calloc(m, sizeof *cnt);
	if (!tbar || !ybar || !cnt) {
		free(tbar);
		free(ybar);
		free(cnt);
		return SPM_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		size_t j = i % m;
		tbar[j] += (double)(i + 1);
		ybar[j] += y[i];
		cnt[j]++;
	}
	for (size_t j = 0; j < m; j++) {
		tbar[j] /= (double)cnt[j];
		ybar[j] /= (double)cnt[j];
	}
	double sxx = 0.0, sxy = 0.0;
	for (size_t i = 0; i < n; i++) {
		size_t j = i % m;
		double dt = (double)(i + 1) - tbar[j];
		sxx += dt * dt;
		sxy += dt * (y[i] - ybar[j]);
	}
	double slope = sxy / sxx, sse = 0.0;
	for (size_t i = 0; i < n; i++) {
		size_t j = i % m;
		double e = y[i] - (ybar[j] + slope * ((double)(i + 1) - tbar[j]));
		sse += e * e;
	}
	size_t p = m + 1; /* coefficients: intercept, slope, m-1 dummies */
	o->sse = sse;
	o->sigma = residual_sigma(sse, n, p);
	/* FPP3 §7.5: AIC = T log(SSE/T) + 2(k+2) with k predictors, corrected for small T */
	double kp = (double)(p - 1), dn = (double)n;
	o->aicc = NAN;
	if (dn - kp - 3.0 > 0.0) {
		o->aicc = dn * log(sse / dn) + 2.0 * (kp + 2.0) +
		          2.0 * (kp + 2.0) * (kp + 3.0) / (dn - kp - 3.0);
	}
	for (size_t k = 0; k < o->h; k++) {
		size_t j = (n + k) % m;
		double t0 = (double)(n + k + 1);
		o->mean[k] = ybar[j] + slope * (t0 - tbar[j]);
		if (o->lower) {
			o->lower[k] =
			    1.0 + 1.0 / (double)cnt[j] + (t0 - tbar[j]) * (t0 - tbar[j]) / sxx;
		}
	}
	fill_intervals(o);
	free(tbar);
	free(ybar);
	free(cnt);
	return SPM_OK;
}

/* --- exponential smoothing --- */

enum { SEASON_NONE, SEASON_ADD, SEASON_MUL };

typedef struct ets_model {
	bool trend, damped;
	int season;
} ets_model;

typedef struct ets_ctx {
	const double *y;
	size_t n, m; /* m is 1 without a season */
	ets_model mod;
	size_t start; /* the first time with a one-step error; the initial states are at start-1 */
	double l0, b0;
	const double *s0; /* m initial seasonal indices, by season of t mod m */
	double *s;        /* m working seasonal states */
	double l, b;      /* the states after the last point */
	double sse_rel;   /* sum of squared relative errors e/ŷ (for the multiplicative intervals) */
} ets_ctx;

/* The admissible region is open and kept a hair away from its edges, as a fit on its edge (alpha
 * = 1, beta = 0) would make a model degenerate into another. */
#define ETS_EDGE 1e-4
#define PHI_LO 0.8
#define PHI_HI 0.98

static double logistic(double u)
{
	return 1.0 / (1.0 + exp(-u));
}

static double logit(double p)
{
	return log(p / (1.0 - p));
}

static size_t ets_nparams(const ets_model *mod)
{
	return 1 + (mod->trend ? 1u : 0u) + (mod->season != SEASON_NONE ? 1u : 0u) +
	       (mod->damped ? 1u : 0u);
}

/*
 * Maps unconstrained u (alpha, then beta, gamma, phi as the model has them) into the region
 * 0 < beta < alpha < 1, 0 < gamma < 1 - alpha, 0.8 < phi < 0.98: alpha is a logistic of u[0];
 * beta that share of alpha, gamma that share of 1 - alpha, each share a logistic; phi a logistic
 * scaled into its range. Every u is admissible, so the simplex needs no penalty.
 */
static void ets_params(const ets_model *mod, const double *u, double *alpha, double *beta,
                       double *gamma, double *phi)
{
	size_t i = 0;
	double span = 1.0 - 2.0 * ETS_EDGE;
	*alpha = ETS_EDGE + span * logistic(u[i++]);
	*beta = mod->trend ? *alpha * (ETS_EDGE + span * logistic(u[i++])) : 0.0;
	*gamma = mod->season != SEASON_NONE ? (1.0 - *alpha) * (ETS_EDGE + span * logistic(u[i++]))
	                                    : 0.0;
	*phi = mod->damped ? PHI_LO + (PHI_HI - PHI_LO) * logistic(u[i++]) : 1.0;
}

/* The inverse of ets_params for a point inside the region (the search's start). */
static void ets_unparams(const ets_model *mod, double alpha, double beta_share,
                         double gamma_share, double phi, double *u)
{
	size_t i = 0;
	double span = 1.0 - 2.0 * ETS_EDGE;
	u[i++] = logit((alpha - ETS_EDGE) / span);
	if (mod->trend)
		u[i++] = logit((beta_share - ETS_EDGE) / span);
	if (mod->season != SEASON_NONE)
		u[i++] = logit((gamma_share - ETS_EDGE) / span);
	if (mod->damped)
		u[i++] = logit((phi - PHI_LO) / (PHI_HI - PHI_LO));
}

/*
 * Runs the smoothing equations (error-correction form, FPP3 §8.4/table 8.6 for the additive
 * ones) from the initial states over the series and returns the one-step SSE. The
 * multiplicative model's updates are those of ETS(M,A,M) written with the additive error e:
 * level += alpha·e/s, trend += beta·e/s, s += gamma·e/(level + trend), which are also classical
 * Holt-Winters' multiplicative updates.
 */
static double ets_filter(ets_ctx *c, double alpha, double beta, double gamma, double phi)
{
	double l = c->l0, b = c->b0, sse = 0.0, rel = 0.0;
	if (c->mod.season != SEASON_NONE)
		memcpy(c->s, c->s0, c->m * sizeof *c->s);
	for (size_t t = c->start; t < c->n; t++) {
		size_t j = t % c->m;
		double base = l + phi * b, yhat, e;
		switch (c->mod.season) {
		case SEASON_ADD:
			yhat = base + c->s[j];
			e = c->y[t] - yhat;
			l = base + alpha * e;
			b = phi * b + beta * e;
			c->s[j] += gamma * e;
			break;
		case SEASON_MUL: {
			double sj = c->s[j];
			yhat = base * sj;
			e = c->y[t] - yhat;
			l = base + alpha * e / sj;
			b = phi * b + beta * e / sj;
			c->s[j] = sj + gamma * e / base;
			break;
		}
		default:
			yhat = base;
			e = c->y[t] - yhat;
			l = base + alpha * e;
			b = phi * b + beta * e;
			break;
		}
		sse += e * e;
		if (c->mod.season == SEASON_MUL)
			rel += (e / yhat) * (e / yhat);
	}
	c->l = l;
	c->b = b;
	c->sse_rel = rel;
	return sse;
}

static double ets_objective(const double *u, void *ctx)
{
	ets_ctx *c = ctx;
	double alpha, beta, gamma, phi;
	ets_params(&c->mod, u, &alpha, &beta, &gamma, &phi);
	double sse = ets_filter(c, alpha, beta, gamma, phi);
	return isfinite(sse) ? sse : INFINITY;
}

/*
 * The classical initial states. Without a season: level y[0] (ses, from time 0) or, with a
 * trend, level y[1] and trend y[1] - y[0] at time 1, the line through the first two points. With
 * a season: the trend is the mean first difference between the first two seasons, the first
 * season's mean is its level at its middle, carried to its end by that trend, and the seasonal
 * indices are the first season's deviations from (ratios to) that trend line, so that a series
 * that is exactly line plus season is reproduced.
 */
static void ets_init(ets_ctx *c, double *s0)
{
	const double *y = c->y;
	size_t m = c->m;
	if (c->mod.season == SEASON_NONE) {
		if (c->mod.trend) {
			c->start = 2;
			c->l0 = y[1];
			c->b0 = y[1] - y[0];
		} else {
			c->start = 1;
			c->l0 = y[0];
			c->b0 = 0.0;
		}
		return;
	}
	double first = 0.0, diff = 0.0;
	for (size_t i = 0; i < m; i++) {
		first += y[i];
		diff += (y[m + i] - y[i]) / (double)m;
	}
	first /= (double)m;
	double slope = diff / (double)m, mid = ((double)m - 1.0) / 2.0;
	c->start = m;
	c->b0 = slope;
	c->l0 = first + slope * mid;
	for (size_t i = 0; i < m; i++) {
		double line = first + slope * ((double)i - mid);
		s0[i] = c->mod.season == SEASON_ADD ? y[i] - line : y[i] / line;
	}
}

/*
 * Fits an ETS model: the start is the best point of a small grid over the region, then
 * Nelder-Mead on the one-step SSE. Fills o (forecasts, intervals from FPP3 table 8.7, params,
 * SSE, sigma, AICc). Returns SPM_OK, SPM_ENOMEM, or SPM_EDATA when no parameter gives finite
 * one-step errors (squares that overflow, or multiplicative seasonal indices that divide by 0).
 */
static int fit_ets(const double *y, size_t n, size_t m, ets_model mod, fit_out *o)
{
	ets_ctx c = {.y = y, .n = n, .m = mod.season == SEASON_NONE ? 1 : m, .mod = mod};
	double *buf = NULL;
	if (mod.season != SEASON_NONE) {
		buf = malloc(2 * m * sizeof *buf);
		if (!buf)
			return SPM_ENOMEM;
		c.s = buf + m;
		c.s0 = buf;
	}
	ets_init(&c, buf);

	static const double alphas[] = {0.1, 0.3, 0.5, 0.7, 0.9};
	static const double shares[] = {0.05, 0.2, 0.5};
	size_t d = ets_nparams(&mod);
	double u[NM_MAXDIM], best_u[NM_MAXDIM], best = INFINITY;
	size_t nb = mod.trend ? 3 : 1, ng = mod.season != SEASON_NONE ? 3 : 1;
	for (size_t ia = 0; ia < 5; ia++) {
		for (size_t ib = 0; ib < nb; ib++) {
			for (size_t ig = 0; ig < ng; ig++) {
				ets_unparams(&mod, alphas[ia], shares[ib], shares[ig], 0.9, u);
				double f = ets_objective(u, &c);
				if (f < best || ia + ib + ig == 0) {
					best = f;
					memcpy(best_u, u, d * sizeof *u);
				}
			}
		}
	}
	double sse = nm_minimise(ets_objective, &c, best_u, d);
	if (!isfinite(sse)) {
		free(buf);
		return SPM_EDATA;
	}
	double alpha, beta, gamma, phi;
	ets_params(&mod, best_u, &alpha, &beta, &gamma, &phi);
	sse = ets_filter(&c, alpha, beta, gamma, phi); /* leaves the final states in c */

	size_t np = 0;
	o->params[np++] = alpha;
	if (mod.trend)
		o->params[np++] = beta;
	if (mod.season != SEASON_NONE)
		o->params[np++] = gamma;
	if (mod.damped)
		o->params[np++] = phi;
	o->nparams = np;
	o->sse = sse;
	size_t ne = n - c.start;
	o->sigma = residual_sigma(mod.season == SEASON_MUL ? c.sse_rel : sse, ne, d);
	/* k: the smoothing parameters and the initial states (level, trend, m-1 free indices) */
	double k = (double)d + 1.0 + (mod.trend ? 1.0 : 0.0) +
	           (mod.season != SEASON_NONE ? (double)m - 1.0 : 0.0);
	double dn = (double)ne;
	o->aicc = NAN;
	if (dn - k - 1.0 > 0.0)
		o->aicc = dn * log(sse / dn) + 2.0 * k + 2.0 * k * (k + 1.0) / (dn - k - 1.0);

	double damp = 0.0, phik = 1.0; /* phi + ... + phi^h */
	for (size_t i = 0; i < o->h; i++) {
		size_t hk = i + 1;
		double dh = (double)hk;
		phik *= phi;
		damp += phik;
		double trend = mod.damped ? damp * c.b : dh * c.b;
		size_t j = (n + i) % c.m;
		double point = c.l + trend;
		if (mod.season == SEASON_ADD)
			point += c.s[j];
		else if (mod.season == SEASON_MUL)
			point *= c.s[j];
		o->mean[i] = point;
		if (!o->lower)
			continue;
		/* FPP3 table 8.7: the h-step variance as a multiple of sigma^2 */
		double v;
		if (mod.damped) {
			double q = 1.0 - phi;
			v = 1.0 + alpha * alpha * (dh - 1.0) +
			    beta * phi * dh / (q * q) * (2.0 * alpha * q + beta * phi) -
			    beta * phi * (1.0 - phik) / (q * q * (1.0 - phi * phi)) *
			        (2.0 * alpha * (1.0 - phi * phi) + beta * phi * (1.0 + 2.0 * phi - phik));
		} else if (mod.trend) {
			v = 1.0 + (dh - 1.0) * (alpha * alpha + alpha * beta * dh +
			                        beta * beta * dh * (2.0 * dh - 1.0) / 6.0);
		} else {
			v = 1.0 + alpha * alpha * (dh - 1.0);
		}
		if (mod.season != SEASON_NONE) {
			double ks = (double)(i / m);
			v += gamma * ks * (2.0 * alpha + gamma + beta * (double)m * (ks + 1.0));
		}
		/* multiplicative: sigma is that of the relative errors, so it scales with the point */
		o->lower[i] = mod.season == SEASON_MUL ? v * point * point : v;
	}
	fill_intervals(o);
	if (o->lower && mod.season == SEASON_MUL) {
		for (size_t i = 0; i < o->h; i++) {
			if (o->lower[i] > o->upper[i]) {
				double t = o->lower[i];
				o->lower[i] = o->upper[i];
				o->upper[i] = t;
			}
		}
	}
	free(buf);
	return SPM_OK;
}

/*
 * Fits method (applicable: enough points, a season when it needs one, positive values when
 * multiplicative) to y[0..n-1] and forecasts o->h steps. Returns SPM_OK, SPM_ENOMEM or SPM_EDATA.
 */
static int fit_method(const double *y, size_t n, size_t m, spm_ts_method method, fit_out *o)
{
	o->nparams = 0;
	o->aicc = NAN;
	for (size_t i = 0; i < SPM_TS_MAX_PARAMS; i++)
		o->params[i] = NAN;
	switch (method) {
	case SPM_TS_NAIVE:
		fit_naive(y, n, o);
		return SPM_OK;
	case SPM_TS_SNAIVE:
		fit_snaive(y, n, m, o);
		return SPM_OK;
	case SPM_TS_DRIFT:
		fit_drift(y, n, o);
		return SPM_OK;
	case SPM_TS_MEAN:
		fit_mean(y, n, o);
		return SPM_OK;
	case SPM_TS_LINEAR:
		return fit_regression(y, n, 1, o);
	case SPM_TS_LINEAR_SEASONAL:
		return fit_regression(y, n, m, o);
	case SPM_TS_SES:
		return fit_ets(y, n, m, (ets_model){false, false, SEASON_NONE}, o);
	case SPM_TS_HOLT:
		return fit_ets(y, n, m, (ets_model){true, false, SEASON_NONE}, o);
	case SPM_TS_HOLT_DAMPED:
		return fit_ets(y, n, m, (ets_model){true, true, SEASON_NONE}, o);
	case SPM_TS_HW_ADDITIVE:
		return fit_ets(y, n, m, (ets_model){true, false, SEASON_ADD}, o);
	case SPM_TS_HW_MULTIPLICATIVE:
		return fit_ets(y, n, m, (ets_model){true, false, SEASON_MUL}, o);
	default:
		return SPM_EUSAGE;
	}
}

/* --- auto --- */

/* The in-sample MAE of the seasonal naive (naive when m = 1 or n <= m); NAN without one. */
static double mase_scale(const double *y, size_t n, size_t m)
{
	size_t lag = (m > 1 && n > m) ? m : 1;
	if (n <= lag)
		return NAN;
	double sum = 0.0;
	for (size_t t = lag; t < n; t++)
		sum += fabs(y[t] - y[t - lag]);
	return sum / (double)(n - lag);
}

static bool all_positive(const double *y, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!(y[i] > 0.0))
			return false;
	}
	return true;
}

static bool applies(spm_ts_method method, const double *y, size_t n, size_t m)
{
	if (n < min_points(method))
		return false;
	if (is_seasonal(method) && (m < 2 || n < 2 * m))
		return false;
	if (method == SPM_TS_HW_MULTIPLICATIVE && !all_positive(y, n))
		return false;
	return true;
}

/*
 * The backtest score of method: the mean absolute error of its forecasts of up to hb steps from
 * the origins n-k .. n-1 (each fit on the points before it; a late origin forecasts only the
 * points the series has), divided by scale. *score is INFINITY when a fit fails or a forecast is
 * not finite. Returns SPM_OK or SPM_ENOMEM.
 */
static int backtest(const double *y, size_t n, size_t m, spm_ts_method method, size_t k,
                    size_t hb, double scale, double *mean, double *score)
{
	double sum = 0.0;
	size_t count = 0;
	*score = INFINITY;
	for (size_t origin = n - k; origin < n; origin++) {
		size_t steps = n - origin < hb ? n - origin : hb;
		fit_out o = {.mean = mean, .h = steps};
		int rc = fit_method(y, origin, m, method, &o);
		if (rc == SPM_ENOMEM)
			return rc;
		if (rc != SPM_OK)
			return SPM_OK;
		for (size_t i = 0; i < steps; i++) {
			double e = fabs(mean[i] - y[origin + i]);
			if (!isfinite(e))
				return SPM_OK;
			sum += e;
			count++;
		}
	}
	*score = sum / (double)count / scale;
	return SPM_OK;
}

/*
 * Chooses the method for auto (see spm/tseries.h) and writes the reason into note. Returns
 * SPM_OK or SPM_ENOMEM.
 */
static int choose(const double *y, size_t n, size_t m, size_t h, spm_ts_method *chosen, char *note,
                  size_t notesz)
{
	bool seasonal = m >= 2 && n >= 2 * m;
	bool can_backtest = n >= 4 && (!seasonal || n >= 2 * m + 2);
	spm_ts_method best = SPM_TS_NAIVE;
	double best_score = INFINITY;

	if (can_backtest) {
		size_t hb = h < m ? h : m;
		size_t k = n / 4 < m ? n / 4 : m;
		if (seasonal && n - 2 * m < k)
			k = n - 2 * m;
		if (k < 1)
			k = 1;
		double scale = mase_scale(y, n, m);
		bool scaled = isfinite(scale) && scale > 0.0;
		double *mean = malloc(hb * sizeof *mean);
		if (!mean)
			return SPM_ENOMEM;
		for (int i = 0; i < (int)SPM_TS_AUTO; i++) {
			spm_ts_method cand = (spm_ts_method)i;
			if (!applies(cand, y, n, m))
				continue;
			double s;
			int rc = backtest(y, n, m, cand, k, hb, scaled ? scale : 1.0, mean, &s);
			if (rc != SPM_OK) {
				free(mean);
				return rc;
			}
			if (s < best_score) {
				best_score = s;
				best = cand;
			}
		}
		free(mean);
		if (isfinite(best_score)) {
			*chosen = best;
			snprintf(note, notesz, "auto chose %s: backtest %s %.4g over %zu origins of up to %zu steps",
			         method_names[best], scaled ? "MASE" : "MAE", best_score, k, hb);
			return SPM_OK;
		}
	}

	double *mean = malloc(sizeof *mean);
	if (!mean)
		return SPM_ENOMEM;
	for (int i = 0; i < (int)SPM_TS_AUTO; i++) {
		spm_ts_method cand = (spm_ts_method)i;
		if (!applies(cand, y, n, m))
			continue;
		fit_out o = {.mean = mean, .h = 1};
		int rc = fit_method(y, n, m, cand, &o);
		if (rc == SPM_ENOMEM) {
			free(mean);
			return rc;
		}
		if (rc == SPM_OK && !isnan(o.aicc) && o.aicc < best_score) {
			best_score = o.aicc;
			best = cand;
		}
	}
	free(mean);
	*chosen = best;
	if (best_score < INFINITY) {
		snprintf(note, notesz, "auto chose %s: AICc %.4g (too few points for a backtest)",
		         method_names[best], best_score);
	} else {
		snprintf(note, notesz, "auto chose naive: %zu points are too few to score the methods", n);
	}
	return SPM_OK;
}

/* --- the public calls --- */

void spm_ts_result_free(spm_ts_result *r)
{
	if (!r)
		return;
	free(r->mean);
	free(r->lower);
	free(r->upper);
	r->mean = r->lower = r->upper = NULL;
	r->horizon = 0;
}

int spm_ts_forecast(const double *y, size_t n, spm_ts_method method, size_t h,
                    const spm_ts_options *opt, spm_ts_result *out, spm_error *err)
{
	if (!out)
		return spm_error_set(err, SPM_EUSAGE, "the result is missing");
	memset(out, 0, sizeof *out);
	out->aicc = NAN;
	if ((int)method < 0 || (int)method >= (int)SPM_TS_METHOD_COUNT)
		return spm_error_set(err, SPM_EUSAGE, "method %d: no such method", (int)method);
	const char *name = method_names[method];
	out->method = method;
	if (h == 0)
		return spm_error_set(err, SPM_EUSAGE, "the horizon is 0: %s needs at least 1 step", name);
	if (h > SIZE_MAX / sizeof(double) / 3)
		return spm_error_set(err, SPM_EUSAGE, "the horizon %zu is too long", h);
	int period = opt ? opt->period : 0;
	double level = opt ? opt->level : 0.0;
	if (period < 0)
		return spm_error_set(err, SPM_EUSAGE, "the period is %d: it must be 1 or more (0 for 12)",
		                     period);
	if (!(level >= 0.0 && level < 100.0))
		return spm_error_set(err, SPM_EUSAGE,
		                     "the level is %g: it must be above 0 and below 100 (0 for 80)", level);
	size_t m = period == 0 ? 12 : (size_t)period;
	if (level == 0.0)
		level = 80.0;
	if (!y && n > 0)
		return spm_error_set(err, SPM_EUSAGE, "the series is missing");
	if (n < min_points(method))
		return spm_error_set(err, SPM_EDATA, "the series has %zu point%s: %s needs at least %zu", n,
		                     n == 1 ? "" : "s", name, min_points(method));
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(y[i]))
			return spm_error_set(err, SPM_EDATA, "the series has a value that is not finite: y[%zu] is %g", i, y[i]);
	}
	if (method == SPM_TS_HW_MULTIPLICATIVE) {
		for (size_t i = 0; i < n; i++) {
			if (!(y[i] > 0.0))
				return spm_error_set(err, SPM_EDATA, "hw-multiplicative needs positive values: y[%zu] is %g", i, y[i]);
		}
	}

	spm_ts_method use = method;
	if (method == SPM_TS_AUTO) {
		int rc = choose(y, n, m, h, &use, out->note, sizeof out->note);
		if (rc != SPM_OK)
			return spm_error_set(err, rc, "auto: out of memory");
	} else if (is_seasonal(method) && m < 2) {
		use = non_seasonal(method);
		snprintf(out->note, sizeof out->note, "%s needs a season and the period is 1: %s instead",
		         name, method_names[use]);
	} else if (is_seasonal(method) && n < 2 * m) {
		use = non_seasonal(method);
		snprintf(out->note, sizeof out->note,
		         "%s needs two full seasons (%zu points) and the series has %zu: %s instead", name,
		         2 * m, n, method_names[use]);
	}

	out->mean = malloc(h * sizeof *out->mean);
	out->lower = malloc(h * sizeof *out->lower);
	out->upper = malloc(h * sizeof *out->upper);
	if (!out->mean || !out->lower || !out->upper) {
		spm_ts_result_free(out);
		return spm_error_set(err, SPM_ENOMEM, "%s: out of memory for %zu forecasts", name, h);
	}
	fit_out o = {.mean = out->mean, .lower = out->lower, .upper = out->upper, .h = h,
	             .z = normal_quantile(0.5 + level / 200.0)};
	int rc = fit_method(y, n, m, use, &o);
	if (rc != SPM_OK) {
		spm_ts_result_free(out);
		if (rc == SPM_ENOMEM)
			return spm_error_set(err, rc, "%s: out of memory", name);
		return spm_error_set(err, rc, "%s cannot fit the series: no parameters give finite one-step errors",
		                     method_names[use]);
	}
	out->method = use;
	out->horizon = h;
	memcpy(out->params, o.params, sizeof out->params);
	out->nparams = o.nparams;
	out->sse = o.sse;
	out->sigma = o.sigma;
	out->aicc = o.aicc;
	return SPM_OK;
}

int spm_ts_accuracy_of(const double *train, size_t ntrain, int m, const double *actual,
                       const double *forecast, size_t h, spm_ts_accuracy *out, spm_error *err)
{
	if (!out)
		return spm_error_set(err, SPM_EUSAGE, "the accuracy result is missing");
	memset(out, 0, sizeof *out);
	out->mape = out->mase = NAN;
	if (h == 0)
		return spm_error_set(err, SPM_EUSAGE, "no forecasts to score: the horizon is 0");
	if (!actual || !forecast || (!train && ntrain > 0))
		return spm_error_set(err, SPM_EUSAGE, "the actuals, forecasts or training series are missing");
	if (m < 1)
		return spm_error_set(err, SPM_EUSAGE, "the period is %d: it must be 1 or more", m);
	for (size_t i = 0; i < h; i++) {
		if (!isfinite(actual[i]) || !isfinite(forecast[i]))
			return spm_error_set(err, SPM_EDATA, "forecast %zu is not finite: actual %g, forecast %g",
			                     i, actual[i], forecast[i]);
	}
	for (size_t i = 0; i < ntrain; i++) {
		if (!isfinite(train[i]))
			return spm_error_set(err, SPM_EDATA, "the training series has a value that is not finite: y[%zu] is %g", i, train[i]);
	}
	double me = 0.0, mae = 0.0, mse = 0.0, pe = 0.0;
	bool pe_ok = true;
	for (size_t i = 0; i < h; i++) {
		double e = forecast[i] - actual[i];
		me += e;
		mae += fabs(e);
		mse += e * e;
		if (actual[i] == 0.0)
			pe_ok = false;
		else
			pe += fabs(e) / fabs(actual[i]);
	}
	double dh = (double)h;
	out->n = h;
	out->me = me / dh;
	out->mae = mae / dh;
	out->rmse = sqrt(mse / dh);
	out->mape_defined = pe_ok;
	out->mape = pe_ok ? 100.0 * pe / dh : NAN;
	double scale = mase_scale(train, ntrain, (size_t)m);
	out->mase_defined = isfinite(scale) && scale > 0.0;
	out->mase = out->mase_defined ? out->mae / scale : NAN;
	return SPM_OK;
}

/* ---- many series at once ------------------------------------------------------------------- */

typedef struct many_job {
	const double *ys;
	size_t n, from, to; /* series [from, to) */
	spm_ts_method method;
	size_t h;
	const spm_ts_options *o;
	spm_ts_result *out;
	int rc;
	size_t failed;
	spm_error err;
} many_job;

static void *many_main(void *arg)
{
	many_job *j = arg;
	for (size_t s = j->from; s < j->to && j->rc == SPM_OK; s++) {
		j->rc = spm_ts_forecast(j->ys + s * j->n, j->n, j->method, j->h, j->o, &j->out[s],
		                        &j->err);
		j->failed = s;
	}
	return NULL;
}

int spm_ts_forecast_many(const double *ys, size_t nseries, size_t n, spm_ts_method method,
                         size_t h, const spm_ts_options *o, unsigned threads, spm_ts_result *out,
                         size_t *failed, spm_error *err)
{
	enum { MAX_THREADS = 16 };
	many_job jobs[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	bool started[MAX_THREADS] = {false};
	if (threads == 0)
		threads = 2;
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	if (threads > nseries)
		threads = nseries ? (unsigned)nseries : 1;
	memset(out, 0, nseries * sizeof *out);
	for (unsigned t = 0; t < threads; t++) {
		jobs[t] = (many_job){.ys = ys,
		                     .n = n,
		                     .from = nseries * t / threads,
		                     .to = nseries * (t + 1) / threads,
		                     .method = method,
		                     .h = h,
		                     .o = o,
		                     .out = out};
		spm_error_clear(&jobs[t].err);
		/* the first share runs here; the others on threads of their own, or here too */
		if (t > 0)
			started[t] = pthread_create(&tid[t], NULL, many_main, &jobs[t]) == 0;
	}
	many_main(&jobs[0]);
	for (unsigned t = 1; t < threads; t++) {
		if (started[t])
			pthread_join(tid[t], NULL);
		else
			many_main(&jobs[t]);
	}
	for (unsigned t = 0; t < threads; t++)
		if (jobs[t].rc != SPM_OK) {
			if (failed)
				*failed = jobs[t].failed;
			if (err)
				*err = jobs[t].err;
			return jobs[t].rc;
		}
	return SPM_OK;
}
