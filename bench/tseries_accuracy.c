/*
 * tseries_accuracy.c - by-hand accuracy check of the forecasting methods on a month,value CSV: holds
 * out the last N points, fits every method on the rest, forecasts N and prints, one row a method,
 * its MAPE, MASE, RMSE and bias (mean error, forecast - actual), and which method auto chose.
 * Not built by CMake. From the project root:
 *
 *   cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Iinclude bench/tseries_accuracy.c lib/tseries.c \
 *      lib/error.c lib/util.c -lm -o /tmp/tseries_accuracy
 *   /tmp/tseries_accuracy ../shared/data/forecast/superstore_monthly_sales.csv 12 12
 *
 * Arguments: the file, N (default 12) and the period (default 12). The first line is a header.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spm/tseries.h"

static int parse_size(const char *text, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (errno || end == text || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* Reads the second column of every line after the header. Returns the count, or -1. */
static long read_series(const char *path, double **out)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "tseries_accuracy: %s: %s\n", path, strerror(errno));
		return -1;
	}
	char line[512];
	size_t n = 0, cap = 0;
	double *y = NULL;
	long lineno = 0;
	while (fgets(line, sizeof line, f)) {
		if (++lineno == 1)
			continue;
		char *comma = strchr(line, ',');
		if (!comma)
			continue;
		char *end;
		errno = 0;
		double v = strtod(comma + 1, &end);
		if (errno || end == comma + 1 || (*end != '\n' && *end != '\r' && *end != '\0')) {
			fprintf(stderr, "tseries_accuracy: %s:%ld: not a number\n", path, lineno);
			free(y);
			fclose(f);
			return -1;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			double *grown = realloc(y, cap * sizeof *grown);
			if (!grown) {
				free(y);
				fclose(f);
				return -1;
			}
			y = grown;
		}
		y[n++] = v;
	}
	fclose(f);
	*out = y;
	return (long)n;
}

int main(int argc, char **argv)
{
	long hold = 12, period = 12;
	if (argc < 2 || argc > 4 || (argc > 2 && parse_size(argv[2], 1, 100000, &hold) != 0) ||
	    (argc > 3 && parse_size(argv[3], 1, 100000, &period) != 0)) {
		fprintf(stderr, "usage: tseries_accuracy file.csv [holdout [period]]\n");
		return 2;
	}
	double *y = NULL;
	long n = read_series(argv[1], &y);
	if (n < 0)
		return 1;
	if (n <= hold) {
		fprintf(stderr, "tseries_accuracy: %ld points, holdout %ld\n", n, hold);
		free(y);
		return 1;
	}
	size_t ntrain = (size_t)(n - hold), h = (size_t)hold;
	spm_ts_options opt = {.period = (int)period, .level = 80};
	printf("%-18s %8s %8s %12s %12s  %s\n", "method", "MAPE%", "MASE", "RMSE", "bias", "note");
	for (int i = 0; i < (int)SPM_TS_METHOD_COUNT; i++) {
		spm_ts_result r;
		spm_ts_accuracy acc;
		spm_error err;
		const char *name = spm_ts_method_name((spm_ts_method)i);
		if (spm_ts_forecast(y, ntrain, (spm_ts_method)i, h, &opt, &r, &err) != SPM_OK) {
			printf("%-18s refused: %s\n", name, err.message);
			continue;
		}
		if (spm_ts_accuracy_of(y, ntrain, (int)period, y + ntrain, r.mean, h, &acc, &err) !=
		    SPM_OK) {
			printf("%-18s accuracy: %s\n", name, err.message);
			spm_ts_result_free(&r);
			continue;
		}
		printf("%-18s %8.2f %8.3f %12.2f %12.2f  %s\n", name, acc.mape, acc.mase, acc.rmse,
		       acc.me, r.note);
		spm_ts_result_free(&r);
	}
	free(y);
	return 0;
}
