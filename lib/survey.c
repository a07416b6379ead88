/*
 * survey.c - employee survey results (see spm/survey.h): the classes of a score, the exact eNPS
 * of a tally, and the rows of spm-report survey. The answers are read once, ordered so that a
 * respondent's answers to one question follow each other by date, which lets latest mode keep
 * only the last of each run without holding every respondent in memory; the kept answers are then
 * sorted by period and team and tallied row by row.
 */
#include "spm/survey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stmtutil.h"
#include "util.h"

__extension__ typedef __int128 i128;

spm_survey_class spm_survey_classify(int score)
{
	if (score < SPM_SURVEY_SCORE_MIN || score > SPM_SURVEY_SCORE_MAX)
		return SPM_SURVEY_INVALID;
	if (score >= 9)
		return SPM_SURVEY_PROMOTER;
	if (score >= 7)
		return SPM_SURVEY_PASSIVE;
	return SPM_SURVEY_DETRACTOR;
}

const char *spm_survey_class_name(spm_survey_class c)
{
	switch (c) {
	case SPM_SURVEY_DETRACTOR:
		return "detractor";
	case SPM_SURVEY_PASSIVE:
		return "passive";
	case SPM_SURVEY_PROMOTER:
		return "promoter";
	case SPM_SURVEY_INVALID:
		break;
	}
	return "invalid";
}

int spm_survey_tally_add(spm_survey_tally *t, int score)
{
	int64_t *count;

	if (!t)
		return SPM_EUSAGE;
	switch (spm_survey_classify(score)) {
	case SPM_SURVEY_PROMOTER:
		count = &t->promoters;
		break;
	case SPM_SURVEY_PASSIVE:
		count = &t->passives;
		break;
	case SPM_SURVEY_DETRACTOR:
		count = &t->detractors;
		break;
	default:
		return SPM_EUSAGE;
	}
	if (*count == INT64_MAX || t->answers == INT64_MAX)
		return SPM_ERANGE;
	(*count)++;
	t->answers++;
	return SPM_OK;
}

static bool tally_adds_up(const spm_survey_tally *t)
{
	if (t->promoters < 0 || t->passives < 0 || t->detractors < 0 || t->answers < 0)
		return false;
	/* Each is at most INT64_MAX, so the sum fits in 128 bits. */
	return (i128)t->promoters + t->passives + t->detractors == t->answers;
}

/*
 * 100 × (promoters - detractors) × 10^decimals / answers, rounded half away from zero: the score
 * with `decimals` decimals as a whole number. |result| <= 100 × 10^decimals, so it fits for
 * decimals up to 10 (the rate scale).
 */
static int64_t scaled_score(const spm_survey_tally *t, int decimals)
{
	i128 num = (i128)t->promoters - t->detractors;
	i128 den = t->answers;

	num *= 100;
	for (int i = 0; i < decimals; i++)
		num *= 10;
	i128 q = num / den, r = num % den;
	if (r < 0)
		r = -r;
	if (2 * r >= den)
		q += num < 0 ? -1 : 1;
	return (int64_t)q;
}

static int check_tally(const spm_survey_tally *t, spm_error *err)
{
	if (!t)
		return spm_error_set(err, SPM_EUSAGE, "survey: no tally");
	if (!tally_adds_up(t))
		return spm_error_set(err, SPM_EUSAGE,
		                     "survey tally does not add up: %lld promoters, %lld passives, "
		                     "%lld detractors, %lld answers",
		                     (long long)t->promoters, (long long)t->passives,
		                     (long long)t->detractors, (long long)t->answers);
	if (t->answers == 0)
		return spm_error_set(err, SPM_EDATA, "no survey answers to score");
	return SPM_OK;
}

int spm_survey_score(const spm_survey_tally *t, spm_rate *score, spm_error *err)
{
	int rc;

	if (!score)
		return spm_error_set(err, SPM_EUSAGE, "survey: no place for the score");
	if ((rc = check_tally(t, err)))
		return rc;
	score->units = scaled_score(t, SPM_RATE_SCALE);
	return SPM_OK;
}

