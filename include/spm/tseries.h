/*
 * spm/tseries.h - time-series forecasts of a regular series (monthly or weekly bookings, or any
 * series a user gives), their prediction intervals, and their accuracy on held-out points.
 *
 * Forecasts are statistics: they are computed in binary floating point (double), never money.
 * Whoever prints them rounds them, and says how (spm-forecast(1): to 2 decimals, half away from
 * zero).
 *
 * Methods, for a series y[0..n-1] with seasonal period m (12 for months, 52 for weeks), forecasting
 * h steps ahead (textbook: Hyndman & Athanasopoulos, Forecasting: Principles and Practice, 3rd ed.):
 *   naive           ŷ(n+k) = y[n-1]
 *   snaive          ŷ(n+k) = y[n - m + (k-1) mod m]: the last observed value of the same season
 *   drift           ŷ(n+k) = y[n-1] + k·(y[n-1] - y[0]) / (n-1)
 *   mean            ŷ(n+k) = mean of y
 *   linear          least-squares line on t = 1..n, extended
 *   linear-seasonal least squares on t and m-1 seasonal dummies (the first season the base)
 *   ses             simple exponential smoothing (ETS(A,N,N)), alpha fitted
 *   holt            Holt's linear trend (ETS(A,A,N)), alpha and beta fitted
 *   holt-damped     damped trend (ETS(A,Ad,N)), alpha, beta and phi (0.8..0.98) fitted
 *   hw-additive     Holt-Winters additive seasonality (ETS(A,A,A)), alpha, beta, gamma fitted
 *   hw-multiplicative Holt-Winters multiplicative seasonality (ETS(M,A,M) point forecasts;
 *                   the series must be positive), alpha, beta, gamma fitted
 *   auto            chooses among the others, see auto below
 * The smoothing methods are written in error-correction (state-space) form, FPP3 §8.4: with the
 * one-step error e = y - ŷ: level = level + phi·trend + alpha·e, trend = phi·trend + beta·e,
 * season += gamma·e (phi = 1 undamped; beta and gamma are the state-space ones, beta = alpha·beta*
 * of the component form).
 * hw-multiplicative uses ETS(M,A,M)'s updates, level = level + trend + alpha·e/s,
 * trend += beta·e/s, s += gamma·e/(level + trend), which are also classical Holt-Winters multiplicative ones.
 * They start from the classical initial states, not fitted:
 *   ses: level y[0] at time 0 (one-step errors from t = 1);
 *   holt, holt-damped: level y[1] and trend y[1] - y[0] at time 1 (errors from t = 2);
 *   hw-*: at time m-1, the end of the first season (errors from t = m): trend the mean first
 *     difference between the first two seasons, (Σ y[m+i] - y[i]) / m²; level the first
 *     season's mean carried from its middle to its end by that trend; seasonal indices the first
 *     season's deviations from (ratios to) that trend line, so that a series that is exactly a
 *     line plus a season is reproduced with zero errors.
 * The parameters are fitted by minimising the one-step-ahead sum of squared errors y - ŷ
 * (hw-multiplicative too) with the Nelder-Mead simplex (reflection 1, expansion 2, contraction
 * 1/2, shrink 1/2; stopping when the simplex's best and worst SSE agree to 1e-10 relative, or
 * after 2000 iterations; then restarted once from its best point with a fresh simplex), started
 * from the best point of a small grid (alpha 0.1..0.9, beta and gamma shares 0.05, 0.2, 0.5).
 * The admissible region 0 < beta < alpha < 1, 0 < gamma < 1 - alpha, 0.8 < phi < 0.98 is kept by
 * a transform, not a penalty: the simplex moves over unbounded coordinates u, alpha = logistic(u1),
 * beta = alpha·logistic(u2), gamma = (1 - alpha)·logistic(u3), phi = 0.8 + 0.18·logistic(u4),
 * each share kept 1e-4 away from 0 and 1, so every fitted model is strictly inside the region.
 *
 * Prediction intervals: for naive, snaive, drift, mean, ses, holt, holt-damped and hw-additive the
 * textbook closed forms (FPP3 table 5.2, drift with h(1 + h/(T-1)), and table 8.7); for the
 * regressions the usual OLS prediction interval, sigma·sqrt(1 + x0'(X'X)^-1 x0); for
 * hw-multiplicative the additive (A,A,A) variance factor applied to the relative errors e/ŷ, so
 * ŷ·(1 ± z·sigma_rel·sqrt(factor)), a documented approximation. The quantile is always the normal
 * one (also for the regressions, where a Student t would be slightly wider on short series), for
 * a coverage of `level` percent. sigma² is the residual SSE over its degrees of freedom, FPP3
 * §5.5: residuals less fitted parameters (naive n-1; snaive n-m; drift n-2; mean n-1; regressions
 * n-2 or n-m-1; smoothing: one-step errors less smoothing parameters). With no degree of freedom
 * left sigma is NAN, and so are the intervals (the point forecasts stand).
 *
 * AICc (NAN for naive, snaive, drift and mean): for the smoothing methods, with ne one-step errors
 * and k = smoothing parameters + initial states (level, trend, m-1 free seasonal indices),
 * ne·log(SSE/ne) + 2k + 2k(k+1)/(ne-k-1); for the regressions (FPP3 §7.5) with k predictors
 * (1 or m), n·log(SSE/n) + 2(k+2) + 2(k+2)(k+3)/(n-k-3). NAN when the denominator is not
 * positive; -inf for a perfect fit (SSE 0).
 *
 * Short series: a seasonal method needs at least two full seasons (2m points) and a period m >= 2;
 * otherwise it falls back to its non-seasonal counterpart (snaive to naive, linear-seasonal to
 * linear, hw-* to holt) and says so in the result's note. A method needs at least 2 points (1 for
 * naive, mean and auto); with fewer, SPM_EDATA.
 */
