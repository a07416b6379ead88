/*
 * allocate.c - exact splits of a total by weights, largest remainder (see spm/allocate.h).
 */
#include "spm/allocate.h"

#include <stdlib.h>
#include <string.h>

__extension__ typedef __int128 i128;

typedef struct share {
	size_t index;
	i128 remainder; /* of the part's exact share, in 1/W of a unit of the place */
} share;

/* Largest remainder first; ties to the earlier part. */
static int share_cmp(const void *pa, const void *pb)
{
	const share *a = pa, *b = pb;
	if (a->remainder != b->remainder)
		return a->remainder > b->remainder ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

int spm_allocate(spm_money total, const spm_rate *weights, size_t n, int places, spm_money *parts,
                 spm_error *err)
{
	char text[SPM_NUM_BUFSZ];
	int64_t unit = 1; /* money units in one unit of the place */
	i128 sum = 0, given = 0;

	if (n == 0 || !weights || !parts || places < 0 || places > SPM_MONEY_SCALE)
		return spm_error_set(err, SPM_EUSAGE, "allocate: no parts, or places not 0..4");
	for (int i = places; i < SPM_MONEY_SCALE; i++)
		unit *= 10;
	spm_money_format(text, sizeof text, total, 0);
	if (total.units < 0)
		return spm_error_set(err, SPM_EDATA, "the total cannot be negative: '%s'", text);
	if (total.units % unit)
		return spm_error_set(err, SPM_EDATA, "the total has more than %d decimals: '%s'",
		                     places, text);
	for (size_t i = 0; i < n; i++) {
		if (weights[i].units < 0) {
			spm_rate_format(text, sizeof text, weights[i], false);
			return spm_error_set(err, SPM_EDATA, "weight %zu is negative: '%s'", i + 1,
			                     text);
		}
		sum += weights[i].units;
	}
	if (sum == 0)
		return spm_error_set(err, SPM_EDATA, "the weights are all zero");

	int64_t units = total.units / unit; /* the total in units of the place */
	share *shares = malloc(n * sizeof *shares);
	int64_t *down = malloc(n * sizeof *down);
	if (!shares || !down) {
		free(shares);
		free(down);
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		i128 exact = (i128)units * weights[i].units; /* the share, times sum */
		down[i] = (int64_t)(exact / sum);
		shares[i] = (share){i, exact % sum};
		given += down[i];
	}
	/* fewer than n units are missing: one each to the largest remainders */
	size_t missing = (size_t)(units - given);
	if (missing)
		qsort(shares, n, sizeof *shares, share_cmp);
	for (size_t k = 0; k < missing; k++)
		down[shares[k].index]++;
	for (size_t i = 0; i < n; i++)
		parts[i].units = down[i] * unit;
	free(shares);
	free(down);
	return SPM_OK;
}

int spm_allocate_even(spm_money total, size_t n, int places, spm_money *parts, spm_error *err)
{
	spm_rate *weights = calloc(n ? n : 1, sizeof *weights);
	int rc;
	if (!weights)
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		weights[i].units = 1;
	rc = spm_allocate(total, weights, n, places, parts, err);
	free(weights);
	return rc;
}
