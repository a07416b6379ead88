/*
 * test_tseries.c - unit tests for the time-series forecasts: the closed-form methods and their
 * intervals on small series worked by hand (each comment shows the arithmetic), the smoothing
 * fits on series whose optimum is known, checked against an exhaustive grid and against the
 * h-step variance written as a sum of squared error weights, Nelder-Mead on functions with a
 * known minimum, fallbacks, refusals, accuracy measures, and the held-out year of the Superstore
 * monthly sales against published reference figures.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "spm/tseries.h"

/* The minimiser's test-only entry point in lib/tseries.c. */
double spm_ts_test_nelder_mead(double (*f)(const double *x, void *ctx), void *ctx, double *x,
                               size_t d);

#define TOL 1e-4
#define Z80 1.2815515655446004 /* the normal quantile of 0.90 */
#define Z95 1.9599639845400540 /* of 0.975 */

#define assert_near(got, want, tol)                                                          \
	do {                                                                                   \
		double g_ = (got), w_ = (want);                                                    \
		if (!(fabs(g_ - w_) <= (tol)))                                                     \
			fail_msg("%s = %.10g, want %.10g (± %g)", #got, g_, w_, (double)(tol));     \
	} while (0)

static spm_ts_result forecast_ok(const double *y, size_t n, spm_ts_method method, size_t h,
                                 int period, double level)
{
	spm_ts_result r;
	spm_error err;
	spm_ts_options o = {.period = period, .level = level};
	spm_error_clear(&err);
	int rc = spm_ts_forecast(y, n, method, h, &o, &r, &err);
	if (rc != SPM_OK)
		fail_msg("%s failed: %s", spm_ts_method_name(method), err.message);
	assert_int_equal(r.horizon, h);
	assert_non_null(r.mean);
	return r;
}

static void assert_refused(const double *y, size_t n, spm_ts_method method, size_t h,
                           const spm_ts_options *o, int code, const char *message)
{
	spm_ts_result r;
	spm_error err;
	spm_error_clear(&err);
	assert_int_equal(spm_ts_forecast(y, n, method, h, o, &r, &err), code);
	assert_int_equal(err.code, code);
	assert_string_equal(err.message, message);
	assert_null(r.mean);
	assert_null(r.lower);
	assert_null(r.upper);
	spm_ts_result_free(&r); /* harmless after a failure */
}

/* --- names --- */

static void test_method_names(void **state)
{
	(void)state;
	for (int i = 0; i < (int)SPM_TS_METHOD_COUNT; i++) {
		const char *name = spm_ts_method_name((spm_ts_method)i);
		assert_non_null(name);
		assert_int_equal(spm_ts_method_parse(name), i);
	}
	assert_string_equal(spm_ts_method_name(SPM_TS_HW_MULTIPLICATIVE), "hw-multiplicative");
	assert_string_equal(spm_ts_method_name(SPM_TS_LINEAR_SEASONAL), "linear-seasonal");
	assert_int_equal(spm_ts_method_parse("holt-damped"), SPM_TS_HOLT_DAMPED);
	assert_int_equal(spm_ts_method_parse("Naive"), -1);
	assert_int_equal(spm_ts_method_parse("naive "), -1);
	assert_int_equal(spm_ts_method_parse(""), -1);
	assert_int_equal(spm_ts_method_parse(NULL), -1);
	assert_null(spm_ts_method_name(SPM_TS_METHOD_COUNT));
	assert_null(spm_ts_method_name((spm_ts_method)-1));
}

/* --- closed-form methods --- */

static void test_naive(void **state)
{
	/* y = 3 5 4 8: forecast 8; residuals 2 -1 4, SSE 21, sigma = sqrt(21/3) = sqrt 7;
	 * 80%: 8 ± 1.28155·sqrt7·sqrt k = ± 3.39067, 4.79513, 5.87281 */
	static const double y[] = {3, 5, 4, 8};
	static const double lo[] = {4.609333, 3.204873, 2.127193};
	static const double hi[] = {11.390667, 12.795127, 13.872807};
	(void)state;
	spm_ts_result r = forecast_ok(y, 4, SPM_TS_NAIVE, 3, 0, 0);
	assert_int_equal(r.method, SPM_TS_NAIVE);
	assert_string_equal(r.note, "");
	assert_near(r.sse, 21.0, TOL);
	assert_near(r.sigma, 2.645751, TOL);
	assert_int_equal(r.nparams, 0);
	assert_true(isnan(r.aicc));
	for (size_t k = 0; k < 3; k++) {
		assert_near(r.mean[k], 8.0, TOL);
		assert_near(r.lower[k], lo[k], TOL);
		assert_near(r.upper[k], hi[k], TOL);
	}
	spm_ts_result_free(&r);
	assert_null(r.mean);
	spm_ts_result_free(&r); /* twice is harmless */
	spm_ts_result_free(NULL);
}

static void test_naive_one_point(void **state)
{
	/* one point: the forecast is that point; no residual, so no sigma and no interval */
	static const double y[] = {42};
	(void)state;
	spm_ts_result r = forecast_ok(y, 1, SPM_TS_NAIVE, 2, 0, 0);
	assert_near(r.mean[1], 42.0, TOL);
	assert_true(isnan(r.sigma));
	assert_true(isnan(r.lower[0]) && isnan(r.upper[1]));
	spm_ts_result_free(&r);
	r = forecast_ok(y, 1, SPM_TS_MEAN, 1, 0, 0);
	assert_near(r.mean[0], 42.0, TOL);
	assert_true(isnan(r.sigma));
	spm_ts_result_free(&r);
}

static void test_snaive(void **state)
{
	/* m = 4, y = 10 20 30 40 | 12 22 28 44: forecasts repeat the last season 12 22 28 44 12 22;
	 * residuals y[t] - y[t-4] = 2 2 -2 4, SSE 28, sigma = sqrt(28/4) = sqrt 7;
	 * 95%: half-width 1.95996·sqrt7·sqrt(floor((h-1)/4) + 1) = 5.185577 (h <= 4), 7.333514 */
	static const double y[] = {10, 20, 30, 40, 12, 22, 28, 44};
	static const double want[] = {12, 22, 28, 44, 12, 22};
	(void)state;
	spm_ts_result r = forecast_ok(y, 8, SPM_TS_SNAIVE, 6, 4, 95);
	assert_int_equal(r.method, SPM_TS_SNAIVE);
	assert_near(r.sse, 28.0, TOL);
	assert_near(r.sigma, sqrt(7.0), TOL);
	for (size_t k = 0; k < 6; k++) {
		double half = k < 4 ? 5.185577 : 7.333514;
		assert_near(r.mean[k], want[k], TOL);
		assert_near(r.upper[k] - r.mean[k], half, TOL);
		assert_near(r.mean[k] - r.lower[k], half, TOL);
	}
	spm_ts_result_free(&r);
}

static void test_drift(void **state)
{
	/* y = 1 2 4 7: slope (7-1)/3 = 2, forecasts 9 11; residuals y[t]-y[t-1]-2 = -1 0 1, SSE 2,
	 * sigma = sqrt(2/(3-1)) = 1; variance factor h(1 + h/(T-1)): 4/3, 10/3;
	 * 80%: 9 ± 1.28155·sqrt(4/3) = 7.520192 10.479808, 11 ± 1.28155·sqrt(10/3) = 8.660218 13.339782 */
	static const double y[] = {1, 2, 4, 7};
	(void)state;
	spm_ts_result r = forecast_ok(y, 4, SPM_TS_DRIFT, 2, 1, 80);
	assert_near(r.mean[0], 9.0, TOL);
	assert_near(r.mean[1], 11.0, TOL);
	assert_near(r.sigma, 1.0, TOL);
	assert_near(r.lower[0], 7.520192, TOL);
	assert_near(r.upper[0], 10.479808, TOL);
	assert_near(r.lower[1], 8.660218, TOL);
	assert_near(r.upper[1], 13.339782, TOL);
	spm_ts_result_free(&r);

	/* two points: the line through them, no degree of freedom left for sigma */
	r = forecast_ok(y, 2, SPM_TS_DRIFT, 3, 1, 80);
	assert_near(r.mean[2], 5.0, TOL); /* 2 + 3·1 */
	assert_true(isnan(r.sigma));
	spm_ts_result_free(&r);
}

static void test_mean(void **state)
{
	/* y = 2 4 6 8: mean 5, SSE 9+1+1+9 = 20, sigma = sqrt(20/3); factor 1 + 1/4;
	 * 80%: 5 ± 1.28155·sqrt(20/3)·sqrt(1.25) = 1.300479 8.699521 */
	static const double y[] = {2, 4, 6, 8};
	(void)state;
	spm_ts_result r = forecast_ok(y, 4, SPM_TS_MEAN, 2, 0, 0);
	for (size_t k = 0; k < 2; k++) {
		assert_near(r.mean[k], 5.0, TOL);
		assert_near(r.lower[k], 1.300479, TOL);
		assert_near(r.upper[k], 8.699521, TOL);
	}
	assert_near(r.sse, 20.0, TOL);
	spm_ts_result_free(&r);
}

static void test_quantiles(void **state)
{
	/* mean of y = 4 6: sigma sqrt 2, factor 1.5, so the half-width is z·sqrt 3 for every level;
	 * z from the normal tables: 50% 0.6744898, 95% 1.9599640, 99% 2.5758293, 99.9% 3.2905267,
	 * 1% 0.0125335 (the far tail and the centre of the approximation) */
	static const double y[] = {4, 6};
	static const struct {
		double level, z;
	} cases[] = {{50, 0.6744897502}, {80, Z80},          {95, Z95},
	             {99, 2.5758293035}, {99.9, 3.2905267315}, {1, 0.0125334695}};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		spm_ts_result r = forecast_ok(y, 2, SPM_TS_MEAN, 1, 0, cases[i].level);
		assert_near((r.upper[0] - r.mean[0]) / sqrt(3.0), cases[i].z, 1e-8);
		assert_near((r.mean[0] - r.lower[0]) / sqrt(3.0), cases[i].z, 1e-8);
		spm_ts_result_free(&r);
	}
}

