/*
 * spm/credit.h - credited amounts: which deals count for whom in a period, by a plan's credit rule.
 *
 * The one place that answers "what did this rep sell": a plan's components measure it, and quota
 * attainment divides it by the quota, so both always agree. A deal credits
 *   - its owner with 100% of its amount, when it has no revenue split (role owner);
 *   - each rep of its revenue split with their share (role split);
 *   - each overlay rep with their overlay share (role overlay);
 * as the rule's roles allow, when its status, type, product and stage pass the rule's filters and
 * its close (or created) date lies in the period. A credited amount is the deal's amount times the
 * share, rounded once with the caller's mode at the money scale, in the deal's own currency.
 */
#ifndef SPM_CREDIT_H
#define SPM_CREDIT_H

#include <stddef.h>

#include "spm/date.h"
#include "spm/error.h"
#include "spm/money.h"
#include "spm/plan.h"
#include "spm/store.h"

typedef enum spm_credit_role { SPM_ROLE_OWNER, SPM_ROLE_SPLIT, SPM_ROLE_OVERLAY } spm_credit_role;

typedef struct spm_credit_line {
	const char *rep_id;
	const char *deal_id;
	spm_credit_role role;
	spm_rate share;
	spm_money deal_amount;
	spm_money amount;     /* deal_amount × share, rounded */
	const char *currency; /* the deal's, or NULL when it has none */
	spm_date date;        /* the date that placed it in the period */
} spm_credit_line;

/* Called for each credit line; strings are valid during the call. A non-zero return stops. */
typedef int (*spm_credit_fn)(void *ctx, const spm_credit_line *line);

/*
 * Calls fn for every credit the rule gives in [first, last] (inclusive), to every rep or, with
 * rep_id not NULL, to that rep only, ordered by rep, date, deal and role. Deals without an amount
 * credit nothing. Returns SPM_OK, fn's non-zero return, or a negative status (SPM_ERANGE when an
 * amount times its share does not fit; store failures).
 */
int spm_credits(spm_store *st, const spm_plan_credit *rule, spm_date first, spm_date last,
                const char *rep_id, spm_rounding mode, spm_credit_fn fn, void *ctx, spm_error *err);

#endif
