/*
 * spm-report - what the store says about the people in it: attainment, leaderboards and more
 * (see spm-report(1)). The figures come from the library (attainment.c, scorecard.c, rank.c);
 * this file reads options and writes rows.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "spm/budget.h"
#include "spm/contest.h"
#include "spm/dashboard.h"
#include "spm/html.h"
#include "spm/rank.h"
#include "spm/scorecard.h"
#include "spm/survey.h"

enum {
	OPT_AS_OF = 256,
	OPT_LEVEL,
	OPT_TO_DATE,
	OPT_PACING,
	OPT_METRIC,
	OPT_CURRENCY,
	OPT_TEAM,
	OPT_TERRITORY,
	OPT_MEASURE,
	OPT_TOP,
	OPT_PER,
	OPT_BY,
	OPT_QUESTION,
	OPT_LATEST,
	OPT_SHARE,
	OPT_MOVERS,
	OPT_WITHIN,
	OPT_CATEGORY,
	OPT_TITLE,
};

static const cli_option options[] = {
    {"db", 'd', "PATH", "the store (default: $SPM_DB, else ./spm.db)"},
    {"period", 'p', "PERIOD", "the period: 2026-Q1, 2026-03, 2026, FY2026, ..."},
    {"as-of", OPT_AS_OF, "DATE", "to this day (default: today, within the period)"},
    {"level", OPT_LEVEL, "LIST", "rep, manager, team, territory, company (attainment: all too)"},
    {"to-date", OPT_TO_DATE, "LIST", "attainment: also month, quarter, year to date"},
    {"pacing", OPT_PACING, "HOW", "attainment: linear (default) or seasonal"},
    {"metric", OPT_METRIC, "NAME", "attainment: the quotas' metric (default bookings)"},
    {"measure", OPT_MEASURE, "M", "what ranks or is shown (default bookings)"},
    {"top", OPT_TOP, "N", "leaderboard: the reps ranked N or better (ties kept)"},
    {"per", OPT_PER, "team", "leaderboard: rank within each team"},
    {"by", OPT_BY, "KIND", "trend, activity, survey: a row per month, quarter, half or year"},
    {"share", OPT_SHARE, "PCT", "performers: the top and bottom share (default 25%)"},
    {"movers", OPT_MOVERS, "N", "performers: who improved and declined most (default 5)"},
    {"within", OPT_WITHIN, "GROUP", "peers: team (default), role or company"},
    {"question", OPT_QUESTION, "TEXT", "survey: this question's answers only"},
    {"category", OPT_CATEGORY, "NAME", "budget: the budgets' category (default commission)"},
    {"title", OPT_TITLE, "TEXT", "dashboard: the page's title (default: Sales performance)"},
    {"latest", OPT_LATEST, NULL, "survey: each respondent's last answer only (default: all)"},
    {"currency", OPT_CURRENCY, "CUR", "the currency of amounts (default: the store's base)"},
    {"team", OPT_TEAM, "TEAM", "this team's reps only"},
    {"territory", OPT_TERRITORY, "ID", "the reps of this territory (and below) only"},
    {"rep", 'r', "REP", "this rep only"},
    {"format", 'f', "FMT", "table, csv, tsv, json, jsonl (default: table on a terminal, else csv)"},
    {"output", 'o', "FILE", "write the results to FILE (default: standard output)"},
    {"quiet", 'q', NULL, "no summary on standard error"},
    {"help", 'h', NULL, "show this help and exit"},
    {"version", 'V', NULL, "show the version and exit"},
    {NULL, 0, NULL, NULL},
};

static const char usage[] =
    "[options] attainment|leaderboard|performers|trend|peers|activity|survey|budget|\n"
    "       dashboard|badges --period P\n"
    "       spm-report [options] [--period P] contest FILE";
static const char about[] =
    "Report on the reps of the store (see spm-report(1)).\n"
    "--measure: bookings, deals, attainment, payout, largest, activities, calls, emails,\n"
    "meetings, webinars or demos.\n\n"
    "commands:\n"
    "  attainment   credited bookings against quota per rep and roll-up, to --as-of\n"
    "               (the figures of spm-quota attainment)\n"
    "  leaderboard  reps ranked by a measure: rank (ties share it), percentile, and\n"
    "               their bookings, deals, attainment, payout and activities\n"
    "  performers   the top and bottom --share by a measure, thresholds named, and who\n"
    "               improved and declined most since the period before\n"
    "  trend        a measure over the periods of --by, with growth (and a sparkline)\n"
    "  peers        where each rep stands in the team or company: rank, percentile,\n"
    "               the median and the gap to it\n"
    "  activity     calls, emails, meetings, webinars and demos, with meetings per won\n"
    "               deal and activities per 1,000 of bookings\n"
    "  survey       employee survey answers per team: promoters (9-10), passives (7-8),\n"
    "               detractors (0-6) and the score, % promoters - % detractors\n"
    "  budget       what pay cost per team and period: against revenue (cost of sales)\n"
    "               and against the budget (spm-import budgets)\n"
    "  dashboard    the period as one self-contained HTML page with charts: headline\n"
    "               figures, attainment, bookings against quota, leaderboard, pipeline,\n"
    "               activity and survey\n"
    "  contest FILE the contest a YAML file defines: reps ranked, who qualifies, prizes\n"
    "  badges       streaks at or above quota, first deals, the largest deal of a step";
static const char after[] =
    "'spm-report COMMAND --help' shows one command's options.\n"
    "Exit status: 0 success, 64 usage, 65 bad input data, 70 store error, 74 input/output\n"
    "error, 75 store busy.\n";

static const cli_command_help command_helps[] = {
    {"attainment", "[options] --period P [--as-of DATE] attainment",
     "Per rep and rolled up to managers, teams, territories and the company: credited\n"
     "bookings against quota from the period's first day to the as-of day, with the gap and\n"
     "where they should be by now. The same rows as spm-quota attainment.",
     "db period as-of level to-date pacing metric currency team territory rep format output "
     "quiet"},
    {"leaderboard", "[options] --period P [--measure M] [--top N] [--per team] leaderboard",
     "The period's reps ranked by a measure, best first, to the as-of day. Equal values share\n"
     "a rank and the next rank skips (1, 2, 2, 4); equal values are listed by rep id. A rep\n"
     "without the measure (attainment without a quota, payout without a run) is listed last,\n"
     "unranked. Percentile: the share of the other ranked reps with a lower value.",
     "db period as-of measure top per currency team territory rep format output quiet"},
    {"performers", "[options] --period P [--measure M] [--share PCT] [--movers N] performers",
     "The top and the bottom --share (default 25%) of the period's reps by a measure, the\n"
     "thresholds named (a tie is wholly in or out), then the --movers reps whose measure\n"
     "rose most and fell most since the period before, with the change.",
     "db period as-of measure share movers currency team territory rep format output quiet"},
    {"trend", "[options] --period P [--by KIND] [--measure M] [--level L] trend",
     "A measure per rep (or manager, team, territory, the company) over the periods of --by\n"
     "within --period: a column per period begun by the as-of day, the growth over the\n"
     "period before and over the first, and in a table a sparkline.",
     "db period as-of by measure level currency team territory rep format output quiet"},
    {"peers", "[options] --period P [--measure M] [--within GROUP] peers",
     "Where each rep stands among the reps of their team (or role, or the company): rank among\n"
     "those with the measure, of how many, percentile, the group's median and the gap to\n"
     "it. --rep chooses the row shown, not the peers.",
     "db period as-of measure within currency team territory rep format output quiet"},
    {"activity", "[options] --period P [--by KIND] [--level L] activity",
     "Activities per rep (or group) and period: calls, emails, meetings, webinars, demos\n"
     "and all, beside won deals and bookings; meetings per won deal and activities per\n"
     "1,000 of bookings (empty when there are none).",
     "db period as-of by level currency team territory rep format output quiet"},
    {"survey", "[options] --period P [--by KIND] [--question TEXT] [--latest] survey",
     "Employee survey answers per team and for the company: promoters (9-10), passives\n"
     "(7-8), detractors (0-6) and the score, % promoters - % detractors (-100 to +100). All\n"
     "the answers of the period count (pooled over its surveys) unless --latest.",
     "db period as-of by question latest team format output quiet"},
    {"budget", "[options] --period P [--by KIND] [--category NAME] budget",
     "Per team and for the company, per period of --by: the revenue (credited bookings, a\n"
     "deal once), what the commission runs paying the period paid, the cost of sales (pay\n"
     "over revenue), and the budget: what is left and the share used. The company's budget\n"
     "is its own, else the sum of the teams'.",
     "db period as-of by category currency team format output quiet"},
    {"dashboard", "[options] --period P [--as-of DATE] [--by KIND] [-o FILE] dashboard",
     "The period to the as-of day as one HTML file that needs nothing else (no scripts, no\n"
     "network): headline figures, attainment by rep, bookings against quota per step of\n"
     "--by (default month), the leaderboard, the pipeline by forecast category, activity\n"
     "and the survey score per team. Written only when whole.",
     "db period as-of by title currency output quiet"},
    {"contest", "[options] [--period P] [--as-of DATE] contest FILE",
     "The contest FILE defines (a small YAML file: its measure, rule, period, team, prizes or\n"
     "milestones; see spm-report(1)) over the store: every rep ranked by the measure (ties\n"
     "share a rank), who qualifies, and the prize of each place or milestone, to the cent.\n"
     "--period overrides the file's.",
     "db period as-of format output quiet"},
    {"badges", "[options] --period P [--by KIND] badges",
     "Badges over the steps of --by within the period: a streak of steps at or above quota\n"
     "(two or more, ending with the last step), a rep's first won deal, and the largest deal\n"
     "of each step.",
     "db period as-of by currency team format output quiet"},
};

typedef struct opts {
	const char *db, *period, *as_of, *level, *to_date, *pacing, *metric, *currency;
	const char *team, *territory, *rep, *measure, *top, *per, *format, *output;
	const char *by, *question, *share, *movers, *within, *category, *title;
	bool latest, quiet;
} opts;


/*
 * The period and the day it is read to: --as-of, else today within the period. Opens the store
 * into *st (which the caller closes, also on failure).
 */
