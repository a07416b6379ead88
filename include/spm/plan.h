/*
 * spm/plan.h - compensation plans as code: the plan file (spm-plan(5)) read into a checked model.
 *
 * A plan is a YAML file kept in version control. The parser is strict: an unknown key, a value of
 * the wrong type, a percentage out of range, a rate table whose bounds do not ascend, a missing
 * required field -- each is an error located at plan.yaml:LINE:COL. Every calculation choice that
 * vendors leave implicit is a named field with a documented default, so that `spm-commission
 * explain` can say which applied.
 *
 * The model below is the whole format; spm-plan(5) documents every key, its default and a worked
 * example, and says in which order the run applies thresholds, tables, multipliers and caps.
 */
#ifndef SPM_PLAN_H
#define SPM_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "spm/date.h"
#include "spm/error.h"
#include "spm/money.h"
#include "spm/period.h"
#include "spm/rates.h"

typedef enum spm_plan_evaluation {
	SPM_EVAL_PERIOD,          /* each period on its own */
	SPM_EVAL_QUARTER_TO_DATE, /* cumulative within the quarter, with true-up */
	SPM_EVAL_YEAR_TO_DATE     /* cumulative within the (fiscal) year, with true-up */
} spm_plan_evaluation;

typedef enum spm_plan_rounding_on {
	SPM_ROUND_EACH_LINE, /* every payout line is rounded; the total is their sum */
	SPM_ROUND_TOTAL      /* lines keep 4 decimals; the rep's total is rounded once */
} spm_plan_rounding_on;

typedef enum spm_plan_measure {
	SPM_MEASURE_AMOUNT,    /* sum of credited amounts */
	SPM_MEASURE_COUNT,     /* number of credit lines (a deal split two ways counts once for each) */
	SPM_MEASURE_MARGIN,    /* sum of credited margins (deals.margin × share) */
	SPM_MEASURE_ACTIVITIES /* sum of the rep's activity counts, of the component's kinds */
} spm_plan_measure;

/* Which date of a deal places it in a period. */
typedef enum spm_plan_date_field { SPM_DATE_CLOSE, SPM_DATE_CREATED } spm_plan_date_field;

/* Who a deal credits. */
#define SPM_CREDIT_OWNER 0x1u     /* the deal's rep, when the deal has no revenue split */
#define SPM_CREDIT_SPLIT 0x2u     /* the reps of its revenue split, by share */
#define SPM_CREDIT_OVERLAY 0x4u   /* overlay credits, by share */
#define SPM_CREDIT_TEAM 0x8u      /* manager roll-up: every owner/split credit of a rep below */
#define SPM_CREDIT_TERRITORY 0x10u /* deals with no owner in the rep's territory or below it */

/* A list of words a deal's field must be among; n == 0 means any. */
typedef struct spm_plan_words {
	const char *const *words;
	size_t n;
} spm_plan_words;

/*
 * A filter on any other field of a deal: a column (account, territory, currency,
 * forecast_category) or, for any other name, the imported attribute of that name. Status, type,
 * product and stage have keys of their own in the credit rule.
 */
typedef struct spm_plan_filter {
	const char *field;
	spm_plan_words values; /* n >= 1 */
} spm_plan_filter;

typedef struct spm_plan_credit {
	unsigned statuses; /* bits 1 << open, won, lost (0 open, 1 won, 2 lost); default won */
	spm_plan_words types, products, stages;
	const spm_plan_filter *where; /* `where:` map, in file order */
	size_t nwhere;
	spm_plan_date_field date; /* default close_date */
	unsigned roles;           /* SPM_CREDIT_*; default owner | split */
	bool has_window;          /* `window: {from, to}`: only deals dated within it */
	spm_date window_from, window_to;
} spm_plan_credit;

typedef enum spm_plan_pay_kind {
	SPM_PAY_RATE,     /* a flat rate on the measure (amount, margin) */
	SPM_PAY_PER_UNIT, /* money per unit of the measure (count, activities) */
	SPM_PAY_TABLE,    /* a rate table (graduated or retroactive, on amount or attainment) */
	SPM_PAY_CURVE,    /* a pay curve: target incentive × payout(attainment) */
	SPM_PAY_NONE      /* measured only: the plan's weighted curve pays */
} spm_plan_pay_kind;

typedef struct spm_plan_threshold {
	bool set;
	spm_threshold_kind kind; /* gate (default) or deductible */
	spm_tier_basis basis;    /* on amount (money units) or attainment (rate units) */
	int64_t at;
	spm_boundary boundary; /* default SPM_BOUNDARY_ABOVE: exactly `at` has passed */
} spm_plan_threshold;

/* From attainment `at` on, the component's pay is multiplied by `factor` (the highest reached). */
typedef struct spm_plan_multiplier {
	spm_rate at;
	spm_rate factor;
	long line;
} spm_plan_multiplier;

typedef struct spm_plan_curve {
	bool has_target;
	spm_money target; /* target incentive per period; else the plan's × the component's weight */
	const spm_curve_point *points;
	size_t npoints;
} spm_plan_curve;

