/*
 * spm/currency.h - ISO 4217 currency codes.
 */
#ifndef SPM_CURRENCY_H
#define SPM_CURRENCY_H

#include <stdbool.h>
#include <stddef.h>

/*
 * True when code (len bytes) is an active ISO 4217 alphabetic code, in upper case ("EUR", "USD").
 * Lower case is not accepted: the store keeps one spelling.
 */
bool spm_currency_valid(const char *code, size_t len);

/* The number of minor-unit decimals of the currency (2 for EUR, 0 for JPY, 3 for KWD); -1 if unknown. */
int spm_currency_decimals(const char *code, size_t len);

#endif