static int open_span(const char *command, const opts *o, spm_store **st, spm_period *period,
                     spm_date *to)
{
	int status = cli_open_period(command, o->db, SPM_STORE_READONLY, o->period, st, period);
	return status ? status : cli_period_as_of(o->as_of, period, to);
}

/* ---- leaderboard ---------------------------------------------------------------------------- */

static const spm_column board_cols[] = {
    {"rank", SPM_COL_NUMBER},       {"rep_id", SPM_COL_TEXT},
    {"name", SPM_COL_TEXT},         {"team", SPM_COL_TEXT},
    {"measure", SPM_COL_TEXT},      {"value", SPM_COL_NUMBER},
    {"percentile", SPM_COL_NUMBER}, {"bookings", SPM_COL_NUMBER},
    {"deals", SPM_COL_NUMBER},      {"attainment_pct", SPM_COL_NUMBER},
    {"payout", SPM_COL_NUMBER},     {"activities", SPM_COL_NUMBER},
    {"currency", SPM_COL_TEXT},
};
#define NBOARD (sizeof board_cols / sizeof board_cols[0])

/* A measure's value as printed: money to the cent, attainment in percent, counts whole. */
static void stat_text(char *buf, size_t size, spm_stat m, int64_t key)
{
	switch (spm_stat_unit_of(m)) {
	case SPM_UNIT_MONEY:
		spm_money_format(buf, size, (spm_money){key}, 2);
		break;
	case SPM_UNIT_RATE:
		cli_percent2(buf, size, (spm_rate){key});
		break;
	default:
		snprintf(buf, size, "%lld", (long long)key);
		break;
	}
}

static int board_row(cli_rows *rows, const spm_scorecard *sc, const spm_rank_item *it, spm_stat m)
{
	const spm_scorecard_row *r = &sc->rows[it->index];
	char rank[24], value[SPM_NUM_BUFSZ], pct[32], book[SPM_NUM_BUFSZ], deals[24], att[32];
	char pay[SPM_NUM_BUFSZ], acts[24];
	snprintf(rank, sizeof rank, "%zu", it->rank);
	stat_text(value, sizeof value, m, it->key);
	cli_percent2(pct, sizeof pct, it->percentile);
	spm_money_format(book, sizeof book, r->bookings, 2);
	snprintf(deals, sizeof deals, "%zu", r->deals);
	cli_percent2(att, sizeof att, r->attainment);
	spm_money_format(pay, sizeof pay, r->payout, 2);
	snprintf(acts, sizeof acts, "%lld", (long long)r->activities);
	const char *cells[NBOARD] = {
	    it->has_key ? rank : NULL,
	    r->id,
	    r->name,
	    r->team,
	    spm_stat_name(m),
	    it->has_key ? value : NULL,
	    it->has_key ? pct : NULL,
	    book,
	    deals,
	    r->has_quota ? att : NULL,
	    r->has_payout ? pay : NULL,
	    acts,
	    sc->currency,
	};
	return cli_rows_add(rows, cells);
}

/* The order of teams for --per team: by name, reps without a team last. */
static int team_cmp(const char *a, const char *b)
{
	if (!a || !b)
		return (a == NULL) - (b == NULL);
	return strcmp(a, b);
}

/* A rep by team, for --per team: within a team, in rep id order (the scorecard's). */
typedef struct member {
	const char *team;
	size_t index;
} member;

static int member_cmp(const void *x, const void *y)
{
	const member *a = x, *b = y;
	int c = team_cmp(a->team, b->team);
	return c ? c : (a->index > b->index) - (a->index < b->index);
}

/* Ranks items[0..n-1] and writes the rows ranked `top` or better (all when 0). */
static int board_group(cli_rows *rows, const spm_scorecard *sc, spm_rank_item *items, size_t n,
                       spm_stat m, long top, size_t *written, spm_error *err)
{
	int rc = spm_rank(items, n, false, err);
	for (size_t i = 0; i < n && !rc; i++) {
		if (top && (!items[i].has_key || items[i].rank > (size_t)top))
			break;
		rc = board_row(rows, sc, &items[i], m);
		++*written;
	}
	return rc;
}

static int leaderboard(const opts *o)
{
	spm_scorecard_query q = {
	    .currency = o->currency, .team = o->team, .territory = o->territory, .rep = o->rep};
	spm_scorecard sc = {0};
	spm_store *st = NULL;
	spm_error err = {0};
	spm_rank_item *items = NULL;
	member *members = NULL;
	cli_rows rows;
	long top = 0;
	size_t written = 0;
	int m = SPM_STAT_BOOKINGS, status, rc = SPM_OK;

	if (o->measure && (m = spm_stat_parse(o->measure)) < 0)
		return cli_usage_error("--measure: unknown measure '%s'", o->measure);
	if (o->top && (status = cli_parse_count("top", o->top, 1, 1000000, &top)))
		return status;
	if (o->per && strcmp(o->per, "team") != 0)
		return cli_usage_error("--per: expected team, not '%s'", o->per);
	q.activities = q.payouts = true; /* both are columns of every row */
	if ((status = open_span("leaderboard", o, &st, &q.period, &q.as_of)))
		goto done;
	if ((rc = spm_scorecard_read(st, &q, &sc, &err))) {
		status = cli_library_error(rc, &err);
		goto done;
	}
	if (m == SPM_STAT_PAYOUT && !sc.has_run) {
		char name[SPM_PERIOD_BUFSZ];
		spm_period_format(name, sizeof name, &q.period);
		cli_errorf(
		    "period %s has no commission run: run it first, or rank by another measure",
		    name);
		status = SPM_EXIT_DATA;
		goto done;
	}
	items = calloc(sc.n + 1, sizeof *items);
	members = calloc(sc.n + 1, sizeof *members);
	if (!items || !members) {
		status = cli_library_error(SPM_ENOMEM, &err);
		goto done;
	}
	for (size_t i = 0; i < sc.n; i++)
		members[i] = (member){o->per ? sc.rows[i].team : NULL, i};
	qsort(members, sc.n, sizeof *members, member_cmp);
	for (size_t i = 0; i < sc.n; i++) {
		size_t at = members[i].index;
		items[i].id = sc.rows[at].id;
		items[i].index = at;
		items[i].key = spm_scorecard_key(&sc.rows[at], (spm_stat)m, &items[i].has_key);
	}
	if ((status = cli_rows_begin(&rows, o->format, o->output, board_cols, NBOARD)))
		goto done;
	if (o->per) {
		for (size_t a = 0, b; a < sc.n && !rc; a = b) {
			for (b = a + 1; b < sc.n && team_cmp(members[a].team, members[b].team) == 0;
			     b++)
				;
			rc = board_group(&rows, &sc, items + a, b - a, (spm_stat)m, top, &written,
			                 &err);
		}
	} else {
		rc = board_group(&rows, &sc, items, sc.n, (spm_stat)m, top, &written, &err);
	}
	status = cli_rows_finish(&rows, rc, &err);
	if (!status && !o->quiet) {
		char name[SPM_PERIOD_BUFSZ], day[SPM_DATE_BUFSZ];
		spm_period_format(name, sizeof name, &q.period);
		spm_date_format(day, sizeof day, q.as_of);
		fprintf(stderr, "%s: %zu of %zu rep%s by %s, %s to %s\n", cli_progname(), written,
		        sc.n, cli_plural(sc.n), spm_stat_name((spm_stat)m), name, day);
	}
done:
	free(items);
	free(members);
	spm_scorecard_free(&sc);
	spm_store_close(st);
	return status;
}

/* ---- shared by the reports over several periods ------------------------------------------- */

