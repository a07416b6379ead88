/*
 * spm/allocate.h - splitting a total into parts that add up to it exactly: quotas down a
 * hierarchy (company, teams, reps) and across sub-periods (quarters, months).
 *
 * Parts are in proportion to weights (an even split is equal weights; history, potential and
 * seasonality are weights too) and rounded to a number of decimal places by the largest-remainder
 * method: every part is first rounded down to the place; the units of the place still missing from
 * the total then go one each to the parts with the largest remainders, ties to the earlier part.
 * So the parts always add up to the total, no part is off by a unit of the place or more from its
 * exact share, and the same input gives the same parts. All in exact integers (128-bit products).
 */
#ifndef SPM_ALLOCATE_H
#define SPM_ALLOCATE_H

#include <stddef.h>

#include "spm/error.h"
#include "spm/money.h"

/*
 * Splits `total` into n parts (parts[0..n-1]) in proportion to weights[0..n-1], rounded to
 * `places` decimals (0..4) as described above. Weights are not negative and not all zero; they
 * need not add up to 1 (they are shares of their sum). Returns SPM_OK; SPM_EDATA for a negative
 * total ("the total cannot be negative: '-5'"), a total with more decimals than `places` ("the
 * total has more than 2 decimals: '10.005'"), a negative weight ("weight 3 is negative: '-1'") or
 * weights that are all zero ("the weights are all zero"); SPM_EUSAGE for n == 0, NULL arrays or
 * places out of range; SPM_ENOMEM. parts is written only on success.
 */
int spm_allocate(spm_money total, const spm_rate *weights, size_t n, int places, spm_money *parts,
                 spm_error *err);

/* spm_allocate with n equal weights: an even split. */
int spm_allocate_even(spm_money total, size_t n, int places, spm_money *parts, spm_error *err);

#endif
