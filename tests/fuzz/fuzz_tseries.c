/*
 * fuzz_tseries.c - libFuzzer target for the time-series forecasts.
 *
 * The first bytes choose the method, horizon, period and level; the rest are the series, two bytes
 * a point (a signed value scaled by a third byte's power of ten, or now and then a NaN, an
 * infinity or a zero). Every call must either succeed with a complete result (the method that was
 * used is a real one, params inside the admissible region, lower <= mean <= upper wherever they
 * are finite, a terminated note) or fail with a documented status and a message; the accuracy of
 * its forecasts against the series' own tail must hold the same way. Any broken promise aborts.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spm/tseries.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_POINTS 60 /* auto refits every method at many origins: keep a run quick */

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_tseries: broken: %s\n", what);
		abort();
	}
}

static void check_failure(int rc, const spm_error *err)
{
	check(rc == SPM_EDATA || rc == SPM_EUSAGE, "a failure is SPM_EDATA or SPM_EUSAGE");
	check(err->code == rc, "the error record holds the status");
	check(err->message[0] != '\0', "a failure has a message");
	check(memchr(err->message, '\0', sizeof err->message) != NULL, "message is terminated");
}

static void check_result(const spm_ts_result *r, size_t h)
{
	check(r->horizon == h, "horizon");
	check(r->mean && r->lower && r->upper, "the forecasts are there");
	check((int)r->method >= 0 && r->method < SPM_TS_AUTO, "the method used is a real one");
	check(memchr(r->note, '\0', sizeof r->note) != NULL, "note is terminated");
	check(r->nparams <= SPM_TS_MAX_PARAMS, "nparams");
	/* alpha, beta, gamma, phi: the admissible region */
	if (r->nparams >= 1)
		check(r->params[0] > 0.0 && r->params[0] < 1.0, "0 < alpha < 1");
	if (r->nparams >= 2)
		check(r->params[1] > 0.0 && r->params[1] <= r->params[0], "0 < beta <= alpha");
	if (r->method == SPM_TS_HW_ADDITIVE || r->method == SPM_TS_HW_MULTIPLICATIVE)
		check(r->params[2] > 0.0 && r->params[2] < 1.0 - r->params[0], "0 < gamma < 1 - alpha");
	if (r->method == SPM_TS_HOLT_DAMPED)
		check(r->params[2] >= 0.8 && r->params[2] <= 0.98, "0.8 <= phi <= 0.98");
	for (size_t k = 0; k < h; k++) {
		if (isfinite(r->lower[k]) && isfinite(r->mean[k]) && isfinite(r->upper[k]))
			check(r->lower[k] <= r->mean[k] && r->mean[k] <= r->upper[k],
			      "lower <= mean <= upper");
	}
	check(!(r->sigma < 0.0), "sigma is not negative");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4)
		return 0;
	int method = data[0] % (SPM_TS_METHOD_COUNT + 1); /* one past the end: a bad method */
	size_t h = data[1] % 25;                            /* 0 is refused */
	int period = (int)(data[2] % 14) - 1;               /* -1 is refused, 0 means 12 */
	double level = data[3] == 255 ? 100.0 : (double)data[3] * 100.0 / 256.0;
	data += 4;
	size_t len = size - 4;

	double y[MAX_POINTS];
	size_t n = 0;
	bool finite = true;
	for (size_t i = 0; i + 2 < len && n < MAX_POINTS; i += 3) {
		int16_t raw = (int16_t)(uint16_t)((unsigned)data[i] << 8 | data[i + 1]);
		uint8_t e = data[i + 2];
		double v;
		if (e == 0xff)
			v = NAN;
		else if (e == 0xfe)
			v = raw < 0 ? -INFINITY : INFINITY;
		else if (e == 0xfd)
			v = 0.0;
		else
			v = (double)raw * pow(10.0, (double)(e % 16) - 4.0);
		finite = finite && isfinite(v);
		y[n++] = v;
	}

	spm_ts_options o = {.period = period, .level = level};
	spm_ts_result r;
	spm_error err;
	int rc = spm_ts_forecast(n ? y : NULL, n, (spm_ts_method)method, h, &o, &r, &err);
	bool usage_ok = h > 0 && method < SPM_TS_METHOD_COUNT && period >= 0 && level < 100.0;
	if (rc != SPM_OK) {
		check_failure(rc, &err);
		check(r.mean == NULL && r.lower == NULL && r.upper == NULL, "a failure holds no memory");
		check(rc != SPM_EUSAGE || !usage_ok, "SPM_EUSAGE only for bad arguments");
		check(rc != SPM_EDATA || usage_ok, "arguments are checked first");
		spm_ts_result_free(&r);
		return 0;
	}
	check(usage_ok && finite, "only valid arguments and finite data succeed");
	check_result(&r, h);
	if (method != SPM_TS_AUTO && (int)r.method != method)
		check(r.note[0] != '\0', "a fallback says so");

	/* score the forecasts against the series' own last points, as a held-out part */
	size_t hh = h < n ? h : n;
	if (hh > 0) {
		spm_ts_accuracy acc;
		int arc = spm_ts_accuracy_of(y, n - hh, period ? period : 12, y + n - hh, r.mean, hh,
		                             &acc, &err);
		if (arc == SPM_OK) {
			check(acc.n == hh, "accuracy counts its points");
			check(!(acc.mae < 0.0) && !(acc.rmse < acc.mae * (1.0 - 1e-12)),
			      "0 <= MAE <= RMSE");
			check(!(fabs(acc.me) > acc.mae * (1.0 + 1e-12)), "|ME| <= MAE");
			check(acc.mape_defined == !isnan(acc.mape), "mape_defined");
			check(acc.mase_defined == !isnan(acc.mase), "mase_defined");
		} else {
			check(arc == SPM_EDATA, "only non-finite forecasts are refused");
		}
	}
	spm_ts_result_free(&r);
	return 0;
}