/* --by: the kind of the sub-periods, finer than the period (or the period itself when absent). */
static int parse_by(const char *text, const spm_period *period, spm_period_kind *kind)
{
	static const char *const kinds[] = {"month", "quarter", "half", "year", NULL};
	int i = 0;
	if (!text) {
		*kind = period->kind;
		return SPM_EXIT_OK;
	}
	while (kinds[i] && strcmp(text, kinds[i]) != 0)
		i++;
	if (!kinds[i])
		return cli_usage_error("--by: expected month, quarter, half or year, not '%s'", text);
	if ((spm_period_kind)i > period->kind) {
		char name[SPM_PERIOD_BUFSZ];
		spm_period_format(name, sizeof name, period);
		return cli_usage_error("--by %s: %s is shorter", text, name);
	}
	*kind = (spm_period_kind)i;
	return SPM_EXIT_OK;
}

/* The sub-periods of kind in period (*n of them, at most 366), allocated; an exit status. */
static int split_period(const spm_period *period, spm_period_kind kind, spm_period **out, size_t *n)
{
	*n = 0;
	if (kind == period->kind) {
		if (!(*out = malloc(sizeof **out)))
			return cli_library_error(SPM_ENOMEM, &(spm_error){0});
		(*out)[0] = *period;
		*n = 1;
		return SPM_EXIT_OK;
	}
	if (!(*out = calloc(12, sizeof **out)))
		return cli_library_error(SPM_ENOMEM, &(spm_error){0});
	if (spm_period_split(period, kind, *out, 12, n)) {
		free(*out);
		*out = NULL;
		return cli_usage_error("--by: cannot split the period");
	}
	return SPM_EXIT_OK;
}

/* --level for the reports of one level: rep (default), manager, team, territory or company. */
static int parse_level(const char *text, spm_level *level)
{
	unsigned bits;
	int status;
	*level = SPM_LEVEL_REP;
	if ((status = cli_parse_levels(text, &bits)))
		return status;
	if (bits & (bits - 1))
		return cli_usage_error("--level: one level, not '%s'", text);
	for (spm_level l = SPM_LEVEL_REP; l <= SPM_LEVEL_COMPANY; l++)
		if (bits == 1u << l)
			*level = l;
	return SPM_EXIT_OK;
}

/* A rate with two decimals, rounded half away from zero: 2.125 is "2.13". */
static void fixed2(char *buf, size_t size, spm_rate r)
{
	int64_t unit = SPM_RATE_ONE / 100, a = r.units < 0 ? -(r.units / 2) * 2 : r.units;
	int64_t hundredths = (a / 2 + unit / 4) / (unit / 2); /* |r| × 100, half up, no overflow */
	snprintf(buf, size, "%s%lld.%02lld", r.units < 0 && hundredths ? "-" : "",
	         (long long)(hundredths / 100), (long long)(hundredths % 100));
}

/* num / den of two values in the same units, as a rate; false when den is zero or it overflows. */
static bool ratio(int64_t num, int64_t den, spm_rate *out)
{
	return den != 0 &&
	       spm_rate_ratio(out, (spm_money){num}, (spm_money){den}, SPM_ROUND_HALF_UP) == SPM_OK;
}

/* The growth from a to b, (b - a) / |a|, as a percentage with two decimals; "" when a is 0. */
static void growth_text(char *buf, size_t size, int64_t a, int64_t b)
{
	spm_rate g;
	int64_t d;
	buf[0] = '\0';
	if (a != 0 && !__builtin_sub_overflow(b, a, &d) && a != INT64_MIN &&
	    ratio(d, a < 0 ? -a : a, &g))
		cli_percent2(buf, size, g);
}

/* Reads the scorecard of one period; an exit status. */
static int read_card(spm_store *st, spm_scorecard_query *q, const spm_period *p,
                     spm_scorecard *sc)
{
	spm_error err = {0};
	spm_date as_of = q->as_of;
	q->period = *p;
	if (q->as_of.days > p->last.days)
		q->as_of = p->last;
	int rc = spm_scorecard_read(st, q, sc, &err);
	q->as_of = as_of;
	return rc ? cli_library_error(rc, &err) : SPM_EXIT_OK;
}

static int parse_measure(const opts *o, spm_stat *m)
{
	int i = o->measure ? spm_stat_parse(o->measure) : SPM_STAT_BOOKINGS;
	if (i < 0)
		return cli_usage_error("--measure: unknown measure '%s'", o->measure);
	*m = (spm_stat)i;
	return SPM_EXIT_OK;
}

static void summary(const opts *o, const char *what, size_t n, const spm_period *p, spm_date to)
{
	char name[SPM_PERIOD_BUFSZ], day[SPM_DATE_BUFSZ];
	if (o->quiet)
		return;
	spm_period_format(name, sizeof name, p);
	spm_date_format(day, sizeof day, to);
	fprintf(stderr, "%s: %zu %s%s, %s to %s\n", cli_progname(), n, what, cli_plural(n), name,
	        day);
}

/* ---- trend ---------------------------------------------------------------------------------- */

static int id_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	return !x || !y ? (y == NULL) - (x == NULL) : strcmp(x, y);
}

/* One row of the trend: id's value in each of the n periods, its growth, and a sparkline. */
static int trend_row(cli_rows *rows, const spm_scorecard_query *q, const spm_scorecard *cards,
                     size_t n, const char *id, spm_stat m, bool table, size_t nc)
{
	const char **cells = calloc(nc, sizeof *cells);
	char(*text)[SPM_NUM_BUFSZ] = calloc(n + 3, sizeof *text);
	double *v = calloc(n + 1, sizeof *v);
	const char *name = NULL;
	int64_t first = 0, prev = 0, now = 0;
	bool has_first = false, has_prev = false, has_now = false;
	size_t c = 4;
	int rc = SPM_ENOMEM;
	if (!cells || !text || !v)
		goto done;
	for (size_t p = 0; p < n; p++) {
		const spm_scorecard_row *at = spm_scorecard_find(&cards[p], id);
		bool has = false;
		int64_t key = at ? spm_scorecard_key(at, m, &has) : 0;
		if (at && at->name)
			name = at->name;
		v[p] = has ? (double)key : NAN; /* the sparkline's heights only, never a figure */
		if (has) {
			stat_text(text[p], sizeof text[p], m, key);
			if (!has_first)
				first = key, has_first = true;
		}
		has_prev = has_now, prev = now;
		has_now = has, now = key;
		cells[c++] = has ? text[p] : NULL;
	}
	cells[0] = spm_level_name(q->level);
	cells[1] = id;
	cells[2] = name;
	cells[3] = spm_stat_name(m);
	if (has_prev && has_now)
		growth_text(text[n], sizeof text[n], prev, now);
	if (has_first && has_now && n > 1)
		growth_text(text[n + 1], sizeof text[n + 1], first, now);
	cells[c++] = text[n][0] ? text[n] : NULL;
	cells[c++] = text[n + 1][0] ? text[n + 1] : NULL;
	if (table) {
		spm_sparkline(text[n + 2], sizeof text[n + 2], v, n);
		cells[c++] = text[n + 2];
	}
	rc = cli_rows_add(rows, cells);
done:
	free(cells);
	free(text);
	free(v);
	return rc;
}

/*
 * A measure over consecutive periods: a row per rep (or group) with a column per period, the
 * growth over the previous period and over the first, and in a table a sparkline.
 */