static void test_linear(void **state)
{
	/* y = 1 3 2 5 4 on t = 1..5: tbar 3, ybar 3, Sxx 10, Sxy 8, slope 0.8, intercept 0.6;
	 * fitted 1.4 2.2 3.0 3.8 4.6, residuals -.4 .8 -1 1.2 -.6, SSE 3.6, sigma sqrt(3.6/3);
	 * t = 6: 5.4, factor 1 + 1/5 + 9/10 = 2.1; t = 7: 6.2, factor 1 + 1/5 + 16/10 = 2.8;
	 * 80%: 3.365600 7.434400, 3.850877 8.549123;
	 * AICc, k = 1 predictor: 5 ln(3.6/5) + 2·3 + 2·3·4/(5-1-3) = 28.357480 */
	static const double y[] = {1, 3, 2, 5, 4};
	(void)state;
	spm_ts_result r = forecast_ok(y, 5, SPM_TS_LINEAR, 2, 1, 80);
	assert_near(r.mean[0], 5.4, TOL);
	assert_near(r.mean[1], 6.2, TOL);
	assert_near(r.lower[0], 3.365600, TOL);
	assert_near(r.upper[0], 7.434400, TOL);
	assert_near(r.lower[1], 3.850877, TOL);
	assert_near(r.upper[1], 8.549123, TOL);
	assert_near(r.sse, 3.6, TOL);
	assert_near(r.aicc, 28.357480, TOL);
	spm_ts_result_free(&r);
}