int spm_survey_score_format(char *buf, size_t size, const spm_survey_tally *t, int decimals,
                            spm_error *err)
{
	int rc;

	if (!buf && size > 0)
		return spm_error_set(err, SPM_EUSAGE, "survey: no buffer for the score");
	if (size > 0)
		buf[0] = '\0';
	if (decimals < 0 || decimals > SPM_RATE_SCALE)
		return spm_error_set(err, SPM_EUSAGE, "survey: decimals out of range (0..%d): %d",
		                     SPM_RATE_SCALE, decimals);
	if ((rc = check_tally(t, err)))
		return rc;

	int64_t v = scaled_score(t, decimals), whole, frac, unit = 1;
	for (int i = 0; i < decimals; i++)
		unit *= 10;
	/* |v| <= 100 × 10^10, far from INT64_MIN: negating is safe. */
	whole = (v < 0 ? -v : v) / unit;
	frac = (v < 0 ? -v : v) % unit;
	if (decimals == 0)
		snprintf(buf, size, "%s%lld", v < 0 ? "-" : "", (long long)whole);
	else
		snprintf(buf, size, "%s%lld.%0*lld", v < 0 ? "-" : "", (long long)whole, decimals,
		         (long long)frac);
	return SPM_OK;
}

/* ---- results -------------------------------------------------------------------------------- */

/* An answer that counts: its period (by first day), its team (interned) and its score. */
typedef struct answer {
	int32_t period;
	int8_t score;
	const char *team;
} answer;

typedef struct results {
	const spm_survey_query *q;
	spm_fiscal fiscal;
	/* The team names seen, each once, in byte order; the answers point into them. */
	char **teams;
	size_t nteams, capteams;
	answer *answers;
	size_t nanswers, capanswers;
	/* The current period, so that consecutive dates in it need no new computation. */
	bool have_period;
	spm_period period;
	/* Latest mode: the answer held back until the next row shows whether it was the last. */
	bool pending;
	spm_buf respondent, question;
	answer held;
} results;

static void results_free(results *r)
{
	for (size_t i = 0; i < r->nteams; i++)
		free(r->teams[i]);
	free(r->teams);
	free(r->answers);
	spm_buf_free(&r->respondent);
	spm_buf_free(&r->question);
}