static int trend(const opts *o)
{
	spm_scorecard_query q = {.currency = o->currency,
	                         .team = o->team,
	                         .territory = o->territory,
	                         .rep = o->rep,
	                         .activities = true,
	                         .payouts = true};
	spm_period period, *parts = NULL;
	spm_period_kind kind;
	spm_scorecard *cards = NULL;
	spm_store *st = NULL;
	spm_column *cols = NULL;
	char (*names)[SPM_PERIOD_BUFSZ] = NULL;
	size_t n = 0, lines = 0;
	spm_stat m;
	int status;
	bool table = o->format ? strcmp(o->format, "table") == 0 : isatty(STDOUT_FILENO) && !o->output;

	if ((status = parse_measure(o, &m)) || (status = parse_level(o->level, &q.level)) ||
	    (status = open_span("trend", o, &st, &period, &q.as_of)) ||
	    (status = parse_by(o->by, &period, &kind)) ||
	    (status = split_period(&period, kind, &parts, &n)))
		goto done;
	cards = calloc(n, sizeof *cards);
	names = calloc(n, sizeof *names);
	cols = calloc(n + 7, sizeof *cols);
	if (!cards || !names || !cols) {
		status = cli_library_error(SPM_ENOMEM, &(spm_error){0});
		goto done;
	}
	size_t upto = 0; /* the periods begun by the as-of day */
	for (; upto < n && parts[upto].first.days <= q.as_of.days && !status; upto++)
		status = read_card(st, &q, &parts[upto], &cards[upto]);
	if (status)
		goto done;
	size_t nc = 0;
	cols[nc++] = (spm_column){"level", SPM_COL_TEXT};
	cols[nc++] = (spm_column){"id", SPM_COL_TEXT};
	cols[nc++] = (spm_column){"name", SPM_COL_TEXT};
	cols[nc++] = (spm_column){"measure", SPM_COL_TEXT};
	for (size_t k = 0; k < upto; k++) {
		spm_period_format(names[k], sizeof names[k], &parts[k]);
		cols[nc++] = (spm_column){names[k], SPM_COL_NUMBER};
	}
	cols[nc++] = (spm_column){"growth_pct", SPM_COL_NUMBER};
	cols[nc++] = (spm_column){"total_growth_pct", SPM_COL_NUMBER};
	if (table)
		cols[nc++] = (spm_column){"trend", SPM_COL_TEXT};
	cli_rows rows;
	if ((status = cli_rows_begin(&rows, o->format, o->output, cols, nc)))
		goto done;
	/* every id of any period, each once, in byte order (the company, without one, first) */
	const char **ids = NULL;
	size_t nids = 0, total = 0;
	int rc = SPM_OK;
	for (size_t k = 0; k < upto; k++)
		total += cards[k].n;
	if (!(ids = calloc(total + 1, sizeof *ids)))
		rc = SPM_ENOMEM;
	for (size_t k = 0; k < upto && !rc; k++)
		for (size_t i = 0; i < cards[k].n; i++)
			ids[nids++] = cards[k].rows[i].id;
	if (!rc)
		qsort(ids, nids, sizeof *ids, id_cmp);
	for (size_t i = 0; i < nids && !rc; i++) {
		if (i > 0 && id_cmp(&ids[i - 1], &ids[i]) == 0)
			continue;
		rc = trend_row(&rows, &q, cards, upto, ids[i], m, table, nc);
		lines++;
	}
	free(ids);
	status = cli_rows_end(&rows, rc == SPM_OK);
	if (rc && !status)
		status = cli_library_error(rc, &(spm_error){0});
	if (!status)
		summary(o, "row", lines, &period, q.as_of);
done:
	for (size_t k = 0; cards && k < n; k++)
		spm_scorecard_free(&cards[k]);
	free(cards);
	free(names);
	free(cols);
	free(parts);
	spm_store_close(st);
	return status;
}

/* ---- performers and peers ------------------------------------------------------------------- */

/* The scorecard's rows as rank items of measure m, ranked; an exit status. */
static int rank_card(const spm_scorecard *sc, spm_stat m, spm_rank_item **out)
{
	spm_error err = {0};
	spm_rank_item *items = calloc(sc->n + 1, sizeof *items);
	if (!items)
		return cli_library_error(SPM_ENOMEM, &err);
	for (size_t i = 0; i < sc->n; i++) {
		items[i].id = sc->rows[i].id ? sc->rows[i].id : "";
		items[i].index = i;
		items[i].key = spm_scorecard_key(&sc->rows[i], m, &items[i].has_key);
	}
	int rc = spm_rank(items, sc->n, false, &err);
	if (rc) {
		free(items);
		return cli_library_error(rc, &err);
	}
	*out = items;
	return SPM_EXIT_OK;
}

static const spm_column perf_cols[] = {
    {"group", SPM_COL_TEXT},      {"rank", SPM_COL_NUMBER},       {"id", SPM_COL_TEXT},
    {"name", SPM_COL_TEXT},       {"team", SPM_COL_TEXT},         {"measure", SPM_COL_TEXT},
    {"value", SPM_COL_NUMBER},    {"percentile", SPM_COL_NUMBER}, {"previous", SPM_COL_NUMBER},
    {"change", SPM_COL_NUMBER},   {"threshold", SPM_COL_TEXT},
};
#define NPERF (sizeof perf_cols / sizeof perf_cols[0])

typedef struct perf_out {
	cli_rows rows;
	const spm_scorecard *now, *before;
	spm_stat m;
	size_t lines;
} perf_out;

/* One performer row: the rep's value now, and before when it had one. */
static int perf_row(perf_out *po, const char *group, size_t rank, const spm_rank_item *it,
                    const char *threshold, bool with_change, int64_t change)
{
	const spm_scorecard_row *r = &po->now->rows[it->index];
	const spm_scorecard_row *b = spm_scorecard_find(po->before, r->id);
	char rk[24], value[SPM_NUM_BUFSZ], pct[32], prev[SPM_NUM_BUFSZ], chg[SPM_NUM_BUFSZ];
	bool had = false;
	int64_t before = b ? spm_scorecard_key(b, po->m, &had) : 0;
	snprintf(rk, sizeof rk, "%zu", rank);
	stat_text(value, sizeof value, po->m, it->key);
	cli_percent2(pct, sizeof pct, it->percentile);
	stat_text(prev, sizeof prev, po->m, before);
	stat_text(chg, sizeof chg, po->m, change);
	const char *cells[NPERF] = {group,
	                            rank ? rk : NULL,
	                            r->id,
	                            r->name,
	                            r->team,
	                            spm_stat_name(po->m),
	                            it->has_key ? value : NULL,
	                            it->has_key ? pct : NULL,
	                            had ? prev : NULL,
	                            with_change ? chg : NULL,
	                            threshold};
	po->lines++;
	return cli_rows_add(&po->rows, cells);
}

/* The threshold of a cut as words: "percentile >= 75.00 (bookings >= 12000.00)". */
static void cut_text(char *buf, size_t size, const spm_rank_cutoff *cut, spm_stat m)
{
	char bound[32], edge[SPM_NUM_BUFSZ];
	const char *op = cut->end == SPM_RANK_TOP ? ">=" : "<=";
	cli_percent2(bound, sizeof bound, cut->bound);
	if (!cut->has_edge) {
		snprintf(buf, size, "percentile %s %s (nobody)", op, bound);
		return;
	}
	stat_text(edge, sizeof edge, m, cut->edge_key);
	snprintf(buf, size, "percentile %s %s (%s %s %s)", op, bound, spm_stat_name(m), op, edge);
}

/* A rep's change since the previous period, for the movers. */
typedef struct mover {
	size_t item; /* into the ranked items of now */
	int64_t change;
} mover;

/* The largest rise first; equal changes in rank order. */
static int rise_cmp(const void *a, const void *b)
{
	const mover *x = a, *y = b;
	int c = (x->change < y->change) - (x->change > y->change);
	return c ? c : (x->item > y->item) - (x->item < y->item);
}

/* The largest fall first; equal changes in rank order. */
static int fall_cmp(const void *a, const void *b)
{
	const mover *x = a, *y = b;
	int c = (x->change > y->change) - (x->change < y->change);
	return c ? c : (x->item > y->item) - (x->item < y->item);
}

/*
 * The top and bottom --share of the period's reps by a measure, with the thresholds named; then
 * the --movers reps who improved most and declined most since the period before.
 */
static int performers(const opts *o)
{
	spm_scorecard_query q = {.currency = o->currency,
	                         .team = o->team,
	                         .territory = o->territory,
	                         .rep = o->rep,
	                         .activities = true,
	                         .payouts = true};
	spm_scorecard now = {0}, before = {0};
	spm_rank_item *items = NULL;
	mover *movers = NULL;
	spm_store *st = NULL;
	spm_period period, prior;
	spm_rate share = {SPM_RATE_ONE / 4};
	spm_error err = {0};
	long nmovers = 5;
	spm_stat m;
	int status, rc = SPM_OK;
	perf_out po = {0};

	if ((status = parse_measure(o, &m)) ||
	    (o->movers && (status = cli_parse_count("movers", o->movers, 0, 1000000, &nmovers))))
		return status;
	if (o->share && (spm_rate_parse(&share, o->share, strlen(o->share), SPM_NUM_PERCENT, &err) ||
	                 share.units <= 0 || share.units > SPM_RATE_ONE / 2))
		return cli_usage_error("--share: expected a share above 0%% and at most 50%%, not '%s'",
		                       o->share);
	if ((status = open_span("performers", o, &st, &period, &q.as_of)) ||
	    (status = read_card(st, &q, &period, &now)))
		goto done;
	if (spm_period_shift(&prior, &period, -1) == SPM_OK &&
	    (status = read_card(st, &q, &prior, &before)))
		goto done;
	if ((status = rank_card(&now, m, &items)))
		goto done;
	po.now = &now;
	po.before = &before;
	po.m = m;
	if ((status = cli_rows_begin(&po.rows, o->format, o->output, perf_cols, NPERF)))
		goto done;
	for (int end = SPM_RANK_TOP; end <= SPM_RANK_BOTTOM && !rc; end++) {
		spm_rank_cutoff cut;
		char threshold[128];
		if ((rc = spm_rank_cut(items, now.n, (spm_rank_end)end, share, &cut, &err)))
			break;
		cut_text(threshold, sizeof threshold, &cut, m);
		/* the top best first; the bottom worst first */
		for (size_t k = 0; k < now.n && !rc; k++) {
			size_t i = end == SPM_RANK_TOP ? k : now.n - 1 - k;
			if (spm_rank_cut_holds(&cut, &items[i]))
				rc = perf_row(&po, end == SPM_RANK_TOP ? "top" : "bottom", items[i].rank,
				              &items[i], threshold, false, 0);
		}
	}
	/* movers: the reps with a value now and before, by the change */
	size_t nm = 0;
	if (!rc && !(movers = calloc(now.n + 1, sizeof *movers)))
		rc = SPM_ENOMEM;
	for (size_t i = 0; i < now.n && !rc; i++) {
		const spm_scorecard_row *b =
		    spm_scorecard_find(&before, now.rows[items[i].index].id);
		bool had = false;
		int64_t was = b ? spm_scorecard_key(b, m, &had) : 0;
		if (items[i].has_key && had && !__builtin_sub_overflow(items[i].key, was,
		                                                         &movers[nm].change))
			movers[nm++].item = i;
	}
	if (nm)
		qsort(movers, nm, sizeof *movers, rise_cmp);
	for (size_t k = 0; k < nm && k < (size_t)nmovers && movers[k].change > 0 && !rc; k++)
		rc = perf_row(&po, "improved", k + 1, &items[movers[k].item], NULL, true,
		              movers[k].change);
	if (nm)
		qsort(movers, nm, sizeof *movers, fall_cmp);
	for (size_t k = 0; k < nm && k < (size_t)nmovers && movers[k].change < 0 && !rc; k++)
		rc = perf_row(&po, "declined", k + 1, &items[movers[k].item], NULL, true,
		              movers[k].change);
	status = cli_rows_finish(&po.rows, rc, &err);
	if (!status)
		summary(o, "row", po.lines, &period, q.as_of);
done:
	free(items);
	free(movers);
	spm_scorecard_free(&now);
	spm_scorecard_free(&before);
	spm_store_close(st);
	return status;
}