static void test_linear_seasonal(void **state)
{
	/* m = 2, y = 1 5 2 7 4 8 on t = 1..6 with a dummy for the second season. By the normal
	 * equations: slope 0.75, season 1 (t odd) 7/3 + 0.75(t - 3), season 2 20/3 + 0.75(t - 4);
	 * residuals ±1/6 and ±1/3, SSE 1/3, sigma = sqrt((1/3)/(6-3)) = 1/3;
	 * t = 7: 16/3, t = 8: 29/3, t = 9: 41/6; x0'(X'X)^-1x0 = 4/3, 4/3, 31/12;
	 * 95%: 4.335369 6.331298, 8.668702 10.664631, 5.596616 8.070051;
	 * AICc, k = 2 predictors: 6 ln((1/3)/6) + 2·4 + 2·4·5/(6-2-3) = 30.657769 */
	static const double y[] = {1, 5, 2, 7, 4, 8};
	static const double mean[] = {5.333333, 9.666667, 6.833333};
	static const double lo[] = {4.335369, 8.668702, 5.596616};
	static const double hi[] = {6.331298, 10.664631, 8.070051};
	(void)state;
	spm_ts_result r = forecast_ok(y, 6, SPM_TS_LINEAR_SEASONAL, 3, 2, 95);
	assert_int_equal(r.method, SPM_TS_LINEAR_SEASONAL);
	assert_string_equal(r.note, "");
	for (size_t k = 0; k < 3; k++) {
		assert_near(r.mean[k], mean[k], TOL);
		assert_near(r.lower[k], lo[k], TOL);
		assert_near(r.upper[k], hi[k], TOL);
	}
	assert_near(r.sse, 1.0 / 3.0, TOL);
	assert_near(r.sigma, 1.0 / 3.0, TOL);
	assert_near(r.aicc, 30.657769, TOL);
	spm_ts_result_free(&r);
}

/* --- Nelder-Mead --- */

static double quadratic(const double *x, void *ctx)
{
	(void)ctx;
	return (x[0] - 1.0) * (x[0] - 1.0) + 10.0 * (x[1] + 2.0) * (x[1] + 2.0) +
	       0.5 * (x[2] - 3.0) * (x[2] - 3.0) + 7.0;
}

static double rosenbrock(const double *x, void *ctx)
{
	int *calls = ctx;
	++*calls;
	return 100.0 * (x[1] - x[0] * x[0]) * (x[1] - x[0] * x[0]) + (1.0 - x[0]) * (1.0 - x[0]);
}

static double nan_left_of_zero(const double *x, void *ctx)
{
	(void)ctx;
	return x[0] < 0.0 ? NAN : (x[0] - 2.0) * (x[0] - 2.0);
}

static void test_nelder_mead(void **state)
{
	(void)state;
	/* minimum 7 at (1, -2, 3) */
	double x[3] = {0, 0, 0};
	double f = spm_ts_test_nelder_mead(quadratic, NULL, x, 3);
	assert_near(f, 7.0, 1e-7);
	assert_near(x[0], 1.0, 1e-3);
	assert_near(x[1], -2.0, 1e-3);
	assert_near(x[2], 3.0, 1e-3);

	/* the curved valley, minimum 0 at (1, 1), from the classical start */
	int calls = 0;
	double r[2] = {-1.2, 1.0};
	f = spm_ts_test_nelder_mead(rosenbrock, &calls, r, 2);
	assert_true(f < 1e-8);
	assert_near(r[0], 1.0, 1e-3);
	assert_near(r[1], 1.0, 1e-3);
	assert_true(calls < 10000); /* the iteration cap holds */

	/* NaN counts as worse than anything: the search leaves that side and finds 2 */
	double u[1] = {0.5};
	f = spm_ts_test_nelder_mead(nan_left_of_zero, NULL, u, 1);
	assert_near(u[0], 2.0, 1e-3);

	assert_true(isnan(spm_ts_test_nelder_mead(quadratic, NULL, x, 0)));
	assert_true(isnan(spm_ts_test_nelder_mead(quadratic, NULL, x, 5)));
}

/* --- exponential smoothing --- */

/* The textbook component form of SES: l = a·y + (1-a)·l, from l0 = y[0]; SSE of y[t] - l(t-1). */
static double ses_sse(const double *y, size_t n, double a)
{
	double l = y[0], sse = 0.0;
	for (size_t t = 1; t < n; t++) {
		sse += (y[t] - l) * (y[t] - l);
		l = a * y[t] + (1.0 - a) * l;
	}
	return sse;
}

/* Holt in component form from l = y[1], b = y[1] - y[0]; beta* = beta/alpha. */
static double holt_sse(const double *y, size_t n, double a, double bstar)
{
	double l = y[1], b = y[1] - y[0], sse = 0.0;
	for (size_t t = 2; t < n; t++) {
		double f = l + b;
		sse += (y[t] - f) * (y[t] - f);
		double nl = a * y[t] + (1.0 - a) * f;
		b = bstar * (nl - l) + (1.0 - bstar) * b;
		l = nl;
	}
	return sse;
}

static void test_ses_constant(void **state)
{
	/* a constant series: every alpha fits it exactly; the forecast is flat, SSE and sigma 0 */
	static const double y[] = {5, 5, 5, 5, 5, 5};
	(void)state;
	spm_ts_result r = forecast_ok(y, 6, SPM_TS_SES, 4, 0, 0);
	assert_int_equal(r.nparams, 1);
	assert_true(r.params[0] > 0.0 && r.params[0] < 1.0);
	assert_true(isnan(r.params[1]));
	assert_near(r.sse, 0.0, 1e-12);
	for (size_t k = 0; k < 4; k++) {
		assert_near(r.mean[k], 5.0, 1e-9);
		assert_near(r.lower[k], 5.0, 1e-9);
		assert_near(r.upper[k], 5.0, 1e-9);
	}
	spm_ts_result_free(&r);
}