typedef struct spm_plan_component {
	const char *name;
	long line; /* where the component starts in the file */
	bool has_weight;
	spm_rate weight; /* 0..100%; when any component has one, all do and they sum to 100% */
	spm_plan_credit credit;
	spm_plan_measure measure;      /* default amount */
	spm_plan_words activity_kinds; /* SPM_MEASURE_ACTIVITIES: kinds counted; n == 0: all */
	const char *quota;             /* quota metric (e.g. bookings), or NULL */
	spm_plan_pay_kind pay;
	spm_rate rate;          /* SPM_PAY_RATE */
	spm_money per_unit;     /* SPM_PAY_PER_UNIT */
	spm_rate_table table;   /* SPM_PAY_TABLE; tiers owned by the plan */
	const long *tier_lines; /* SPM_PAY_TABLE: where each tier is written, for messages */
	const bool *decelerators; /* SPM_PAY_TABLE, ntiers entries: tier i's lower rate is meant */
	spm_plan_curve curve;   /* SPM_PAY_CURVE */
	spm_plan_threshold threshold;
	const spm_plan_multiplier *multipliers; /* ascending by `at` */
	size_t nmultipliers;
	bool has_cap;
	spm_money cap; /* `cap: {payout}`: the component's pay per period at most */
	bool has_deal_cap;
	spm_money deal_cap; /* `cap: {per_deal}`: a credit line counts for at most this much, in
	                       the plan's currency */
} spm_plan_component;

typedef enum spm_bonus_kind {
	SPM_BONUS_FIXED,   /* `amount` once per period when the condition holds */
	SPM_BONUS_PER_DEAL /* `per_deal` for each credit line the bonus's credit rule gives */
} spm_bonus_kind;

/* A bonus or SPIFF. */
typedef struct spm_plan_bonus {
	const char *name;
	long line;
	spm_bonus_kind kind;
	spm_money amount;       /* fixed: the bonus; per deal: per qualifying credit line */
	spm_plan_credit credit; /* per deal: which deals qualify (its window limits them) */
	const char *component;  /* condition `when: {component, attainment}`, or NULL */
	spm_rate min_attainment; /* the condition holds when the component's attainment >= this */
	bool has_window;         /* fixed: paid only in periods that overlap the window */
	spm_date from, to;
	bool prorate; /* fixed: prorated like the quota for part of a period (default false) */
} spm_plan_bonus;

/* A manager override: a rate on what the team below the manager was credited. */
typedef struct spm_plan_override {
	const char *name;
	long line;
	spm_rate rate;
	spm_plan_credit credit; /* roles are those of the team members' credits */
	bool all_levels;        /* `levels: all` (default) or `direct` (direct reports only) */
	bool has_above;
	spm_money above; /* only the team's credited amount above this pays */
} spm_plan_override;

typedef struct spm_plan_draw {
	bool set;
	spm_money amount; /* per period */
	bool recoverable;
	bool has_limit;
	spm_rate limit;        /* recover at most this share of a period's earnings */
	bool recover_on_leave; /* `on_leave: recover` (default forgive) */
} spm_plan_draw;

typedef enum spm_plan_negative {
	SPM_NEGATIVE_CARRY, /* a negative period pays 0 and carries the rest to the next (default) */
	SPM_NEGATIVE_PAY    /* a negative period is paid negative (recovered by payroll) */
} spm_plan_negative;

typedef enum spm_plan_proration {
	SPM_PRORATE_DAYS,   /* quota, draw and prorated bonuses × days on plan / days (default) */
	SPM_PRORATE_MONTHS, /* × months on plan (on plan on the month's 15th) / months */
	SPM_PRORATE_NONE
} spm_plan_proration;

typedef enum spm_plan_fx_date {
	SPM_FX_CLOSE_DATE, /* each deal at the rate of the date that placed it (default) */
	SPM_FX_PERIOD_END  /* every deal at the rate of the period's last day */
} spm_plan_fx_date;

typedef enum spm_plan_curve_on {
	SPM_CURVE_PER_COMPONENT, /* each component's own curve on its attainment (default) */
	SPM_CURVE_WEIGHTED       /* the plan's curve on Σ weight × attainment, paid once */
} spm_plan_curve_on;

typedef struct spm_plan {
	const char *name;
	const char *source; /* the file name given to spm_plan_parse */
	char currency[4];
	spm_period_kind period;
	spm_plan_evaluation evaluation; /* default period */
	spm_date from;
	bool has_to;
	spm_date to;
	spm_rounding rounding;            /* default half-up */
	int rounding_places;              /* 0..4, default 2 */
	spm_plan_rounding_on rounding_on; /* default each line */
	bool has_target;
	spm_money target_incentive; /* `target_incentive`: per period, for curves */
	spm_plan_curve_on curve_on;
	spm_plan_curve curve; /* SPM_CURVE_WEIGHTED: the plan's `curve` */
	bool has_cap;
	spm_money cap; /* `cap: {payout}`: commissions and bonuses per period at most */
	spm_plan_proration proration;
	spm_plan_fx_date fx_date;
	spm_plan_negative negative;
	bool has_clawback;
	int clawback_days; /* `clawback: {within_days}`: a deal cancelled up to this many days after
	                      the date that placed it in its period is taken back */
	spm_plan_draw draw;
	const spm_plan_component *components;
	size_t ncomponents;
	const spm_plan_bonus *bonuses;
	size_t nbonuses;
	const spm_plan_override *overrides;
	size_t noverrides;
} spm_plan;

/*
 * Reads a plan from text (len bytes) named `source` in messages. Returns SPM_OK with *out, or
 * SPM_ECONFIG with err located at source:line:col, or SPM_ENOMEM. The plan owns all its memory.
 */
int spm_plan_parse(spm_plan **out, const char *source, const char *text, size_t len,
                   spm_error *err);

/* Frees a plan. NULL-safe. */
void spm_plan_free(spm_plan *plan);

#endif