static const spm_column peer_cols[] = {
    {"id", SPM_COL_TEXT},           {"name", SPM_COL_TEXT},      {"team", SPM_COL_TEXT},
    {"role", SPM_COL_TEXT},         {"within", SPM_COL_TEXT},    {"group", SPM_COL_TEXT},
    {"measure", SPM_COL_TEXT},      {"value", SPM_COL_NUMBER},
    {"rank", SPM_COL_NUMBER},       {"of", SPM_COL_NUMBER},      {"percentile", SPM_COL_NUMBER},
    {"median", SPM_COL_NUMBER},     {"gap_to_median", SPM_COL_NUMBER},
};
#define NPEER (sizeof peer_cols / sizeof peer_cols[0])

/*
 * Where each rep stands within the team (or the role, or the company): rank among the reps with
 * the measure, percentile, the group's median and the gap to it. --rep chooses the row, never the
 * peers.
 */
static int peers(const opts *o)
{
	spm_scorecard_query q = {.currency = o->currency,
	                         .team = o->team,
	                         .territory = o->territory,
	                         .activities = true,
	                         .payouts = true};
	spm_scorecard sc = {0};
	spm_rank_item *items = NULL;
	member *members = NULL;
	spm_store *st = NULL;
	spm_period period;
	spm_error err = {0};
	cli_rows rows;
	size_t lines = 0;
	spm_stat m;
	int status, rc = SPM_OK;
	const char *within = o->within ? o->within : "team";

	if ((status = parse_measure(o, &m)))
		return status;
	if (strcmp(within, "team") != 0 && strcmp(within, "role") != 0 &&
	    strcmp(within, "company") != 0)
		return cli_usage_error("--within: expected team, role or company, not '%s'", within);
	if ((status = open_span("peers", o, &st, &period, &q.as_of)) ||
	    (status = read_card(st, &q, &period, &sc)))
		goto done;
	if (o->rep && !spm_scorecard_find(&sc, o->rep)) {
		cli_errorf("rep '%s' is not among the reps of the period", o->rep);
		status = SPM_EXIT_DATA;
		goto done;
	}
	items = calloc(sc.n + 1, sizeof *items);
	members = calloc(sc.n + 1, sizeof *members);
	if (!items || !members) {
		status = cli_library_error(SPM_ENOMEM, &err);
		goto done;
	}
	for (size_t i = 0; i < sc.n; i++)
		members[i] = (member){within[0] == 't' ? sc.rows[i].team
		                      : within[0] == 'r' ? sc.rows[i].role
		                                         : NULL,
		                      i};
	qsort(members, sc.n, sizeof *members, member_cmp);
	for (size_t i = 0; i < sc.n; i++) {
		items[i].id = sc.rows[members[i].index].id;
		items[i].index = members[i].index;
		items[i].key = spm_scorecard_key(&sc.rows[members[i].index], m, &items[i].has_key);
	}
	if ((status = cli_rows_begin(&rows, o->format, o->output, peer_cols, NPEER)))
		goto done;
	for (size_t a = 0, b; a < sc.n && !rc; a = b) {
		for (b = a + 1; b < sc.n && team_cmp(members[a].team, members[b].team) == 0; b++)
			;
		int64_t median = 0;
		bool has_median = false;
		size_t ranked = 0;
		if ((rc = spm_rank(items + a, b - a, false, &err)) ||
		    (rc = spm_rank_median(items + a, b - a, &median, &has_median, &err)))
			break;
		for (size_t i = a; i < b; i++)
			ranked += items[i].has_key;
		for (size_t i = a; i < b && !rc; i++) {
			const spm_rank_item *it = &items[i];
			const spm_scorecard_row *r = &sc.rows[it->index];
			char value[SPM_NUM_BUFSZ], rk[24], of[24], pct[32], med[SPM_NUM_BUFSZ],
			    gap[SPM_NUM_BUFSZ];
			int64_t d = 0;
			bool has_gap = it->has_key && has_median &&
			               !__builtin_sub_overflow(it->key, median, &d);
			if (o->rep && strcmp(o->rep, r->id) != 0)
				continue;
			stat_text(value, sizeof value, m, it->key);
			snprintf(rk, sizeof rk, "%zu", it->rank);
			snprintf(of, sizeof of, "%zu", ranked);
			cli_percent2(pct, sizeof pct, it->percentile);
			stat_text(med, sizeof med, m, median);
			stat_text(gap, sizeof gap, m, d);
			const char *cells[NPEER] = {r->id,
			                            r->name,
			                            r->team,
			                            r->role,
			                            within,
			                            members[a].team,
			                            spm_stat_name(m),
			                            it->has_key ? value : NULL,
			                            it->has_key ? rk : NULL,
			                            of,
			                            it->has_key ? pct : NULL,
			                            has_median ? med : NULL,
			                            has_gap ? gap : NULL};
			rc = cli_rows_add(&rows, cells);
			lines++;
		}
	}
	status = cli_rows_finish(&rows, rc, &err);
	if (!status)
		summary(o, "rep", lines, &period, q.as_of);
done:
	free(items);
	free(members);
	spm_scorecard_free(&sc);
	spm_store_close(st);
	return status;
}

/* ---- activity ------------------------------------------------------------------------------- */

static const spm_column act_cols[] = {
    {"level", SPM_COL_TEXT},         {"id", SPM_COL_TEXT},
    {"name", SPM_COL_TEXT},          {"period", SPM_COL_TEXT},
    {"calls", SPM_COL_NUMBER},       {"emails", SPM_COL_NUMBER},
    {"meetings", SPM_COL_NUMBER},    {"webinars", SPM_COL_NUMBER},
    {"demos", SPM_COL_NUMBER},       {"activities", SPM_COL_NUMBER},
    {"won_deals", SPM_COL_NUMBER},   {"bookings", SPM_COL_NUMBER},
    {"meetings_per_won_deal", SPM_COL_NUMBER},
    {"activities_per_1000", SPM_COL_NUMBER},
    {"currency", SPM_COL_TEXT},
};
#define NACT (sizeof act_cols / sizeof act_cols[0])

static int activity_row(cli_rows *rows, spm_level level, const char *period,
                        const spm_scorecard *sc, const spm_scorecard_row *r)
{
	char n[SPM_SCORECARD_KINDS + 2][24], book[SPM_NUM_BUFSZ], per_deal[32], per_k[32];
	spm_rate x;
	int64_t scaled;
	for (int k = 0; k < SPM_SCORECARD_KINDS; k++)
		snprintf(n[k], sizeof n[k], "%lld", (long long)r->activity[k]);
	snprintf(n[SPM_SCORECARD_KINDS], sizeof n[0], "%lld", (long long)r->activities);
	snprintf(n[SPM_SCORECARD_KINDS + 1], sizeof n[0], "%zu", r->deals);
	spm_money_format(book, sizeof book, r->bookings, 2);
	/* meetings (index 2) per won deal; activities per 1,000 of bookings (money has 4 decimals) */
	bool has_per_deal = ratio(r->activity[2], (int64_t)r->deals, &x);
	if (has_per_deal)
		fixed2(per_deal, sizeof per_deal, x);
	bool has_per_k = r->bookings.units > 0 &&
	                 !__builtin_mul_overflow(r->activities, INT64_C(1000) * SPM_MONEY_ONE, &scaled) &&
	                 ratio(scaled, r->bookings.units, &x);
	if (has_per_k)
		fixed2(per_k, sizeof per_k, x);
	const char *cells[NACT] = {spm_level_name(level), r->id, r->name, period,
	                           n[0], n[1], n[2], n[3], n[4], n[5], n[6], book,
	                           has_per_deal ? per_deal : NULL, has_per_k ? per_k : NULL,
	                           sc->currency};
	return cli_rows_add(rows, cells);
}