static void test_ses_optimum(void **state)
{
	/* the fitted alpha is no worse than any of a 0.0001 grid of the textbook recursion, and its
	 * forecast is that recursion's final level; intervals 1 + alpha²(h-1), sigma² = SSE/(ne - 1) */
	static const double y[] = {10, 12, 11, 15, 14, 13, 17, 16, 18, 15, 19, 20};
	size_t n = 12;
	(void)state;
	double best = INFINITY, best_a = 0.0;
	for (int i = 1; i < 10000; i++) {
		double a = i / 10000.0, s = ses_sse(y, n, a);
		if (s < best) {
			best = s;
			best_a = a;
		}
	}
	spm_ts_result r = forecast_ok(y, n, SPM_TS_SES, 3, 0, 95);
	double a = r.params[0];
	assert_true(r.sse <= best + 1e-9);
	assert_near(a, best_a, 2e-4);
	assert_near(r.sse, ses_sse(y, n, a), 1e-9);
	double l = y[0];
	for (size_t t = 1; t < n; t++)
		l = a * y[t] + (1.0 - a) * l;
	assert_near(r.mean[2], l, 1e-9);
	assert_near(r.sigma, sqrt(r.sse / (double)(n - 1 - 1)), 1e-9);
	for (size_t k = 0; k < 3; k++) {
		double half = Z95 * r.sigma * sqrt(1.0 + a * a * (double)k);
		assert_near(r.upper[k] - r.mean[k], half, 1e-9);
	}
	/* AICc: ne = 11 errors, k = alpha + initial level = 2 */
	double ne = 11.0, kk = 2.0;
	assert_near(r.aicc, ne * log(r.sse / ne) + 2 * kk + 2 * kk * (kk + 1) / (ne - kk - 1), 1e-9);
	spm_ts_result_free(&r);
}

static void test_holt_line(void **state)
{
	/* a perfect line y = 2 + 3t is reproduced: forecasts 2 + 3(n + k), SSE 0 */
	double y[10];
	(void)state;
	for (size_t t = 0; t < 10; t++)
		y[t] = 2.0 + 3.0 * (double)t;
	spm_ts_result r = forecast_ok(y, 10, SPM_TS_HOLT, 5, 0, 0);
	assert_int_equal(r.nparams, 2);
	assert_true(r.params[0] > 0.0 && r.params[0] < 1.0);
	assert_true(r.params[1] > 0.0 && r.params[1] <= r.params[0]);
	assert_near(r.sse, 0.0, 1e-12);
	for (size_t k = 0; k < 5; k++)
		assert_near(r.mean[k], 2.0 + 3.0 * (double)(10 + k), 1e-9);
	spm_ts_result_free(&r);
}

/*
 * The h-step variance factor as a sum of squared error weights (FPP3 §8.7, from the state-space
 * form): 1 + Σ_{j=1}^{h-1} c_j², c_j = alpha + beta(phi + ... + phi^j) + gamma·[j mod m == 0].
 * The library uses the closed forms of table 8.7; this sum is the independent check.
 */
static double variance_factor(double alpha, double beta, double gamma, double phi, size_t m,
                              size_t h)
{
	double v = 1.0, damp = 0.0, pj = 1.0;
	for (size_t j = 1; j < h; j++) {
		pj *= phi;
		damp += pj;
		double c = alpha + beta * damp + (m > 1 && j % m == 0 ? gamma : 0.0);
		v += c * c;
	}
	return v;
}

static const double noisy[] = {112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118,
                               115, 126, 141, 135, 125, 149, 170, 170, 158, 133, 114, 140};

static void test_holt_optimum(void **state)
{
	/* the fitted (alpha, beta) is no worse than any point of a grid over the region, and the
	 * intervals follow the weights' sum with phi = 1 */
	size_t n = 24;
	(void)state;
	double best = INFINITY;
	for (int i = 1; i < 200; i++) {
		for (int j = 1; j < 200; j++) {
			double a = i / 200.0, bs = j / 200.0; /* beta = a·bs < alpha */
			double s = holt_sse(noisy, n, a, bs);
			if (s < best)
				best = s;
		}
	}
	spm_ts_result r = forecast_ok(noisy, n, SPM_TS_HOLT, 12, 0, 80);
	double a = r.params[0], b = r.params[1];
	assert_true(a > 0.0 && a < 1.0 && b > 0.0 && b <= a);
	assert_true(r.sse <= best + 1e-6);
	assert_near(r.sse, holt_sse(noisy, n, a, b / a), 1e-6);
	assert_near(r.sigma, sqrt(r.sse / (double)(n - 2 - 2)), 1e-9);
	for (size_t k = 0; k < 12; k++) {
		double half = Z80 * r.sigma * sqrt(variance_factor(a, b, 0, 1, 1, k + 1));
		assert_near(r.upper[k] - r.mean[k], half, 1e-6 * half);
	}
	spm_ts_result_free(&r);
}

/* Damped Holt in component form from l = y[1], b = y[1] - y[0]; beta* = beta/alpha. */
static double damped_sse(const double *y, size_t n, double a, double bstar, double phi)
{
	double l = y[1], b = y[1] - y[0], sse = 0.0;
	for (size_t t = 2; t < n; t++) {
		double f = l + phi * b;
		sse += (y[t] - f) * (y[t] - f);
		double nl = a * y[t] + (1.0 - a) * f;
		b = bstar * (nl - l) + (1.0 - bstar) * phi * b;
		l = nl;
	}
	return sse;
}

/* 100 - 60·0.88^t plus noise, to 1 decimal: growth that levels off */
static const double saturating[] = {38.9, 48.2, 55.1, 59.1, 64.8, 66.5, 72.2, 77.0, 78.1, 79.1,
                                    81.5, 85.0, 88.1, 87.0, 91.5, 90.7, 90.2, 95.1, 94.6, 93.8,
                                    97.2, 94.2, 96.3, 95.2, 97.4, 97.0, 99.8, 97.1, 98.0, 98.6};

