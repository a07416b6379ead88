/*
 * fx.c - dated exchange rates from the store, cached per currency as a sorted list of (day, rate)
 * and looked up by binary search: a run converts thousands of credit lines over a few currencies.
 */
#include "spm/fx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct dated_rate {
	int32_t day;
	int64_t rate;
};

struct currency_rates {
	char code[4];
	struct dated_rate *rates;
	size_t n;
};

struct spm_fx {
	spm_store *st;
	char base[4];
	spm_stmt *load;
	struct currency_rates *currencies;
	size_t ncurrencies;
};

int spm_fx_open(spm_fx **out, spm_store *st, spm_error *err)
{
	char base[16];
	int rc;

	*out = NULL;
	spm_fx *fx = calloc(1, sizeof *fx);
	if (!fx)
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	fx->st = st;
	rc = spm_store_setting_get(st, "base_currency", base, sizeof base, err);
	if (rc < 0) {
		free(fx);
		return rc;
	}
	memcpy(fx->base, rc == SPM_OK && strlen(base) == 3 ? base : "USD", 4);
	rc = spm_stmt_prepare(
	    st, &fx->load,
	    "SELECT date, rate FROM fx WHERE base = ?1 AND currency = ?2 ORDER BY date", err);
	if (rc) {
		free(fx);
		return rc;
	}
	*out = fx;
	return SPM_OK;
}

const char *spm_fx_base(const spm_fx *fx)
{
	return fx->base;
}

static int load_currency(spm_fx *fx, const char *code, struct currency_rates **out, spm_error *err)
{
	struct currency_rates *list =
	    realloc(fx->currencies, (fx->ncurrencies + 1) * sizeof *fx->currencies);
	size_t cap = 0;
	int rc;

	if (!list)
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	fx->currencies = list;
	struct currency_rates *c = &list[fx->ncurrencies];
	memset(c, 0, sizeof *c);
	snprintf(c->code, sizeof c->code, "%s", code);
	spm_stmt_reset(fx->load);
	if (spm_stmt_bind_text(fx->load, 1, fx->base, 3) ||
	    spm_stmt_bind_text(fx->load, 2, code, strlen(code)))
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	while ((rc = spm_stmt_step(fx->load, err)) == SPM_ROW) {
		size_t len;
		const char *text = spm_stmt_text(fx->load, 0, &len);
		spm_date day;
		if (c->n == cap) {
			cap = cap ? cap * 2 : 16;
			struct dated_rate *r = realloc(c->rates, cap * sizeof *r);
			if (!r) {
				free(c->rates);
				return spm_error_set(err, SPM_ENOMEM, "out of memory");
			}
			c->rates = r;
		}
		if (spm_date_parse(&day, text, len, NULL, err)) {
			free(c->rates);
			return SPM_ESTORE;
		}
		c->rates[c->n].day = day.days;
		c->rates[c->n].rate = spm_stmt_int64(fx->load, 1);
		c->n++;
	}
	spm_stmt_reset(fx->load);
	if (rc != SPM_DONE) {
		free(c->rates);
		return rc;
	}
	fx->ncurrencies++;
	*out = c;
	return SPM_OK;
}

int spm_fx_rate(spm_fx *fx, const char *currency, spm_date day, spm_rate *rate, spm_error *err)
{
	struct currency_rates *c = NULL;
	int rc;

	if (strcmp(currency, fx->base) == 0) {
		rate->units = SPM_RATE_ONE;
		return SPM_OK;
	}
	for (size_t i = 0; i < fx->ncurrencies && !c; i++)
		if (strcmp(fx->currencies[i].code, currency) == 0)
			c = &fx->currencies[i];
	if (!c && (rc = load_currency(fx, currency, &c, err)))
		return rc;
	/* the last rate dated on or before the day */
	size_t lo = 0, hi = c->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->rates[mid].day <= day.days)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0) {
		char d[SPM_DATE_BUFSZ];
		spm_date_format(d, sizeof d, day);
		return spm_error_set(err, SPM_EDATA,
		                     "no exchange rate for %s on or before %s (base %s)", currency,
		                     d, fx->base);
	}
	rate->units = c->rates[lo - 1].rate;
	return SPM_OK;
}

int spm_fx_convert(spm_fx *fx, spm_money amount, const char *from, const char *to, spm_date day,
                   spm_rounding mode, spm_money *out, spm_error *err)
{
	spm_rate r_from, r_to;
	int rc;

	if (strcmp(from, to) == 0) {
		*out = amount;
		return SPM_OK;
	}
	if ((rc = spm_fx_rate(fx, from, day, &r_from, err)) ||
	    (rc = spm_fx_rate(fx, to, day, &r_to, err)))
		return rc;
	if (spm_money_mul_ratio(out, amount, r_from, r_to, mode))
		return spm_error_set(err, SPM_ERANGE, "converting %s into %s: out of range", from,
		                     to);
	return SPM_OK;
}

void spm_fx_close(spm_fx *fx)
{
	if (!fx)
		return;
	spm_stmt_finalize(fx->load);
	for (size_t i = 0; i < fx->ncurrencies; i++)
		free(fx->currencies[i].rates);
	free(fx->currencies);
	free(fx);
}