/*
 * Calls, emails, meetings, webinars and demos per rep (or group) and period, beside the won deals
 * and bookings they led to, with meetings per won deal and activities per 1,000 of bookings.
 */
static int activity(const opts *o)
{
	spm_scorecard_query q = {.currency = o->currency,
	                         .team = o->team,
	                         .territory = o->territory,
	                         .rep = o->rep,
	                         .activities = true};
	spm_period period, *parts = NULL;
	spm_period_kind kind;
	spm_store *st = NULL;
	cli_rows rows;
	size_t n = 0, lines = 0;
	int status, rc = SPM_OK;

	if ((status = parse_level(o->level, &q.level)) ||
	    (status = open_span("activity", o, &st, &period, &q.as_of)) ||
	    (status = parse_by(o->by, &period, &kind)) ||
	    (status = split_period(&period, kind, &parts, &n)) ||
	    (status = cli_rows_begin(&rows, o->format, o->output, act_cols, NACT)))
		goto done;
	for (size_t k = 0; k < n && parts[k].first.days <= q.as_of.days && !rc && !status; k++) {
		spm_scorecard sc = {0};
		char name[SPM_PERIOD_BUFSZ];
		spm_period_format(name, sizeof name, &parts[k]);
		if ((status = read_card(st, &q, &parts[k], &sc)))
			break;
		for (size_t i = 0; i < sc.n && !rc; i++, lines++)
			rc = activity_row(&rows, q.level, name, &sc, &sc.rows[i]);
		spm_scorecard_free(&sc);
	}
	if (rc && !status)
		status = cli_library_error(rc, &(spm_error){0});
	int end = cli_rows_end(&rows, !status);
	if (!status)
		status = end;
	if (!status)
		summary(o, "row", lines, &period, q.as_of);
done:
	free(parts);
	spm_store_close(st);
	return status;
}

/* ---- survey --------------------------------------------------------------------------------- */

static const spm_column survey_cols[] = {
    {"level", SPM_COL_TEXT},          {"team", SPM_COL_TEXT},
    {"period", SPM_COL_TEXT},         {"from", SPM_COL_TEXT},
    {"to", SPM_COL_TEXT},             {"answers", SPM_COL_NUMBER},
    {"promoters", SPM_COL_NUMBER},    {"passives", SPM_COL_NUMBER},
    {"detractors", SPM_COL_NUMBER},   {"promoters_pct", SPM_COL_NUMBER},
    {"detractors_pct", SPM_COL_NUMBER}, {"score", SPM_COL_NUMBER},
};
#define NSURVEY (sizeof survey_cols / sizeof survey_cols[0])

typedef struct survey_out {
	cli_rows rows;
	const char *period; /* without --by: the period's name */
	size_t lines;
	spm_error *err;
} survey_out;

/* part / whole as a percentage with one decimal, rounded half away from zero. */
static void share_text(char *buf, size_t size, int64_t part, int64_t whole)
{
	spm_rate r = {0};
	ratio(part, whole, &r);
	spm_rate tenths = {(r.units * 1000 + (r.units >= 0 ? SPM_RATE_ONE / 2 : -SPM_RATE_ONE / 2)) /
	                   SPM_RATE_ONE};
	snprintf(buf, size, "%lld.%lld", (long long)(tenths.units / 10),
	         (long long)(tenths.units % 10));
}

static int survey_row(void *ctx, const spm_survey_row *r)
{
	survey_out *so = ctx;
	char period[SPM_PERIOD_BUFSZ], from[SPM_DATE_BUFSZ], to[SPM_DATE_BUFSZ], num[4][24];
	char pp[32], dp[32], score[SPM_NUM_BUFSZ];
	int rc;
	if (r->has_period)
		spm_period_format(period, sizeof period, &r->period);
	spm_date_format(from, sizeof from, r->first);
	spm_date_format(to, sizeof to, r->last);
	snprintf(num[0], sizeof num[0], "%lld", (long long)r->tally.answers);
	snprintf(num[1], sizeof num[1], "%lld", (long long)r->tally.promoters);
	snprintf(num[2], sizeof num[2], "%lld", (long long)r->tally.passives);
	snprintf(num[3], sizeof num[3], "%lld", (long long)r->tally.detractors);
	share_text(pp, sizeof pp, r->tally.promoters, r->tally.answers);
	share_text(dp, sizeof dp, r->tally.detractors, r->tally.answers);
	if ((rc = spm_survey_score_format(score, sizeof score, &r->tally, 1, so->err)))
		return rc;
	const char *cells[NSURVEY] = {r->team ? "team" : "company",
	                              r->team,
	                              r->has_period ? period : so->period,
	                              from,
	                              to,
	                              num[0],
	                              num[1],
	                              num[2],
	                              num[3],
	                              pp,
	                              dp,
	                              score};
	so->lines++;
	return cli_rows_add(&so->rows, cells);
}

/*
 * Employee survey answers per team and period: promoters (9-10), passives (7-8) and detractors
 * (0-6), and the score, % promoters - % detractors. Every answer of the period counts (pooled),
 * or with --latest each respondent's last answer to each question.
 */
static int survey(const opts *o)
{
	spm_survey_query q = {.question = o->question, .team = o->team, .latest = o->latest};
	spm_store *st = NULL;
	spm_period period;
	spm_date to;
	spm_error err = {0};
	char name[SPM_PERIOD_BUFSZ];
	survey_out so = {.period = name, .err = &err};
	int status;

	if ((status = open_span("survey", o, &st, &period, &to)) ||
	    (status = parse_by(o->by, &period, &q.by)))
		goto done;
	spm_period_format(name, sizeof name, &period);
	q.first = period.first;
	q.last = to;
	q.per_period = o->by != NULL;
	if ((status = cli_rows_begin(&so.rows, o->format, o->output, survey_cols, NSURVEY)))
		goto done;
	int rc = spm_survey_results(st, &q, survey_row, &so, &err);
	status = cli_rows_finish(&so.rows, rc, &err);
	if (!status)
		summary(o, "row", so.lines, &period, to);
done:
	spm_store_close(st);
	return status;
}

/* ---- budget --------------------------------------------------------------------------------- */

static const spm_column budget_cols[] = {
    {"level", SPM_COL_TEXT},          {"team", SPM_COL_TEXT},
    {"period", SPM_COL_TEXT},         {"revenue", SPM_COL_NUMBER},
    {"payout", SPM_COL_NUMBER},       {"cost_of_sales_pct", SPM_COL_NUMBER},
    {"budget", SPM_COL_NUMBER},       {"budget_source", SPM_COL_TEXT},
    {"remaining", SPM_COL_NUMBER},    {"used_pct", SPM_COL_NUMBER},
    {"currency", SPM_COL_TEXT},
};
#define NBUDGET (sizeof budget_cols / sizeof budget_cols[0])

/* A period's budgets by team ("" the company's own), gathered. */
typedef struct budget_list {
	char **teams;
	spm_money *amounts;
	size_t n, cap;
} budget_list;

static int budget_add(void *ctx, const spm_budget_row *r)
{
	budget_list *l = ctx;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		char **t = realloc(l->teams, cap * sizeof *t);
		if (t)
			l->teams = t;
		spm_money *a = t ? realloc(l->amounts, cap * sizeof *a) : NULL;
		if (!a)
			return SPM_ENOMEM;
		l->amounts = a;
		l->cap = cap;
	}
	if (!(l->teams[l->n] = strdup(r->team)))
		return SPM_ENOMEM;
	l->amounts[l->n++] = r->amount;
	return SPM_OK;
}

static void budget_clear(budget_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->teams[i]);
	l->n = 0;
}

/* The budget of team ("" the company's own), or NULL. */
static const spm_money *budget_of(const budget_list *l, const char *team)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->teams[i], team) == 0)
			return &l->amounts[i];
	return NULL;
}

