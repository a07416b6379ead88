/*
 * kinds.c - the table of record kinds and their columns (see spm/kinds.h). The importer validates
 * against it; the tools print it; the man pages document it. Change a column here and the test that
 * compares `spm-import --columns` with spm-import(1) points at the page to update.
 */
#include "spm/kinds.h"

#include <strings.h>

#include "spm/money.h"

#define NONE SPM_KIND_COUNT
#define REQ SPM_COL_REQUIRED
#define KEY (SPM_COL_KEY | SPM_COL_REQUIRED)
#define RATE_0_1 0, SPM_RATE_ONE

static const char *const statuses[] = {"open", "won", "lost", NULL};
static const char *const categories[] = {"pipeline", "best_case", "commit", "closed", "omitted",
					 NULL};
static const char *const credit_kinds[] = {"revenue", "overlay", NULL};
static const char *const activity_kinds[] = {"call", "email", "meeting", "webinar", "demo",
					     "task", "other", NULL};

static const spm_kind_column rep_columns[] = {
	{"rep_id", SPM_FT_ID, KEY, NONE, NULL, 0, 0, NULL, "the rep's identifier"},
	{"name", SPM_FT_TEXT, 0, NONE, NULL, 0, 0, NULL, "full name"},
	{"email", SPM_FT_EMAIL, 0, NONE, NULL, 0, 0, NULL, "e-mail address"},
	{"manager_id", SPM_FT_ID, 0, SPM_KIND_REPS, NULL, 0, 0, NULL,
	 "the manager's rep_id; a manager named only here is created"},
	{"team", SPM_FT_TEXT, 0, NONE, NULL, 0, 0, NULL, "team name"},
	{"territory", SPM_FT_ID, 0, SPM_KIND_TERRITORIES, NULL, 0, 0, NULL, "territory_id"},
	{"role", SPM_FT_TEXT, 0, NONE, NULL, 0, 0, NULL, "job role, e.g. AE, SDR, manager"},
	{"hire_date", SPM_FT_DATE, 0, NONE, NULL, 0, 0, NULL, "first day"},
	{"end_date", SPM_FT_DATE, 0, NONE, NULL, 0, 0, NULL, "last day; not before hire_date"},
	{"currency", SPM_FT_CURRENCY, 0, NONE, NULL, 0, 0, NULL, "currency the rep is paid in"},
};

static const spm_kind_column territory_columns[] = {
	{"territory_id", SPM_FT_ID, KEY, NONE, NULL, 0, 0, NULL, "the territory's identifier"},
	{"name", SPM_FT_TEXT, 0, NONE, NULL, 0, 0, NULL, "display name"},
	{"parent_id", SPM_FT_ID, 0, SPM_KIND_TERRITORIES, NULL, 0, 0, NULL,
	 "the enclosing territory"},
};

static const spm_kind_column stage_columns[] = {
	{"stage", SPM_FT_ID, KEY, NONE, NULL, 0, 0, NULL, "stage name as deals spell it"},
	{"status", SPM_FT_ENUM, REQ, NONE, statuses, 0, 0, NULL, "open, won or lost"},
	{"probability", SPM_FT_RATE, 0, NONE, NULL, RATE_0_1, NULL,
	 "chance to win, 0..1 or 0%..100%"},
	{"forecast_category", SPM_FT_ENUM, 0, NONE, categories, 0, 0, NULL,
	 "pipeline, best_case, commit, closed or omitted"},
};

static const spm_kind_column account_columns[] = {
	{"account_id", SPM_FT_ID, KEY, NONE, NULL, 0, 0, NULL, "the account's identifier"},
	{"name", SPM_FT_TEXT, 0, NONE, NULL, 0, 0, NULL, "display name"},
	{"parent_id", SPM_FT_ID, 0, SPM_KIND_ACCOUNTS, NULL, 0, 0, NULL, "the parent account"},
};

static const spm_kind_column product_columns[] = {
	{"product_id", SPM_FT_ID, KEY, NONE, NULL, 0, 0, NULL, "the product's identifier"},
	{"name", SPM_FT_TEXT, 0, NONE, NULL, 0, 0, NULL, "display name"},
	{"family", SPM_FT_TEXT, 0, NONE, NULL, 0, 0, NULL, "product family or series"},
	{"price", SPM_FT_MONEY, 0, NONE, NULL, 0, 0, NULL, "list price"},
};