static void test_holt_damped(void **state)
{
	/* phi fitted in [0.8, 0.98] and no worse than a grid of the component form; the forecast's
	 * steps shrink by phi each step; intervals by the weights' sum with the fitted phi */
	size_t n = 30;
	(void)state;
	double best = INFINITY;
	for (int i = 1; i < 100; i++) {
		for (int j = 1; j <= 100; j++) {
			for (int f = 0; f <= 18; f++) {
				double s = damped_sse(saturating, n, i / 100.0, j / 100.0, 0.8 + f / 100.0);
				if (s < best)
					best = s;
			}
		}
	}
	spm_ts_result r = forecast_ok(saturating, n, SPM_TS_HOLT_DAMPED, 10, 0, 95);
	assert_int_equal(r.nparams, 3);
	double a = r.params[0], b = r.params[1], phi = r.params[2];
	assert_true(a > 0.0 && a < 1.0 && b > 0.0 && b <= a);
	assert_true(phi >= 0.8 && phi <= 0.98);
	assert_true(isnan(r.params[3]));
	assert_true(r.sse <= best + 1e-6);
	assert_near(r.sse, damped_sse(saturating, n, a, b / a, phi), 1e-6);
	for (size_t k = 2; k < 10; k++) {
		double prev = r.mean[k - 1] - r.mean[k - 2], step = r.mean[k] - r.mean[k - 1];
		assert_near(step, phi * prev, 1e-9 * (1.0 + fabs(prev)));
	}
	for (size_t k = 0; k < 10; k++) {
		double half = Z95 * r.sigma * sqrt(variance_factor(a, b, 0, phi, 1, k + 1));
		assert_near(r.upper[k] - r.mean[k], half, 1e-6 * half);
	}
	spm_ts_result_free(&r);
}

static void test_hw_additive_exact(void **state)
{
	/* y[t] = 10 + 0.5t + s[t mod 4], s = 3 -1 -4 2 (a line plus a season): reproduced with
	 * SSE ~ 0; the forecast is the same formula continued */
	static const double s[] = {3, -1, -4, 2};
	double y[16];
	(void)state;
	for (size_t t = 0; t < 16; t++)
		y[t] = 10.0 + 0.5 * (double)t + s[t % 4];
	spm_ts_result r = forecast_ok(y, 16, SPM_TS_HW_ADDITIVE, 8, 4, 80);
	assert_int_equal(r.method, SPM_TS_HW_ADDITIVE);
	assert_int_equal(r.nparams, 3);
	double a = r.params[0], b = r.params[1], g = r.params[2];
	assert_true(a > 0.0 && a < 1.0 && b > 0.0 && b <= a && g > 0.0 && g < 1.0 - a);
	assert_near(r.sse, 0.0, 1e-12);
	for (size_t k = 0; k < 8; k++)
		assert_near(r.mean[k], 10.0 + 0.5 * (double)(16 + k) + s[(16 + k) % 4], 1e-9);
	spm_ts_result_free(&r);
}

static void test_hw_additive_intervals(void **state)
{
	/* on a noisy seasonal series: params inside the region, intervals by the weights' sum with
	 * the seasonal weight at every m-th step; AICc with k = 3 + level + trend + 3 indices = 8 */
	size_t n = 24;
	(void)state;
	spm_ts_result r = forecast_ok(noisy, n, SPM_TS_HW_ADDITIVE, 12, 4, 80);
	double a = r.params[0], b = r.params[1], g = r.params[2];
	assert_true(a > 0.0 && a < 1.0 && b > 0.0 && b <= a && g > 0.0 && g < 1.0 - a);
	for (size_t k = 0; k < 12; k++) {
		double half = Z80 * r.sigma * sqrt(variance_factor(a, b, g, 1, 4, k + 1));
		assert_near(r.upper[k] - r.mean[k], half, 1e-6 * half);
	}
	double ne = 20.0, kk = 8.0; /* errors from t = m = 4 */
	assert_near(r.sigma, sqrt(r.sse / (ne - 3.0)), 1e-9);
	assert_near(r.aicc, ne * log(r.sse / ne) + 2 * kk + 2 * kk * (kk + 1) / (ne - kk - 1), 1e-9);
	spm_ts_result_free(&r);
}

static void test_hw_multiplicative_exact(void **state)
{
	/* y = 10·r[t mod 4], r = 1.2 .8 .9 1.1 (a level times a season): reproduced, SSE ~ 0 */
	static const double ratio[] = {1.2, 0.8, 0.9, 1.1};
	double y[12];
	(void)state;
	for (size_t t = 0; t < 12; t++)
		y[t] = 10.0 * ratio[t % 4];
	spm_ts_result r = forecast_ok(y, 12, SPM_TS_HW_MULTIPLICATIVE, 6, 4, 80);
	assert_int_equal(r.method, SPM_TS_HW_MULTIPLICATIVE);
	assert_near(r.sse, 0.0, 1e-12);
	for (size_t k = 0; k < 6; k++) {
		assert_near(r.mean[k], 10.0 * ratio[(12 + k) % 4], 1e-9);
		assert_true(r.lower[k] <= r.mean[k] && r.mean[k] <= r.upper[k]);
	}
	spm_ts_result_free(&r);

	/* on a noisy positive series: the interval is the point times (1 ± z·sigma_rel·sqrt(v)) */
	r = forecast_ok(noisy, 24, SPM_TS_HW_MULTIPLICATIVE, 8, 4, 80);
	double a = r.params[0], b = r.params[1], g = r.params[2];
	assert_true(a > 0.0 && a < 1.0 && b > 0.0 && b <= a && g > 0.0 && g < 1.0 - a);
	for (size_t k = 0; k < 8; k++) {
		double half = Z80 * r.sigma * sqrt(variance_factor(a, b, g, 1, 4, k + 1)) * r.mean[k];
		assert_near(r.upper[k] - r.mean[k], half, 1e-6 * half);
	}
	spm_ts_result_free(&r);
}