/* One row: what was paid against what was booked and what was budgeted. */
static int budget_row(cli_rows *rows, const char *period, const spm_scorecard *sc,
                      const spm_scorecard_row *r, const spm_money *budget, const char *source)
{
	char rev[SPM_NUM_BUFSZ], pay[SPM_NUM_BUFSZ], cos[32], bud[SPM_NUM_BUFSZ], rem[SPM_NUM_BUFSZ],
	    used[32];
	spm_money left = {0};
	spm_rate x;
	spm_money_format(rev, sizeof rev, r->bookings, 2);
	spm_money_format(pay, sizeof pay, r->payout, 2);
	bool paid = sc->has_run; /* a run pays the period: a team it paid nothing has 0 */
	bool has_cos = paid && r->bookings.units > 0 && ratio(r->payout.units, r->bookings.units, &x);
	if (has_cos)
		cli_percent2(cos, sizeof cos, x);
	bool has_left = paid && budget && !spm_money_sub(&left, *budget, r->payout);
	bool has_used = paid && budget && budget->units > 0 &&
	                ratio(r->payout.units, budget->units, &x);
	if (budget)
		spm_money_format(bud, sizeof bud, *budget, 2);
	if (has_left)
		spm_money_format(rem, sizeof rem, left, 2);
	if (has_used)
		cli_percent2(used, sizeof used, x);
	const char *cells[NBUDGET] = {r->id ? "team" : "company",
	                              r->id,
	                              period,
	                              rev,
	                              paid ? pay : NULL,
	                              has_cos ? cos : NULL,
	                              budget ? bud : NULL,
	                              budget ? source : NULL,
	                              has_left ? rem : NULL,
	                              has_used ? used : NULL,
	                              sc->currency};
	return cli_rows_add(rows, cells);
}

/* One period's rows: each team's, then the company's. */
static int budget_period(cli_rows *rows, spm_store *st, spm_scorecard_query *q,
                         const spm_period *p, const char *category, size_t *lines)
{
	spm_scorecard teams = {0}, company = {0};
	budget_list l = {0};
	spm_error err = {0};
	char name[SPM_PERIOD_BUFSZ];
	spm_budget_query bq = {.period = *p, .category = category, .currency = q->currency};
	int status, rc = SPM_OK;
	spm_period_format(name, sizeof name, p);
	q->level = SPM_LEVEL_TEAM;
	if ((status = read_card(st, q, p, &teams)))
		goto done;
	q->level = SPM_LEVEL_COMPANY;
	if (!q->team && (status = read_card(st, q, p, &company)))
		goto done;
	if ((rc = spm_budgets(st, &bq, budget_add, &l, &err))) {
		status = cli_library_error(rc, &err);
		goto done;
	}
	spm_money sum = {0};
	bool any = false;
	for (size_t i = 0; i < teams.n && !rc; i++) {
		const spm_money *b = budget_of(&l, teams.rows[i].id);
		if (b) {
			any = true;
			if (spm_money_add(&sum, sum, *b))
				rc = spm_error_set(&err, SPM_ERANGE, "the teams' budgets out of range");
		}
		if (!rc)
			rc = budget_row(rows, name, &teams, &teams.rows[i], b, "set");
		++*lines;
	}
	/* the company: its own budget, else the sum of the teams' */
	const spm_money *own = budget_of(&l, "");
	for (size_t i = 0; i < company.n && !rc; i++, ++*lines)
		rc = budget_row(rows, name, &company, &company.rows[i], own ? own : any ? &sum : NULL,
		                own ? "set" : "sum");
	if (rc)
		status = cli_library_error(rc, &err);
done:
	budget_clear(&l);
	free(l.teams);
	free(l.amounts);
	spm_scorecard_free(&teams);
	spm_scorecard_free(&company);
	return status;
}

/*
 * What pay cost against revenue (cost of sales) and against the budget, per team and for the
 * company, per period of --by.
 */
static int budget(const opts *o)
{
	spm_scorecard_query q = {.currency = o->currency, .team = o->team, .payouts = true};
	spm_period period, *parts = NULL;
	spm_period_kind kind;
	spm_store *st = NULL;
	cli_rows rows;
	size_t n = 0, lines = 0;
	int status;

	if ((status = open_span("budget", o, &st, &period, &q.as_of)) ||
	    (status = parse_by(o->by, &period, &kind)) ||
	    (status = split_period(&period, kind, &parts, &n)) ||
	    (status = cli_rows_begin(&rows, o->format, o->output, budget_cols, NBUDGET)))
		goto done;
	for (size_t k = 0; k < n && parts[k].first.days <= q.as_of.days && !status; k++)
		status = budget_period(&rows, st, &q, &parts[k], o->category, &lines);
	int end = cli_rows_end(&rows, !status);
	if (!status)
		status = end;
	if (!status)
		summary(o, "row", lines, &period, q.as_of);
done:
	free(parts);
	spm_store_close(st);
	return status;
}

/* ---- dashboard ------------------------------------------------------------------------------ */

/*
 * The period as one self-contained HTML page (spm/dashboard.h), made in memory and written out
 * only when whole.
 */
static int dashboard(const opts *o)
{
	spm_dashboard_query q = {.currency = o->currency, .title = o->title, .by = SPM_PERIOD_MONTH};
	spm_store *st = NULL;
	spm_error err = {0};
	char *page = NULL;
	size_t len = 0;
	FILE *mem = NULL, *out = NULL;
	int status, rc;

	if ((status = open_span("dashboard", o, &st, &q.period, &q.as_of)) ||
	    (o->by && (status = parse_by(o->by, &q.period, &q.by))))
		goto done;
	if (q.by > q.period.kind)
		q.by = q.period.kind; /* a month's dashboard is one step */
	if (!(mem = open_memstream(&page, &len))) {
		status = cli_library_error(SPM_ENOMEM, &err);
		goto done;
	}
	rc = spm_dashboard_write(mem, st, &q, &err);
	if (fclose(mem) != 0 && !rc)
		rc = spm_error_set(&err, SPM_ENOMEM, "out of memory");
	if (rc) {
		status = cli_library_error(rc, &err);
		goto done;
	}
	if (!(out = cli_open_output(o->output))) {
		status = SPM_EXIT_IO;
		goto done;
	}
	fwrite(page, 1, len, out);
	if ((status = cli_close_output(out, o->output)) == SPM_EXIT_OK && !o->quiet) {
		char name[SPM_PERIOD_BUFSZ], day[SPM_DATE_BUFSZ];
		spm_period_format(name, sizeof name, &q.period);
		spm_date_format(day, sizeof day, q.as_of);
		fprintf(stderr, "%s: the dashboard of %s to %s, %zu bytes\n", cli_progname(), name, day,
		        len);
	}
done:
	free(page);
	spm_store_close(st);
	return status;
}

/* ---- contests and badges --------------------------------------------------------------------- */

static const spm_column contest_cols[] = {
    {"contest", SPM_COL_TEXT},    {"rank", SPM_COL_NUMBER},     {"rep_id", SPM_COL_TEXT},
    {"name", SPM_COL_TEXT},       {"team", SPM_COL_TEXT},       {"measure", SPM_COL_TEXT},
    {"value", SPM_COL_NUMBER},    {"qualified", SPM_COL_TEXT},  {"prize", SPM_COL_NUMBER},
    {"milestone", SPM_COL_NUMBER}, {"currency", SPM_COL_TEXT},
};
#define NCONTEST (sizeof contest_cols / sizeof contest_cols[0])

typedef struct contest_out {
	cli_rows rows;
	const spm_contest_info *info;
	size_t lines, paid;
} contest_out;

static int contest_row(void *ctx, const spm_contest_row *r)
{
	contest_out *co = ctx;
	char rank[24], value[SPM_NUM_BUFSZ], prize[SPM_NUM_BUFSZ], at[SPM_NUM_BUFSZ];
	snprintf(rank, sizeof rank, "%zu", r->rank);
	stat_text(value, sizeof value, r->measure, r->value); /* as the other reports print it */
	spm_money_format(prize, sizeof prize, r->prize, 2);
	if (r->milestone >= 0)
		stat_text(at, sizeof at, r->measure, co->info->milestones[r->milestone].at);
	const char *cells[NCONTEST] = {co->info->name,
	                               r->rank ? rank : NULL,
	                               r->rep_id,
	                               r->name,
	                               r->team,
	                               spm_stat_name(r->measure),
	                               r->has_value ? value : NULL,
	                               r->qualified ? "yes" : "no",
	                               r->has_prize ? prize : NULL,
	                               r->milestone >= 0 ? at : NULL,
	                               r->currency};
	co->lines++;
	co->paid += r->has_prize;
	return cli_rows_add(&co->rows, cells);
}

/*
 * The contest of a YAML file over the store: its reps ranked by its measure, who qualifies, and
 * the prizes of the places or milestones (spm/contest.h).
 */