/* The stored copy of team, added in its place in byte order when new; NULL when out of memory. */
static const char *intern_team(results *r, const char *team)
{
	size_t lo = 0, hi = r->nteams;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(r->teams[mid], team);
		if (c == 0)
			return r->teams[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (r->nteams == r->capteams) {
		size_t cap = r->capteams ? 2 * r->capteams : 16;
		char **p = realloc(r->teams, cap * sizeof *p);
		if (!p)
			return NULL;
		r->teams = p;
		r->capteams = cap;
	}
	char *copy = spm_strndup(team, strlen(team));
	if (!copy)
		return NULL;
	memmove(r->teams + lo + 1, r->teams + lo, (r->nteams - lo) * sizeof *r->teams);
	r->teams[lo] = copy;
	r->nteams++;
	return copy;
}

/* Keeps a chosen answer when it passes the team filter. */
static int keep_answer(results *r, const answer *a)
{
	if (r->q->team && strcmp(a->team, r->q->team) != 0)
		return SPM_OK;
	if (r->nanswers == r->capanswers) {
		size_t cap = r->capanswers ? 2 * r->capanswers : 256;
		if (cap > SIZE_MAX / sizeof *r->answers)
			return SPM_ENOMEM;
		answer *p = realloc(r->answers, cap * sizeof *p);
		if (!p)
			return SPM_ENOMEM;
		r->answers = p;
		r->capanswers = cap;
	}
	r->answers[r->nanswers++] = *a;
	return SPM_OK;
}

/* The key of the row that counts an answer dated d: the first day of its period, or 0. */
static int period_key(results *r, spm_date d, int32_t *key, spm_error *err)
{
	const spm_survey_query *q = r->q;

	if (!q->per_period) {
		*key = 0;
		return SPM_OK;
	}
	if (!r->have_period || !spm_period_contains(&r->period, d)) {
		char day[SPM_DATE_BUFSZ];
		if (spm_period_of(&r->period, d, q->by, &r->fiscal)) {
			spm_date_format(day, sizeof day, d);
			return spm_error_set(err, SPM_ERANGE,
			                     "survey: the period of '%s' reaches outside the years "
			                     "1 to 9999",
			                     day);
		}
		r->have_period = true;
	}
	*key = r->period.first.days;
	return SPM_OK;
}

/*
 * Takes one stored answer (the query's row). In latest mode an answer waits until the next one
 * shows whether it was its respondent's last to the question in the row's period.
 */
static int take_answer(results *r, spm_stmt *s, spm_error *err)
{
	size_t rlen, qlen;
	const char *respondent = spm_stmt_text(s, 0, &rlen);
	const char *question = spm_stmt_text(s, 1, &qlen);
	int64_t score = spm_stmt_int64(s, 4);
	spm_date d;
	bool has;
	answer a;
	int rc;

	if ((rc = spm_column_date(s, 2, &d, &has, err)))
		return rc;
	if (!has)
		return spm_error_set(err, SPM_ESTORE,
		                     "the store holds a survey answer without a date");
	if (score < SPM_SURVEY_SCORE_MIN || score > SPM_SURVEY_SCORE_MAX)
		return spm_error_set(err, SPM_ESTORE, "the store holds a bad survey score: %lld",
		                     (long long)score);
	a.score = (int8_t)score;
	if ((rc = period_key(r, d, &a.period, err)))
		return rc;
	if (!(a.team = intern_team(r, spm_stmt_text(s, 3, NULL))))
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	if (!r->q->latest) {
		if (keep_answer(r, &a))
			return spm_error_set(err, SPM_ENOMEM, "out of memory");
		return SPM_OK;
	}

	bool same = r->pending && r->held.period == a.period && r->respondent.len == rlen &&
	            r->question.len == qlen && memcmp(r->respondent.data, respondent, rlen) == 0 &&
	            memcmp(r->question.data, question, qlen) == 0;
	if (!same) {
		if (r->pending && keep_answer(r, &r->held))
			return spm_error_set(err, SPM_ENOMEM, "out of memory");
		spm_buf_clear(&r->respondent);
		spm_buf_clear(&r->question);
		if (spm_buf_append(&r->respondent, respondent, rlen) ||
		    spm_buf_append(&r->question, question, qlen)) {
			r->pending = false;
			return spm_error_set(err, SPM_ENOMEM, "out of memory");
		}
	}
	/* Rows come by date within a respondent and question: this one is the later. */
	r->held = a;
	r->pending = true;
	return SPM_OK;
}

static int answer_cmp(const void *pa, const void *pb)
{
	const answer *a = pa, *b = pb;

	if (a->period != b->period)
		return a->period < b->period ? -1 : 1;
	if (a->team != b->team)
		return strcmp(a->team, b->team);
	return 0;
}

static int call_row(spm_survey_row *row, const char *team, const spm_survey_tally *t,
                    spm_survey_fn fn, void *ctx, spm_error *err)
{
	int rc;

	row->team = team;
	row->tally = *t;
	if ((rc = spm_survey_score(t, &row->score, err)))
		return rc;
	return fn(ctx, row);
}

/* Calls fn for the kept answers, sorted by period and team. */
static int emit_rows(results *r, spm_survey_fn fn, void *ctx, spm_error *err)
{
	const spm_survey_query *q = r->q;
	size_t i = 0;
	int rc;

	if (r->nanswers > 1)
		qsort(r->answers, r->nanswers, sizeof *r->answers, answer_cmp);
	while (i < r->nanswers) {
		spm_survey_row row = {0};
		spm_survey_tally company = {0};
		int32_t key = r->answers[i].period;

		row.first = q->first;
		row.last = q->last;
		if (q->per_period) {
			spm_date first = {key};
			if (spm_period_of(&row.period, first, q->by, &r->fiscal))
				return spm_error_set(err, SPM_ERANGE,
				                     "survey: a period reaches outside the years "
				                     "1 to 9999");
			row.has_period = true;
			if (row.period.first.days > row.first.days)
				row.first = row.period.first;
			if (row.period.last.days < row.last.days)
				row.last = row.period.last;
		}
		while (i < r->nanswers && r->answers[i].period == key) {
			spm_survey_tally team = {0};
			const char *name = r->answers[i].team;
			for (; i < r->nanswers && r->answers[i].period == key &&
			       r->answers[i].team == name;
			     i++) {
				/* Both are bounded by the number of answers: no overflow. */
				(void)spm_survey_tally_add(&team, r->answers[i].score);
				(void)spm_survey_tally_add(&company, r->answers[i].score);
			}
			if ((rc = call_row(&row, name, &team, fn, ctx, err)))
				return rc;
		}
		if (!q->team && (rc = call_row(&row, NULL, &company, fn, ctx, err)))
			return rc;
	}
	return SPM_OK;
}

/* Whether the single-value query sql, with text bound to ?1, returns a row. */
static int exists(spm_store *st, const char *sql, const char *text, bool *found, spm_error *err)
{
	spm_stmt *s = NULL;
	int rc;

	if ((rc = spm_stmt_prepare(st, &s, sql, err)))
		return rc;
	if ((rc = spm_stmt_bind_text(s, 1, text, strlen(text)))) {
		spm_stmt_finalize(s);
		return spm_error_set(err, rc, "survey: a filter cannot be bound");
	}
	rc = spm_stmt_step(s, err);
	spm_stmt_finalize(s);
	if (rc < 0)
		return rc;
	*found = rc == SPM_ROW;
	return SPM_OK;
}

/* Filters that name nothing in the store are mistakes, not empty results. */
static int check_filters(spm_store *st, const spm_survey_query *q, spm_error *err)
{
	char quoted[SPM_QUOTE_BUFSZ];
	bool found;
	int rc;

	if (q->team && *q->team) {
		if ((rc = exists(st, "SELECT 1 FROM reps WHERE team = ?1 LIMIT 1", q->team, &found,
		                 err)))
			return rc;
		if (!found)
			return spm_error_set(
			    err, SPM_EDATA, "no team %s in the store",
			    spm_quote(quoted, sizeof quoted, q->team, strlen(q->team)));
	}
	if (q->question) {
		if ((rc = exists(st, "SELECT 1 FROM survey WHERE question = ?1 LIMIT 1",
		                 q->question, &found, err)))
			return rc;
		if (!found)
			return spm_error_set(
			    err, SPM_EDATA, "no answers to question %s in the store",
			    spm_quote(quoted, sizeof quoted, q->question, strlen(q->question)));
	}
	return SPM_OK;
}

static bool valid_day(spm_date d)
{
	int y, m, dd;
	spm_date back;

	spm_date_to_ymd(d, &y, &m, &dd);
	return spm_date_from_ymd(&back, y, m, dd) == SPM_OK && back.days == d.days;
}

static int check_query(spm_store *st, const spm_survey_query *q, spm_survey_fn fn, spm_error *err)
{
	char a[SPM_DATE_BUFSZ], b[SPM_DATE_BUFSZ];

	if (!st || !q || !fn)
		return spm_error_set(err, SPM_EUSAGE, "survey: no store, query or callback");
	if (!valid_day(q->first) || !valid_day(q->last))
		return spm_error_set(err, SPM_EUSAGE,
		                     "survey: a day outside the years 1 to 9999 was given");
	if (q->first.days > q->last.days) {
		spm_date_format(a, sizeof a, q->first);
		spm_date_format(b, sizeof b, q->last);
		return spm_error_set(err, SPM_EUSAGE,
		                     "survey: first day '%s' is after last day '%s'", a, b);
	}
	if (q->per_period && q->by != SPM_PERIOD_MONTH && q->by != SPM_PERIOD_QUARTER &&
	    q->by != SPM_PERIOD_HALF && q->by != SPM_PERIOD_YEAR)
		return spm_error_set(err, SPM_EUSAGE, "survey: not a kind of period: %d",
		                     (int)q->by);
	return SPM_OK;
}

/*
 * Every answer of the span (and question), with its team; ordered so that a respondent's answers
 * to a question are consecutive and by date, as latest mode needs.
 */
#define ANSWERS_SQL(question)                                                                      \
	"SELECT s.respondent, s.question, s.date, COALESCE(r.team, ''), s.score"                   \
	" FROM survey s LEFT JOIN reps r ON r.rep_id = s.rep_id"                                   \
	" WHERE s.date BETWEEN ?1 AND ?2" question " ORDER BY s.respondent, s.question, s.date"

int spm_survey_results(spm_store *st, const spm_survey_query *q, spm_survey_fn fn, void *ctx,
                       spm_error *err)
{
	results r = {0};
	spm_stmt *s = NULL;
	int rc;

	if ((rc = check_query(st, q, fn, err)) || (rc = check_filters(st, q, err)))
		return rc;
	r.q = q;
	r.fiscal = SPM_FISCAL_CALENDAR;
	if (q->per_period && (rc = spm_store_fiscal(st, &r.fiscal, err)))
		return rc;
	if ((rc = spm_stmt_prepare(
	         st, &s, q->question ? ANSWERS_SQL(" AND s.question = ?3") : ANSWERS_SQL(""), err)))
		return rc;
	if ((rc = spm_bind_date(s, 1, q->first)) || (rc = spm_bind_date(s, 2, q->last)) ||
	    (q->question && (rc = spm_bind_str(s, 3, q->question)))) {
		spm_stmt_finalize(s);
		return spm_error_set(err, rc, "survey: the span or the question cannot be bound");
	}
	while ((rc = spm_stmt_step(s, err)) == SPM_ROW)
		if ((rc = take_answer(&r, s, err)))
			break;
	spm_stmt_finalize(s);
	if (rc == SPM_DONE && r.pending && keep_answer(&r, &r.held))
		rc = spm_error_set(err, SPM_ENOMEM, "out of memory");
	if (rc == SPM_DONE)
		rc = emit_rows(&r, fn, ctx, err);
	results_free(&r);
	return rc;
}