/* --- fallbacks and auto --- */

static void test_fallbacks(void **state)
{
	static const double y[] = {3, 5, 4, 8, 6, 7};
	(void)state;
	spm_ts_result r = forecast_ok(y, 6, SPM_TS_SNAIVE, 2, 4, 0);
	assert_int_equal(r.method, SPM_TS_NAIVE);
	assert_string_equal(r.note,
	                    "snaive needs two full seasons (8 points) and the series has 6: naive instead");
	assert_near(r.mean[0], 7.0, TOL);
	spm_ts_result_free(&r);

	r = forecast_ok(y, 6, SPM_TS_LINEAR_SEASONAL, 1, 4, 0);
	assert_int_equal(r.method, SPM_TS_LINEAR);
	assert_non_null(strstr(r.note, "linear instead"));
	spm_ts_result_free(&r);

	r = forecast_ok(y, 6, SPM_TS_HW_ADDITIVE, 1, 0, 0); /* the default period 12 */
	assert_int_equal(r.method, SPM_TS_HOLT);
	assert_string_equal(
	    r.note, "hw-additive needs two full seasons (24 points) and the series has 6: holt instead");
	spm_ts_result_free(&r);

	r = forecast_ok(y, 6, SPM_TS_HW_MULTIPLICATIVE, 1, 1, 0);
	assert_int_equal(r.method, SPM_TS_HOLT);
	assert_string_equal(r.note, "hw-multiplicative needs a season and the period is 1: holt instead");
	spm_ts_result_free(&r);

	/* two points: holt is the line through them */
	r = forecast_ok(y, 2, SPM_TS_HW_ADDITIVE, 2, 4, 0);
	assert_int_equal(r.method, SPM_TS_HOLT);
	assert_near(r.mean[0], 7.0, 1e-9);
	assert_near(r.mean[1], 9.0, 1e-9);
	spm_ts_result_free(&r);
}

static void test_auto(void **state)
{
	double line[10], season[16];
	static const double s[] = {3, -1, -4, 2};
	(void)state;
	for (size_t t = 0; t < 10; t++)
		line[t] = 1.0 + 2.0 * (double)t;
	for (size_t t = 0; t < 16; t++)
		season[t] = 10.0 + 0.5 * (double)t + s[t % 4];

	/* a line: drift, linear and holt are all exact, and the tie goes to the first (drift) */
	spm_ts_result r = forecast_ok(line, 10, SPM_TS_AUTO, 3, 1, 0);
	assert_int_equal(r.method, SPM_TS_DRIFT);
	assert_string_equal(r.note, "auto chose drift: backtest MASE 0 over 1 origins of up to 1 steps");
	assert_near(r.mean[2], 1.0 + 2.0 * 12.0, 1e-9);
	spm_ts_result_free(&r);

	/* a line plus a season: linear-seasonal and hw-additive are exact, linear-seasonal first;
	 * k = min(m 4, 16/4, 16 - 2·4) = 4 origins */
	r = forecast_ok(season, 16, SPM_TS_AUTO, 6, 4, 0);
	assert_int_equal(r.method, SPM_TS_LINEAR_SEASONAL);
	assert_string_equal(r.note,
	                    "auto chose linear-seasonal: backtest MASE 0 over 4 origins of up to 4 steps");
	assert_near(r.mean[5], 10.0 + 0.5 * 21.0 + s[21 % 4], 1e-9);
	spm_ts_result_free(&r);

	/* two seasons only (8 < 2m + 2 = 10): scored by AICc */
	r = forecast_ok(noisy, 8, SPM_TS_AUTO, 2, 4, 0);
	assert_non_null(strstr(r.note, "(too few points for a backtest)"));
	bool has_aicc = !isnan(r.aicc);
	assert_true(has_aicc);
	spm_ts_result_free(&r);

	/* three points: no method has an AICc, so naive */
	r = forecast_ok(noisy, 3, SPM_TS_AUTO, 2, 1, 0);
	assert_int_equal(r.method, SPM_TS_NAIVE);
	assert_string_equal(r.note, "auto chose naive: 3 points are too few to score the methods");
	assert_near(r.mean[0], 132.0, TOL);
	spm_ts_result_free(&r);

	/* one point */
	r = forecast_ok(noisy, 1, SPM_TS_AUTO, 1, 0, 0);
	assert_int_equal(r.method, SPM_TS_NAIVE);
	spm_ts_result_free(&r);

	/* a series with a zero: hw-multiplicative is not a candidate, auto still works */
	double z[16];
	memcpy(z, season, sizeof z);
	z[5] = 0.0;
	r = forecast_ok(z, 16, SPM_TS_AUTO, 4, 4, 0);
	assert_int_not_equal(r.method, SPM_TS_HW_MULTIPLICATIVE);
	assert_int_not_equal(r.method, SPM_TS_AUTO);
	spm_ts_result_free(&r);
}

/* --- refusals --- */