static int contest(const opts *o, const char *path)
{
	spm_contest *c = NULL;
	spm_store *st = NULL;
	spm_error err = {0};
	spm_fiscal fiscal;
	spm_period period;
	spm_date to;
	contest_out co = {0};
	size_t len;
	char *text = cli_read_file(path, &len, "a contest");
	int status = SPM_EXIT_OK, rc;

	if (!text)
		return SPM_EXIT_IO;
	if ((rc = spm_contest_parse(text, len, path, &c, &err))) {
		status = cli_library_error(rc, &err);
		goto done;
	}
	co.info = spm_contest_describe(c);
	if (o->period) {
		if ((status = cli_open_period("contest", o->db, SPM_STORE_READONLY, o->period, &st,
		                              &period)))
			goto done;
	} else {
		if (!(st = cli_open_store(cli_store_path(o->db), SPM_STORE_READONLY, &status)))
			goto done;
		if ((rc = spm_store_fiscal(st, &fiscal, &err)) ||
		    (rc = spm_contest_period(c, &fiscal, &period, &err)) < 0) {
			status = cli_library_error(rc, &err);
			goto done;
		}
		if (rc == 1) {
			status = cli_usage_error("contest: %s has no period: give --period", path);
			goto done;
		}
	}
	if ((status = cli_period_as_of(o->as_of, &period, &to)) ||
	    (status = cli_rows_begin(&co.rows, o->format, o->output, contest_cols, NCONTEST)))
		goto done;
	rc = spm_contest_run(st, c, &period, to, contest_row, &co, &err);
	status = cli_rows_finish(&co.rows, rc, &err);
	if (!status && !o->quiet) {
		char name[SPM_PERIOD_BUFSZ], day[SPM_DATE_BUFSZ];
		spm_period_format(name, sizeof name, &period);
		spm_date_format(day, sizeof day, to);
		fprintf(stderr, "%s: %s: %zu rep%s, %zu with a prize, %s to %s\n", cli_progname(),
		        co.info->name, co.lines, cli_plural(co.lines), co.paid, name, day);
	}
done:
	spm_contest_free(c);
	free(text);
	spm_store_close(st);
	return status;
}

static const spm_column badge_cols[] = {
    {"period", SPM_COL_TEXT},    {"badge", SPM_COL_TEXT},    {"rep_id", SPM_COL_TEXT},
    {"name", SPM_COL_TEXT},      {"streak", SPM_COL_NUMBER}, {"longest", SPM_COL_NUMBER},
    {"date", SPM_COL_TEXT},      {"amount", SPM_COL_NUMBER}, {"currency", SPM_COL_TEXT},
};
#define NBADGE (sizeof badge_cols / sizeof badge_cols[0])

typedef struct badge_out {
	cli_rows rows;
	size_t lines;
} badge_out;

static int badge_row(void *ctx, const spm_badge *b)
{
	badge_out *bo = ctx;
	char period[SPM_PERIOD_BUFSZ], streak[24], longest[24], day[SPM_DATE_BUFSZ],
	    amount[SPM_NUM_BUFSZ];
	spm_period_format(period, sizeof period, &b->period);
	snprintf(streak, sizeof streak, "%d", b->streak);
	snprintf(longest, sizeof longest, "%d", b->longest);
	spm_date_format(day, sizeof day, b->date);
	spm_money_format(amount, sizeof amount, b->amount, 2);
	bool streaks = b->kind == SPM_BADGE_STREAK, first = b->kind == SPM_BADGE_FIRST_DEAL,
	     largest = b->kind == SPM_BADGE_LARGEST_DEAL;
	const char *cells[NBADGE] = {period,
	                             spm_badge_kind_name(b->kind),
	                             b->rep_id,
	                             b->name,
	                             streaks ? streak : NULL,
	                             streaks ? longest : NULL,
	                             first ? day : NULL,
	                             largest ? amount : NULL,
	                             largest ? b->currency : NULL};
	bo->lines++;
	return cli_rows_add(&bo->rows, cells);
}

/*
 * Badges over the steps of --by within the period: streaks of steps at or above quota, first
 * deals, and the largest deal of each step.
 */
static int badges(const opts *o)
{
	spm_badge_query q = {.currency = o->currency, .team = o->team};
	spm_store *st = NULL;
	spm_error err = {0};
	badge_out bo = {0};
	int status;

	if ((status = open_span("badges", o, &st, &q.period, &q.as_of)) ||
	    (status = parse_by(o->by, &q.period, &q.step)) ||
	    (status = cli_rows_begin(&bo.rows, o->format, o->output, badge_cols, NBADGE)))
		goto done;
	int rc = spm_badges(st, &q, badge_row, &bo, &err);
	status = cli_rows_finish(&bo.rows, rc, &err);
	if (!status)
		summary(o, "badge", bo.lines, &q.period, q.as_of);
done:
	spm_store_close(st);
	return status;
}

/* ---- main ----------------------------------------------------------------------------------- */

static int check_options(const char *command, const opts *o)
{
	const char *const given[][2] = {
	    {"period", o->period},     {"as-of", o->as_of},     {"level", o->level},
	    {"to-date", o->to_date},   {"pacing", o->pacing},   {"metric", o->metric},
	    {"currency", o->currency}, {"team", o->team},       {"territory", o->territory},
	    {"rep", o->rep},           {"measure", o->measure}, {"top", o->top},
	    {"per", o->per},             {"by", o->by},           {"question", o->question},
	    {"latest", o->latest ? "" : NULL}, {"share", o->share}, {"movers", o->movers},
	    {"within", o->within},       {"category", o->category}, {"title", o->title},
	};
	return cli_check_options(command_helps, sizeof command_helps / sizeof command_helps[0],
	                         command, given, sizeof given / sizeof given[0]);
}

int main(int argc, char **argv)
{
	opts o = {0};
	const char *arg;
	bool help = false;
	int c;

	cli_init(argv[0]);
	while ((c = cli_getopt(argc, argv, options, &arg)) != -1) {
		switch (c) {
		case 'd': o.db = arg; break;
		case 'p': o.period = arg; break;
		case 'f': o.format = arg; break;
		case 'o': o.output = arg; break;
		case 'q': o.quiet = true; break;
		case 'r': o.rep = arg; break;
		case OPT_AS_OF: o.as_of = arg; break;
		case OPT_LEVEL: o.level = arg; break;
		case OPT_TO_DATE: o.to_date = arg; break;
		case OPT_PACING: o.pacing = arg; break;
		case OPT_METRIC: o.metric = arg; break;
		case OPT_CURRENCY: o.currency = arg; break;
		case OPT_TEAM: o.team = arg; break;
		case OPT_TERRITORY: o.territory = arg; break;
		case OPT_MEASURE: o.measure = arg; break;
		case OPT_TOP: o.top = arg; break;
		case OPT_PER: o.per = arg; break;
		case OPT_BY: o.by = arg; break;
		case OPT_QUESTION: o.question = arg; break;
		case OPT_LATEST: o.latest = true; break;
		case OPT_SHARE: o.share = arg; break;
		case OPT_MOVERS: o.movers = arg; break;
		case OPT_WITHIN: o.within = arg; break;
		case OPT_CATEGORY: o.category = arg; break;
		case OPT_TITLE: o.title = arg; break;
		case 'h': help = true; break;
		case 'V':
			cli_print_version();
			return SPM_EXIT_OK;
		default: return SPM_EXIT_USAGE;
		}
	}
	if (help) {
		if (optind < argc &&
		    cli_print_command_help(command_helps,
		                           sizeof command_helps / sizeof command_helps[0], options,
		                           after, argv[optind]))
			return SPM_EXIT_OK;
		cli_print_help(stdout, usage, about, options, after);
		return SPM_EXIT_OK;
	}
	if (optind >= argc)
		return cli_usage_error("no command given");
	const char *command = argv[optind];
	int status = check_options(command, &o);
	if (status)
		return status;
	if (strcmp(command, "contest") == 0) {
		if (optind + 1 >= argc)
			return cli_usage_error("contest: give the contest's file");
		if (optind + 2 < argc)
			return cli_usage_error("contest: unexpected argument '%s'", argv[optind + 2]);
		return contest(&o, argv[optind + 1]);
	}
	if (optind + 1 < argc)
		return cli_usage_error("%s: unexpected argument '%s'", command, argv[optind + 1]);
	if (strcmp(command, "attainment") == 0) {
		cli_attain_opts a = {o.db,       o.period, o.as_of,     o.level, o.to_date,
		                     o.pacing,   o.team,   o.territory, o.rep,   o.metric,
		                     o.currency, o.format, o.output,    o.quiet};
		return cli_attainment(&a);
	}
	if (strcmp(command, "leaderboard") == 0)
		return leaderboard(&o);
	if (strcmp(command, "performers") == 0)
		return performers(&o);
	if (strcmp(command, "trend") == 0)
		return trend(&o);
	if (strcmp(command, "peers") == 0)
		return peers(&o);
	if (strcmp(command, "activity") == 0)
		return activity(&o);
	if (strcmp(command, "budget") == 0)
		return budget(&o);
	if (strcmp(command, "dashboard") == 0)
		return dashboard(&o);
	if (strcmp(command, "badges") == 0)
		return badges(&o);
	return survey(&o);
}
