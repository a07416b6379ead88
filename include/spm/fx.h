/*
 * spm/fx.h - converting money between currencies at dated exchange rates from the store.
 *
 * The fx table holds, for the store's base currency B, rates "units of B for one unit of C" from a
 * date on (spm-import kind fx). The rate effective on a day is the latest one dated on or before
 * it. A conversion from C to D goes through B in one exact step: amount × rate(C) / rate(D),
 * rounded once with the caller's mode; B itself has the rate 1.
 */
#ifndef SPM_FX_H
#define SPM_FX_H

#include "spm/date.h"
#include "spm/error.h"
#include "spm/money.h"
#include "spm/store.h"

typedef struct spm_fx spm_fx;

/*
 * Opens a converter over the store's rates (read lazily, a currency at a time, and kept). The base
 * is the store's base_currency setting. Returns SPM_OK, or a store failure or SPM_ENOMEM.
 */
int spm_fx_open(spm_fx **out, spm_store *st, spm_error *err);

/* The base currency all rates are quoted in ("USD"). */
const char *spm_fx_base(const spm_fx *fx);

/*
 * The rate of `currency` (units of base for one unit) effective on `day`. SPM_EDATA when the store
 * has none on or before that day: "no exchange rate for GBP on or before 2026-01-15 (base USD)".
 */
int spm_fx_rate(spm_fx *fx, const char *currency, spm_date day, spm_rate *rate, spm_error *err);

/*
 * Converts amount from currency `from` into `to` at the rates effective on `day`. The same
 * currency converts to itself without a rate. Returns SPM_OK, SPM_EDATA (no rate), SPM_ERANGE.
 */
int spm_fx_convert(spm_fx *fx, spm_money amount, const char *from, const char *to, spm_date day,
                   spm_rounding mode, spm_money *out, spm_error *err);

/* Frees the converter. NULL-safe. */
void spm_fx_close(spm_fx *fx);

#endif