static const spm_kind_column deal_columns[] = {
	{"deal_id", SPM_FT_ID, KEY, NONE, NULL, 0, 0, NULL, "the deal's identifier"},
	{"rep_id", SPM_FT_ID, 0, SPM_KIND_REPS, NULL, 0, 0, NULL, "owner"},
	{"territory", SPM_FT_ID, 0, SPM_KIND_TERRITORIES, NULL, 0, 0, NULL, "territory_id"},
	{"account", SPM_FT_TEXT, 0, NONE, NULL, 0, 0, NULL, "customer"},
	{"product", SPM_FT_TEXT, 0, NONE, NULL, 0, 0, NULL, "product as the source spells it"},
	{"amount", SPM_FT_MONEY, 0, NONE, NULL, 0, 0, NULL, "value; required when won"},
	{"currency", SPM_FT_CURRENCY, 0, NONE, NULL, 0, 0, NULL, "currency of amount"},
	{"close_date", SPM_FT_DATE, 0, NONE, NULL, 0, 0, NULL,
	 "date closed, or expected; required when won"},
	{"created_date", SPM_FT_DATE, 0, NONE, NULL, 0, 0, NULL, "date opened"},
	{"stage", SPM_FT_TEXT, 0, NONE, NULL, 0, 0, NULL, "pipeline stage"},
	{"status", SPM_FT_ENUM, 0, NONE, statuses, 0, 0, NULL,
	 "open, won or lost; else from the stage"},
	{"type", SPM_FT_TEXT, 0, NONE, NULL, 0, 0, NULL, "e.g. new, expansion, renewal"},
	{"probability", SPM_FT_RATE, 0, NONE, NULL, RATE_0_1, NULL,
	 "chance to win, 0..1 or 0%..100%"},
	{"forecast_category", SPM_FT_ENUM, 0, NONE, categories, 0, 0, NULL,
	 "pipeline, best_case, commit, closed or omitted"},
	{"margin", SPM_FT_MONEY, 0, NONE, NULL, 0, 0, NULL, "gross margin, in the deal's currency"},
	{"cancel_date", SPM_FT_DATE, 0, NONE, NULL, 0, 0, NULL,
	 "the day a won deal was cancelled or refunded"},
};

static const spm_kind_column credit_columns[] = {
	{"deal_id", SPM_FT_ID, KEY, SPM_KIND_DEALS, NULL, 0, 0, NULL, "the deal credited"},
	{"rep_id", SPM_FT_ID, KEY, SPM_KIND_REPS, NULL, 0, 0, NULL, "the rep credited"},
	{"kind", SPM_FT_ENUM, SPM_COL_KEY, NONE, credit_kinds, 0, 0, "revenue",
	 "revenue (shares add up to 100%) or overlay"},
	{"share", SPM_FT_RATE, REQ, NONE, NULL, RATE_0_1, NULL, "share of the deal, 0..1 or %"},
};

static const spm_kind_column quota_columns[] = {
	{"rep_id", SPM_FT_ID, 0, SPM_KIND_REPS, NULL, 0, 0, NULL,
	 "the rep (give one of rep_id, team, territory)"},
	{"team", SPM_FT_ID, 0, NONE, NULL, 0, 0, NULL, "a team of the reps"},
	{"territory", SPM_FT_ID, 0, SPM_KIND_TERRITORIES, NULL, 0, 0, NULL, "territory_id"},
	{"period", SPM_FT_PERIOD, KEY, NONE, NULL, 0, 0, NULL, "e.g. 2026-Q1"},
	{"metric", SPM_FT_ID, SPM_COL_KEY, NONE, NULL, 0, 0, "bookings", "what is measured"},
	{"amount", SPM_FT_MONEY, REQ, NONE, NULL, 0, 0, NULL, "the quota, not negative"},
	{"currency", SPM_FT_CURRENCY, 0, NONE, NULL, 0, 0, NULL,
	 "currency of amount; default the plan's"},
};