#ifndef SPM_TSERIES_H
#define SPM_TSERIES_H

#include <stdbool.h>
#include <stddef.h>

#include "spm/error.h"

typedef enum spm_ts_method {
	SPM_TS_NAIVE,
	SPM_TS_SNAIVE,
	SPM_TS_DRIFT,
	SPM_TS_MEAN,
	SPM_TS_LINEAR,
	SPM_TS_LINEAR_SEASONAL,
	SPM_TS_SES,
	SPM_TS_HOLT,
	SPM_TS_HOLT_DAMPED,
	SPM_TS_HW_ADDITIVE,
	SPM_TS_HW_MULTIPLICATIVE,
	SPM_TS_AUTO,
	SPM_TS_METHOD_COUNT
} spm_ts_method;

/* "naive", "snaive", "drift", "mean", "linear", "linear-seasonal", "ses", "holt", "holt-damped",
 * "hw-additive", "hw-multiplicative", "auto" (a static string; NULL for a value outside the enum);
 * parse returns the method for its exact name, -1 for another word or NULL. */
const char *spm_ts_method_name(spm_ts_method m);
int spm_ts_method_parse(const char *word);

typedef struct spm_ts_options {
	int period;   /* seasonal period m >= 1 (1: no season); 0 means 12 */
	double level; /* interval coverage in percent, (0, 100); 0 means 80 */
} spm_ts_options;

#define SPM_TS_MAX_PARAMS 4

typedef struct spm_ts_result {
	spm_ts_method method; /* the method used (auto's choice; a fallback's) */
	size_t horizon;
	double *mean, *lower, *upper; /* horizon values each, owned: spm_ts_result_free */
	double params[SPM_TS_MAX_PARAMS]; /* in this order those the method has, the rest NAN:
	                                     ses alpha; holt alpha beta; holt-damped alpha beta phi;
	                                     hw-* alpha beta gamma; the others none */
	size_t nparams;
	double sse;    /* one-step in-sample sum of squared errors (regressions, mean: residuals) */
	double sigma;  /* the residual standard deviation the intervals use (hw-multiplicative: of
	                  the relative errors); NAN without a degree of freedom */
	double aicc;   /* for the ETS-family methods and regressions; NAN otherwise */
	char note[256]; /* "" or why the method differs from the one asked (fallback, auto) */
} spm_ts_result;