static void test_refusals(void **state)
{
	static const double y[] = {4, 6, 8, 0, 3};
	double bad[] = {1, 2, NAN, 4};
	spm_ts_options o = {.period = 4, .level = 80};
	(void)state;
	assert_refused(y, 1, SPM_TS_LINEAR, 1, NULL, SPM_EDATA,
	               "the series has 1 point: linear needs at least 2");
	assert_refused(y, 1, SPM_TS_HOLT_DAMPED, 1, NULL, SPM_EDATA,
	               "the series has 1 point: holt-damped needs at least 2");
	assert_refused(y, 1, SPM_TS_SNAIVE, 1, NULL, SPM_EDATA,
	               "the series has 1 point: snaive needs at least 2");
	assert_refused(y, 0, SPM_TS_NAIVE, 1, NULL, SPM_EDATA,
	               "the series has 0 points: naive needs at least 1");
	assert_refused(NULL, 0, SPM_TS_AUTO, 1, NULL, SPM_EDATA,
	               "the series has 0 points: auto needs at least 1");
	assert_refused(bad, 4, SPM_TS_MEAN, 1, NULL, SPM_EDATA,
	               "the series has a value that is not finite: y[2] is nan");
	bad[2] = -INFINITY;
	assert_refused(bad, 4, SPM_TS_AUTO, 1, NULL, SPM_EDATA,
	               "the series has a value that is not finite: y[2] is -inf");
	assert_refused(y, 5, SPM_TS_HW_MULTIPLICATIVE, 1, &o, SPM_EDATA,
	               "hw-multiplicative needs positive values: y[3] is 0");
	double neg[] = {1, 2, 3, 4, 5, 6, 7, -8};
	assert_refused(neg, 8, SPM_TS_HW_MULTIPLICATIVE, 1, &o, SPM_EDATA,
	               "hw-multiplicative needs positive values: y[7] is -8");
	assert_refused(y, 5, SPM_TS_NAIVE, 0, NULL, SPM_EUSAGE,
	               "the horizon is 0: naive needs at least 1 step");
	assert_refused(y, 5, SPM_TS_METHOD_COUNT, 1, NULL, SPM_EUSAGE, "method 12: no such method");
	assert_refused(y, 5, (spm_ts_method)-1, 1, NULL, SPM_EUSAGE, "method -1: no such method");
	assert_refused(NULL, 3, SPM_TS_NAIVE, 1, NULL, SPM_EUSAGE, "the series is missing");
	o.period = -1;
	assert_refused(y, 5, SPM_TS_NAIVE, 1, &o, SPM_EUSAGE,
	               "the period is -1: it must be 1 or more (0 for 12)");
	o.period = 1;
	o.level = 100;
	assert_refused(y, 5, SPM_TS_NAIVE, 1, &o, SPM_EUSAGE,
	               "the level is 100: it must be above 0 and below 100 (0 for 80)");
	o.level = -5;
	assert_refused(y, 5, SPM_TS_NAIVE, 1, &o, SPM_EUSAGE,
	               "the level is -5: it must be above 0 and below 100 (0 for 80)");
	o.level = NAN;
	assert_refused(y, 5, SPM_TS_NAIVE, 1, &o, SPM_EUSAGE,
	               "the level is nan: it must be above 0 and below 100 (0 for 80)");
	assert_int_equal(spm_ts_forecast(y, 5, SPM_TS_NAIVE, 1, NULL, NULL, NULL), SPM_EUSAGE);

	/* values whose squares overflow: a smoothing fit has no finite errors */
	double huge[] = {1e300, -1e300, 1e300, -1e300, 1e300};
	assert_refused(huge, 5, SPM_TS_SES, 1, NULL, SPM_EDATA,
	               "ses cannot fit the series: no parameters give finite one-step errors");
}

/* --- accuracy --- */

static void test_accuracy(void **state)
{
	/* e = f - a = 2 -2 0: ME 0, MAE 4/3, RMSE sqrt(8/3) = 1.632993;
	 * MAPE (2/10 + 2/20 + 0/40)/3·100 = 10; training 1..6 with m = 1: scale 1, MASE 4/3 */
	static const double train[] = {1, 2, 3, 4, 5, 6};
	static const double actual[] = {10, 20, 40};
	static const double fc[] = {12, 18, 40};
	spm_ts_accuracy acc;
	spm_error err;
	(void)state;
	assert_int_equal(spm_ts_accuracy_of(train, 6, 1, actual, fc, 3, &acc, &err), SPM_OK);
	assert_int_equal(acc.n, 3);
	assert_near(acc.me, 0.0, TOL);
	assert_near(acc.mae, 4.0 / 3.0, TOL);
	assert_near(acc.rmse, 1.632993, TOL);
	assert_true(acc.mape_defined && acc.mase_defined);
	assert_near(acc.mape, 10.0, TOL);
	assert_near(acc.mase, 4.0 / 3.0, TOL);

	/* bias: over-forecasting is a positive ME: e = 3 1, ME 2 */
	static const double over[] = {13, 21};
	assert_int_equal(spm_ts_accuracy_of(train, 6, 1, actual, over, 2, &acc, &err), SPM_OK);
	assert_near(acc.me, 2.0, TOL);

	/* seasonal scale: train 1 5 2 7 4 8, m = 2: |2-1| |7-5| |4-2| |8-7| mean 1.5; MAE 4/3 */
	static const double strain[] = {1, 5, 2, 7, 4, 8};
	assert_int_equal(spm_ts_accuracy_of(strain, 6, 2, actual, fc, 3, &acc, &err), SPM_OK);
	assert_near(acc.mase, (4.0 / 3.0) / 1.5, TOL);

	/* a training part no longer than a season: the one-step naive scale, |6-4| = 2 */
	static const double shortt[] = {4, 6};
	assert_int_equal(spm_ts_accuracy_of(shortt, 2, 12, actual, fc, 3, &acc, &err), SPM_OK);
	assert_near(acc.mase, (4.0 / 3.0) / 2.0, TOL);

	/* one training point: no scale */
	assert_int_equal(spm_ts_accuracy_of(shortt, 1, 1, actual, fc, 3, &acc, &err), SPM_OK);
	assert_false(acc.mase_defined);
	assert_true(isnan(acc.mase));
	assert_int_equal(spm_ts_accuracy_of(NULL, 0, 1, actual, fc, 3, &acc, &err), SPM_OK);
	assert_false(acc.mase_defined);

	/* a zero actual: MAPE undefined, the rest as usual: e = 1 -2, MAE 1.5 */
	static const double zeros[] = {0, 5};
	static const double zf[] = {1, 3};
	assert_int_equal(spm_ts_accuracy_of(train, 6, 1, zeros, zf, 2, &acc, &err), SPM_OK);
	assert_false(acc.mape_defined);
	assert_true(isnan(acc.mape));
	assert_near(acc.mae, 1.5, TOL);
	assert_near(acc.me, -0.5, TOL);

	/* a constant training series: the scale is 0, MASE undefined */
	static const double flat[] = {3, 3, 3, 3};
	assert_int_equal(spm_ts_accuracy_of(flat, 4, 1, actual, fc, 3, &acc, &err), SPM_OK);
	assert_false(acc.mase_defined);
	assert_true(isnan(acc.mase));
	assert_true(acc.mape_defined);

	assert_int_equal(spm_ts_accuracy_of(train, 6, 1, actual, fc, 0, &acc, &err), SPM_EUSAGE);
	assert_string_equal(err.message, "no forecasts to score: the horizon is 0");
	assert_int_equal(spm_ts_accuracy_of(train, 6, 0, actual, fc, 3, &acc, &err), SPM_EUSAGE);
	assert_string_equal(err.message, "the period is 0: it must be 1 or more");
	assert_int_equal(spm_ts_accuracy_of(train, 6, 1, NULL, fc, 3, &acc, &err), SPM_EUSAGE);
	assert_int_equal(spm_ts_accuracy_of(train, 6, 1, actual, fc, 3, NULL, &err), SPM_EUSAGE);
	static const double nanf[] = {1, NAN};
	assert_int_equal(spm_ts_accuracy_of(train, 6, 1, actual, nanf, 2, &acc, &err), SPM_EDATA);
	assert_string_equal(err.message, "forecast 1 is not finite: actual 20, forecast nan");
	assert_int_equal(spm_ts_accuracy_of(nanf, 2, 1, actual, fc, 2, &acc, &err), SPM_EDATA);
}