static const spm_kind_column activity_columns[] = {
	{"activity_id", SPM_FT_ID, SPM_COL_KEY, NONE, NULL, 0, 0, NULL,
	 "identifier; default rep_id/date/kind"},
	{"rep_id", SPM_FT_ID, REQ, SPM_KIND_REPS, NULL, 0, 0, NULL, "who"},
	{"date", SPM_FT_DATE, REQ, NONE, NULL, 0, 0, NULL, "when"},
	{"kind", SPM_FT_ENUM, REQ, NONE, activity_kinds, 0, 0, NULL,
	 "call, email, meeting, webinar, demo, task or other"},
	{"count", SPM_FT_INT, 0, NONE, NULL, 0, INT32_MAX, "1", "how many"},
	{"duration", SPM_FT_INT, 0, NONE, NULL, 0, INT32_MAX, NULL, "minutes in all"},
};

static const spm_kind_column survey_columns[] = {
	{"respondent", SPM_FT_ID, KEY, NONE, NULL, 0, 0, NULL, "who answered (may be anonymous)"},
	{"date", SPM_FT_DATE, KEY, NONE, NULL, 0, 0, NULL, "when"},
	{"question", SPM_FT_TEXT, SPM_COL_KEY, NONE, NULL, 0, 0, "", "the question asked"},
	{"rep_id", SPM_FT_ID, 0, SPM_KIND_REPS, NULL, 0, 0, NULL, "the respondent's rep record"},
	{"score", SPM_FT_INT, REQ, NONE, NULL, 0, 10, NULL, "0..10"},
	{"comment", SPM_FT_TEXT, 0, NONE, NULL, 0, 0, NULL, "free text"},
};

static const spm_kind_column fx_columns[] = {
	{"base", SPM_FT_CURRENCY, SPM_COL_KEY, NONE, NULL, 0, 0, NULL,
	 "currency converted into; default the store's base currency"},
	{"currency", SPM_FT_CURRENCY, KEY, NONE, NULL, 0, 0, NULL, "currency converted from"},
	{"date", SPM_FT_DATE, KEY, NONE, NULL, 0, 0, NULL, "first day the rate applies"},
	{"rate", SPM_FT_RATE, REQ, NONE, NULL, 1, INT64_MAX, NULL,
	 "units of base for one unit of currency"},
};

static const spm_kind_column assignment_columns[] = {
	{"rep_id", SPM_FT_ID, KEY, SPM_KIND_REPS, NULL, 0, 0, NULL, "the rep"},
	{"plan", SPM_FT_ID, KEY, NONE, NULL, 0, 0, NULL, "the plan's name"},
	{"from", SPM_FT_DATE, KEY, NONE, NULL, 0, 0, NULL, "first day"},
	{"to", SPM_FT_DATE, 0, NONE, NULL, 0, 0, NULL, "last day; open-ended when empty"},
};

static const spm_kind_column adjustment_columns[] = {
	{"adjustment_id", SPM_FT_ID, SPM_COL_KEY, NONE, NULL, 0, 0, NULL,
	 "identifier; default rep_id/period/reason"},
	{"rep_id", SPM_FT_ID, REQ, SPM_KIND_REPS, NULL, 0, 0, NULL, "the rep"},
	{"period", SPM_FT_PERIOD, REQ, NONE, NULL, 0, 0, NULL, "period paid in"},
	{"amount", SPM_FT_MONEY, REQ, NONE, NULL, 0, 0, NULL, "signed amount"},
	{"reason", SPM_FT_TEXT, REQ, NONE, NULL, 0, 0, NULL, "why"},
};

static const char *const call_categories[] = {"commit", "best_case", NULL};