/*
 * Forecasts y[0..n-1] (finite values) h >= 1 steps ahead with `method`; o may be NULL for the
 * defaults. Returns SPM_OK with *out filled (free with spm_ts_result_free), SPM_EDATA for a
 * series too short ("the series has 1 point: linear needs at least 2"), a non-finite value, a
 * multiplicative method on a series with a zero or negative value ("hw-multiplicative needs
 * positive values: y[3] is 0"), or a smoothing fit that no parameters give finite one-step errors
 * ("ses cannot fit the series: no parameters give finite one-step errors": values near the
 * double range, or multiplicative seasonal indices that divide by 0); SPM_EUSAGE for h == 0, a bad method or options, a NULL y with n > 0 or a NULL out;
 * SPM_ENOMEM. On failure *out holds no memory (freeing it is harmless) and err says why.
 */
int spm_ts_forecast(const double *y, size_t n, spm_ts_method method, size_t h,
                    const spm_ts_options *o, spm_ts_result *out, spm_error *err);
/* Frees the forecasts and sets them NULL; NULL-safe, and safe twice. */
void spm_ts_result_free(spm_ts_result *r);

/*
 * auto: every method that applies to the series (seasonal ones only with m >= 2 and two full
 * seasons; hw-multiplicative only on positive series) is scored by a rolling-origin backtest on
 * the series itself: forecasts of up to h' = min(h, m) steps from each of the last k origins
 * n-k .. n-1 (k = min(m, n/4), at least 1, and at most n - 2m when seasonal methods take part, so
 * that each of their fits has two seasons), each fit on the points before its origin, a late
 * origin forecasting only the points the series has. The score is the mean absolute error of all
 * those forecasts over the series' MASE scale (see spm_ts_accuracy), so their MASE; the plain
 * MAE when that scale is 0. A method whose fit fails at an origin is out. The lowest score wins;
 * ties go to the simpler method (enum order). The note names the choice and its score. With too
 * few points for a backtest (fewer than 2m + 2 when seasonal methods take part, 4 otherwise) it
 * scores by the AICc of the in-sample fit instead, among the methods that have one, and says so;
 * when none has (2 or 3 points), it takes naive and says so.
 */

/*
 * Forecasts many series of the same length at once: series s is ys[s·n .. s·n + n − 1], its
 * result out[s] (the caller frees each with spm_ts_result_free, also after a failure: results not
 * computed are left zeroed). The series are shared among `threads` threads (0: 2). Returns SPM_OK,
 * or the first failure in series order, with *failed its index and err its message.
 */
int spm_ts_forecast_many(const double *ys, size_t nseries, size_t n, spm_ts_method method,
                         size_t h, const spm_ts_options *o, unsigned threads, spm_ts_result *out,
                         size_t *failed, spm_error *err);

typedef struct spm_ts_accuracy {
	double me;   /* mean error, forecast − actual: positive is over-forecasting (bias) */
	double mae;
	double rmse;
	double mape; /* mean of |e| / |actual| × 100; NAN (undefined) when an actual is 0 */
	double mase; /* MAE / in-sample MAE of the seasonal naive (naive when m = 1 or n <= m); NAN
	                when that scale is 0 or there is none (fewer than 2 training points) */
	bool mape_defined, mase_defined;
	size_t n;
} spm_ts_accuracy;

/*
 * The accuracy of forecasts f[0..h-1] against actuals a[0..h-1], with the MASE scaled by the
 * training series train[0..ntrain-1] and its period m >= 1 (Hyndman's: the mean absolute error of
 * the one-season-back naive forecast in the training part, the one-step-back one when m = 1 or
 * ntrain <= m). Returns SPM_OK; SPM_EUSAGE for h == 0, m < 1, a NULL array (train may be NULL
 * when ntrain is 0) or a NULL out; SPM_EDATA for a non-finite value.
 */
int spm_ts_accuracy_of(const double *train, size_t ntrain, int m, const double *actual,
                       const double *forecast, size_t h, spm_ts_accuracy *out, spm_error *err);

#endif