/* --- the real series --- */

/* Reads month,revenue lines after the header into y; returns the count or fails the test. */
static size_t read_series(const char *path, double *y, size_t cap)
{
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("%s: %s", path, strerror(errno));
	char line[256];
	size_t n = 0;
	assert_non_null(fgets(line, sizeof line, f));
	assert_string_equal(line, "month,revenue\n");
	while (fgets(line, sizeof line, f)) {
		char *comma = strchr(line, ',');
		assert_non_null(comma);
		char *end;
		errno = 0;
		double v = strtod(comma + 1, &end);
		assert_true(errno == 0 && end != comma + 1 && (*end == '\n' || *end == '\0'));
		assert_true(n < cap);
		y[n++] = v;
	}
	fclose(f);
	return n;
}

static void test_superstore(void **state)
{
	/* hold out 2017 (the last 12 of 48 months), fit on 2014-2016 with m = 12, forecast 12.
	 * Reference MAPEs on this split: seasonal naive 24.52%, an automatic ETS 20.70%, a linear
	 * trend with seasonal dummies 17.25%; snaive and linear-seasonal are closed forms, so equal
	 * to 0.01; auto must beat snaive and do no worse than the reference ETS */
	const char *dir = getenv("SPM_DATA");
	char path[1024];
	double y[64];
	(void)state;
	if (!dir || !*dir)
		fail_msg("SPM_DATA must name the shared data directory (ctest sets it)");
	snprintf(path, sizeof path, "%s/forecast/superstore_monthly_sales.csv", dir);
	size_t n = read_series(path, y, 64);
	assert_int_equal(n, 48);
	double total = 0.0;
	for (size_t i = 0; i < n; i++)
		total += y[i];
	assert_near(total, 2297200.8603, 1e-4); /* the file's published check */

	double mape[SPM_TS_METHOD_COUNT];
	for (int i = 0; i < (int)SPM_TS_METHOD_COUNT; i++) {
		spm_ts_result r = forecast_ok(y, 36, (spm_ts_method)i, 12, 12, 80);
		spm_ts_accuracy acc;
		spm_error err;
		assert_int_equal(spm_ts_accuracy_of(y, 36, 12, y + 36, r.mean, 12, &acc, &err), SPM_OK);
		assert_true(acc.mape_defined && acc.mase_defined);
		assert_true(isfinite(acc.rmse) && acc.rmse > 0.0);
		for (size_t k = 0; k < 12; k++)
			assert_true(r.lower[k] < r.mean[k] && r.mean[k] < r.upper[k]);
		if (i != (int)SPM_TS_AUTO)
			assert_int_equal(r.method, i); /* 36 months: no method falls back */
		else
			print_message("superstore: %s, MAPE %.2f%%\n", r.note, acc.mape);
		mape[i] = acc.mape;
		spm_ts_result_free(&r);
	}
	assert_near(mape[SPM_TS_SNAIVE], 24.52, 0.01);
	assert_near(mape[SPM_TS_LINEAR_SEASONAL], 17.25, 0.01);
	assert_true(mape[SPM_TS_AUTO] < mape[SPM_TS_SNAIVE]);
	assert_true(mape[SPM_TS_AUTO] <= 20.70);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_method_names),
	    cmocka_unit_test(test_naive),
	    cmocka_unit_test(test_naive_one_point),
	    cmocka_unit_test(test_snaive),
	    cmocka_unit_test(test_drift),
	    cmocka_unit_test(test_mean),
	    cmocka_unit_test(test_quantiles),
	    cmocka_unit_test(test_linear),
	    cmocka_unit_test(test_linear_seasonal),
	    cmocka_unit_test(test_nelder_mead),
	    cmocka_unit_test(test_ses_constant),
	    cmocka_unit_test(test_ses_optimum),
	    cmocka_unit_test(test_holt_line),
	    cmocka_unit_test(test_holt_optimum),
	    cmocka_unit_test(test_holt_damped),
	    cmocka_unit_test(test_hw_additive_exact),
	    cmocka_unit_test(test_hw_additive_intervals),
	    cmocka_unit_test(test_hw_multiplicative_exact),
	    cmocka_unit_test(test_fallbacks),
	    cmocka_unit_test(test_auto),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_accuracy),
	    cmocka_unit_test(test_superstore),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