static const spm_kind_column call_columns[] = {
	{"rep_id", SPM_FT_ID, 0, SPM_KIND_REPS, NULL, 0, 0, NULL,
	 "a rep, or a manager for the reps below (give one of rep_id, team, territory)"},
	{"team", SPM_FT_ID, 0, NONE, NULL, 0, 0, NULL, "a team of the reps"},
	{"territory", SPM_FT_ID, 0, SPM_KIND_TERRITORIES, NULL, 0, 0, NULL, "territory_id"},
	{"period", SPM_FT_PERIOD, KEY, NONE, NULL, 0, 0, NULL, "e.g. 2026-Q3"},
	{"category", SPM_FT_ENUM, SPM_COL_KEY, NONE, call_categories, 0, 0, "commit",
	 "commit or best_case"},
	{"amount", SPM_FT_MONEY, REQ, NONE, NULL, 0, 0, NULL, "the number called"},
	{"currency", SPM_FT_CURRENCY, 0, NONE, NULL, 0, 0, NULL,
	 "currency of amount; default the store's base"},
	{"made_by", SPM_FT_ID, 0, SPM_KIND_REPS, NULL, 0, 0, NULL, "who made the call"},
	{"made_on", SPM_FT_DATE, 0, NONE, NULL, 0, 0, NULL, "when"},
	{"note", SPM_FT_TEXT, 0, NONE, NULL, 0, 0, NULL, "why"},
};

static const spm_kind_column budget_columns[] = {
	{"category", SPM_FT_ID, SPM_COL_KEY, NONE, NULL, 0, 0, "commission",
	 "what the money is for"},
	{"team", SPM_FT_ID, SPM_COL_KEY, NONE, NULL, 0, 0, "",
	 "a team of the reps; empty for the whole company"},
	{"period", SPM_FT_PERIOD, KEY, NONE, NULL, 0, 0, NULL, "e.g. 2026-Q1"},
	{"amount", SPM_FT_MONEY, REQ, NONE, NULL, 0, 0, NULL, "the budget, not negative"},
	{"currency", SPM_FT_CURRENCY, 0, NONE, NULL, 0, 0, NULL,
	 "currency of amount; default the store's base"},
	{"note", SPM_FT_TEXT, 0, NONE, NULL, 0, 0, NULL, "free text"},
};

#define KIND(id, name, cols, doc) {id, name, doc, cols, sizeof cols / sizeof cols[0]}

static const spm_kind kinds[SPM_KIND_COUNT] = {
	KIND(SPM_KIND_REPS, "reps", rep_columns, "sales reps and their managers"),
	KIND(SPM_KIND_TERRITORIES, "territories", territory_columns, "territory hierarchy"),
	KIND(SPM_KIND_STAGES, "stages", stage_columns, "pipeline stages"),
	KIND(SPM_KIND_ACCOUNTS, "accounts", account_columns, "customer accounts"),
	KIND(SPM_KIND_PRODUCTS, "products", product_columns, "product catalog"),
	KIND(SPM_KIND_DEALS, "deals", deal_columns, "opportunities and bookings"),
	KIND(SPM_KIND_CREDITS, "credits", credit_columns, "split and overlay credits"),
	KIND(SPM_KIND_QUOTAS, "quotas", quota_columns, "quotas per rep, team or territory"),
	KIND(SPM_KIND_ACTIVITIES, "activities", activity_columns, "calls, emails, meetings, ..."),
	KIND(SPM_KIND_SURVEY, "survey", survey_columns, "employee survey answers"),
	KIND(SPM_KIND_FX, "fx", fx_columns, "dated exchange rates"),
	KIND(SPM_KIND_ASSIGNMENTS, "assignments", assignment_columns, "which plan pays whom, when"),
	KIND(SPM_KIND_ADJUSTMENTS, "adjustments", adjustment_columns, "one-off pay adjustments"),
	KIND(SPM_KIND_CALLS, "calls", call_columns, "forecast calls: a number for a period"),
	KIND(SPM_KIND_BUDGETS, "budgets", budget_columns, "budgets per category, team and period"),
};

const spm_kind *spm_kind_get(spm_kind_id id)
{
	return id < SPM_KIND_COUNT ? &kinds[id] : NULL;
}

const spm_kind *spm_kind_find(const char *name)
{
	for (size_t i = 0; i < SPM_KIND_COUNT; i++)
		if (strcasecmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}

const spm_kind_column *spm_kind_column_find(const spm_kind *k, const char *name)
{
	for (size_t i = 0; i < k->ncolumns; i++)
		if (strcasecmp(k->columns[i].name, name) == 0)
			return &k->columns[i];
	return NULL;
}

const char *spm_field_type_name(spm_field_type t)
{
	static const char *const names[] = {"text", "id", "email", "date", "money",
					    "rate", "int", "enum", "currency", "period"};
	return (size_t)t < sizeof names / sizeof names[0] ? names[t] : "?";
}
