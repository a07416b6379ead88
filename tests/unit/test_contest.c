/*
 * Unit tests of contests and badges: the example contest file and every refusal with its
 * file:line:column; contests run over a small store built with the importer (ranking with ties
 * sharing places and prizes, pots split to the cent, a minimum, milestones, attainment and count
 * measures, as_of); then badges over the quarters of a year (streaks, first deals, largest deals,
 * as_of cutting the last step). Every expected figure is worked out by hand in the comments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "teststore.h"
#include "testutil.h"

#include "spm/contest.h"
#include "spm/period.h"

/* ---- helpers ------------------------------------------------------------------------------ */

static spm_period P(const char *name)
{
	spm_period p;
	spm_error err;
	if (spm_period_parse(&p, name, strlen(name), NULL, &err))
		fail_msg("test period '%s': %s", name, err.message);
	return p;
}

static spm_date D(const char *text)
{
	spm_date d;
	spm_error err;
	if (spm_date_parse(&d, text, strlen(text), NULL, &err))
		fail_msg("test date '%s': %s", text, err.message);
	return d;
}

static spm_contest *parse_ok(const char *text)
{
	spm_contest *c = NULL;
	spm_error err;
	spm_error_clear(&err);
	if (spm_contest_parse(text, strlen(text), "c.yaml", &c, &err))
		fail_msg("contest did not parse: %s:%ld:%ld: %s", err.source, err.line, err.col,
		         err.message);
	assert_non_null(c);
	return c;
}

/* Parses text, which must be refused with SPM_ECONFIG and exactly the message `want`. */
static void refused(const char *text, const char *want)
{
	spm_contest *c = (spm_contest *)&c; /* must become NULL */
	spm_error err;
	char msg[1200];
	spm_error_clear(&err);
	int rc = spm_contest_parse(text, strlen(text), "c.yaml", &c, &err);
	spm_error_format(&err, msg, sizeof msg);
	if (rc != SPM_ECONFIG)
		fail_msg("not refused as a bad file (%d, '%s'): %s", rc, msg, text);
	assert_null(c);
	assert_int_equal(err.code, SPM_ECONFIG);
	if (strcmp(msg, want) != 0)
		fail_msg("for %s\nwant: %s\ngot:  %s", text, want, msg);
}

/* ---- parsing ------------------------------------------------------------------------------ */

static char *read_example(size_t *len)
{
	/* the example lies beside the tests in the source tree: found from this file's path */
	static const char tail[] = "tests/unit/test_contest.c";
	char path[1024];
	const char *here = __FILE__;
	size_t n = strlen(here);
	assert_true(n >= strlen(tail));
	n -= strlen(tail);
	snprintf(path, sizeof path, "%.*sexamples/contests/q2-sprint.yaml", (int)n, here);
	FILE *fp = fopen(path, "rb");
	if (!fp)
		fail_msg("cannot open the example '%s'", path);
	char *text = calloc(1, 1 << 16);
	assert_non_null(text);
	*len = fread(text, 1, (1 << 16) - 1, fp);
	fclose(fp);
	return text;
}

static void test_example(void **state)
{
	(void)state;
	size_t len;
	char *text = read_example(&len);
	spm_contest *c = NULL;
	spm_error err;
	spm_period p = {0};
	assert_int_equal(spm_contest_parse(text, len, "q2-sprint.yaml", &c, &err), SPM_OK);
	free(text); /* the contest keeps its own copy */
	const spm_contest_info *in = spm_contest_describe(c);
	assert_string_equal(spm_contest_name(c), "Q2 new-logo sprint");
	assert_string_equal(in->source, "q2-sprint.yaml");
	assert_int_equal(in->measure, SPM_STAT_BOOKINGS);
	assert_int_equal(in->rule, SPM_CONTEST_MINIMUM);
	assert_true(in->has_minimum);
	assert_money_text((spm_money){in->minimum}, "50000");
	assert_string_equal(in->team, "Enterprise");
	assert_string_equal(in->currency, "USD");
	assert_true(in->has_prizes);
	assert_money_text(in->pot, "10000");
	assert_int_equal(in->nshares, 3);
	assert_percent_text(in->shares[0], "50%");
	assert_percent_text(in->shares[1], "30%");
	assert_percent_text(in->shares[2], "20%");
	assert_int_equal(in->nmilestones, 0);
	assert_int_equal(spm_contest_period(c, NULL, &p, &err), SPM_OK);
	assert_int_equal(p.first.days, D("2026-04-01").days);
	assert_int_equal(p.last.days, D("2026-06-30").days);
	spm_contest_free(c);
}

static void test_parse_defaults_and_units(void **state)
{
	(void)state;
	spm_period p = P("2026-01");
	spm_error err;

	/* no rule: ranking; no prizes: a leaderboard; no period, team or currency */
	spm_contest *c = parse_ok("contest: board\nmeasure: deals\n");
	const spm_contest_info *in = spm_contest_describe(c);
	assert_int_equal(in->rule, SPM_CONTEST_RANKING);
	assert_false(in->has_prizes);
	assert_false(in->has_minimum);
	assert_null(in->period);
	assert_null(in->team);
	assert_null(in->currency);
	assert_int_equal(spm_contest_period(c, NULL, &p, &err), 1);
	assert_int_equal(p.first.days, D("2026-01-01").days); /* unchanged */
	spm_contest_free(c);

	/* attainment thresholds are rates: 110% and 1.25 (= 125%) */
	c = parse_ok("contest: x\nmeasure: attainment\nrule: minimum\nminimum: 110%\n");
	assert_int_equal(spm_contest_describe(c)->minimum, 11 * SPM_RATE_ONE / 10);
	spm_contest_free(c);
	c = parse_ok("contest: x\nmeasure: attainment\nrule: milestones\nmilestones:\n"
	             "  - {at: 100%, prize: 50}\n  - {at: 1.25, prize: 75.50}\n");
	in = spm_contest_describe(c);
	assert_int_equal(in->nmilestones, 2);
	assert_int_equal(in->milestones[0].at, SPM_RATE_ONE);
	assert_int_equal(in->milestones[1].at, SPM_RATE_ONE + SPM_RATE_ONE / 4);
	assert_money_text(in->milestones[1].prize, "75.5");
	spm_contest_free(c);

	/* counts are whole numbers; money keeps its decimals */
	c = parse_ok("contest: x\nmeasure: calls\nrule: minimum\nminimum: 40\n");
	assert_int_equal(spm_contest_describe(c)->minimum, 40);
	spm_contest_free(c);
	c = parse_ok("contest: x\nmeasure: largest\nrule: minimum\nminimum: 50000.25\n"
	             "currency: EUR\nprizes: {pot: 0, shares: [100%]}\n");
	in = spm_contest_describe(c);
	assert_money_text((spm_money){in->minimum}, "50000.25");
	assert_string_equal(in->currency, "EUR");
	assert_money_text(in->pot, "0");
	spm_contest_free(c);

	/* a fiscal year's name is read with the fiscal year given */
	c = parse_ok("contest: x\nmeasure: deals\nperiod: FY2026-Q1\n");
	spm_fiscal july = {7, false};
	assert_int_equal(spm_contest_period(c, &july, &p, &err), SPM_OK);
	assert_int_equal(p.first.days, D("2025-07-01").days);
	assert_int_equal(spm_contest_period(c, NULL, &p, &err), SPM_OK);
	assert_int_equal(p.first.days, D("2026-01-01").days);
	spm_fiscal bad = {13, false};
	assert_int_equal(spm_contest_period(c, &bad, &p, &err), SPM_EUSAGE);
	spm_contest_free(c);

	/* FY0001 with a July start begins in the year 0: refused where the file names it */
	c = parse_ok("contest: x\nmeasure: deals\nperiod: FY0001\n");
	assert_int_equal(spm_contest_period(c, &july, &p, &err), SPM_ECONFIG);
	assert_string_equal(err.source, "c.yaml");
	assert_int_equal(err.line, 3);
	assert_int_equal(err.col, 9);
	spm_contest_free(c);
}

static void test_parse_refusals(void **state)
{
	(void)state;
	refused("", "c.yaml:1:1: expected a mapping, not an empty value");
	refused("measure: deals\n", "c.yaml:1:1: missing key 'contest'");
	refused("contest: x\n", "c.yaml:1:1: missing key 'measure'");
	refused("contest: ''\nmeasure: deals\n", "c.yaml:1:10: the contest's name cannot be empty");
	refused("contest: x\nmeasure: deals\nprize: 1\n",
	        "c.yaml:3:1: unknown key 'prize' (expected one of: contest, measure, period, rule, "
	        "minimum, team, currency, prizes, milestones); did you mean 'prizes'?");
	refused("contest: x\nmeasure: bokings\n",
	        "c.yaml:2:10: unknown value 'bokings' (expected one of: bookings, deals, "
	        "attainment, payout, largest, activities, calls, emails, meetings, webinars, "
	        "demos); did you mean 'bookings'?");
	refused("contest: x\nmeasure: deals\nperiod: 2026-Q5\n",
	        "c.yaml:3:9: no quarter 5 in '2026-Q5'");
	refused("contest: x\nmeasure: deals\nrule: best\n",
	        "c.yaml:3:7: unknown value 'best' (expected one of: ranking, minimum, milestones)");
	/* rule and minimum go together */
	refused("contest: x\nmeasure: deals\nrule: minimum\n",
	        "c.yaml:3:7: 'rule: minimum' needs 'minimum'");
	refused("contest: x\nmeasure: deals\nminimum: 3\n",
	        "c.yaml:3:10: 'minimum' needs 'rule: minimum'");
	/* the minimum in the measure's units */
	refused("contest: x\nmeasure: deals\nrule: minimum\nminimum: 2.5\n",
	        "c.yaml:4:10: expected a whole number from 0 to 9223372036854775807, not '2.5'");
	refused("contest: x\nmeasure: attainment\nrule: minimum\nminimum: 110\n",
	        "c.yaml:4:10: expected a rate from 0% to 1000%, not '110' (that is 11000%)");
	refused("contest: x\nmeasure: bookings\nrule: minimum\nminimum: -1\n",
	        "c.yaml:4:10: the minimum cannot be negative: '-1'");
	refused("contest: x\nmeasure: bookings\nrule: minimum\nminimum: lots\n",
	        "c.yaml:4:10: expected an amount such as 60000 or 1250.50, not 'lots'");
	refused("contest: x\nmeasure: deals\nteam: ''\n", "c.yaml:3:7: the team cannot be empty");
	refused("contest: x\nmeasure: deals\ncurrency: usd\n",
	        "c.yaml:3:11: unknown currency code 'usd'");
	/* prizes */
	refused("contest: x\nmeasure: deals\nprizes:\n  pot: -5\n  shares: [50%]\n",
	        "c.yaml:4:8: the pot cannot be negative: '-5'");
	refused("contest: x\nmeasure: deals\nprizes:\n  pot: 10.005\n  shares: [50%]\n",
	        "c.yaml:4:8: the pot has more than 2 decimals: '10.005' (a cent is the smallest "
	        "prize)");
	refused("contest: x\nmeasure: deals\nprizes:\n  shares: [50%]\n",
	        "c.yaml:4:3: missing key 'pot'");
	refused("contest: x\nmeasure: deals\nprizes:\n  pot: 10\n",
	        "c.yaml:4:3: missing key 'shares'");
	refused("contest: x\nmeasure: deals\nprizes:\n  pot: 10\n  shares: []\n",
	        "c.yaml:5:11: expected at least one share");
	refused("contest: x\nmeasure: deals\nprizes:\n  pot: 10\n  shares: [60%, 50%]\n",
	        "c.yaml:5:11: the shares add up to 110%, more than 100%");
	refused("contest: x\nmeasure: deals\nprizes:\n  pot: 10\n  shares: [50%, 0%]\n",
	        "c.yaml:5:17: a share must be above 0%");
	refused("contest: x\nmeasure: deals\nprizes:\n  pot: 10\n  shares: [150%]\n",
	        "c.yaml:5:12: expected a rate from 0% to 100%, not '150%'");
	refused("contest: x\nmeasure: deals\nprizes:\n  pot: 10\n  shares: 50%\n",
	        "c.yaml:5:11: expected a list, not '50%'");
	refused("contest: x\nmeasure: deals\nprizes:\n  pot: 10\n  shares: [50%]\n  cap: 3\n",
	        "c.yaml:6:3: unknown key 'cap' (expected one of: pot, currency, shares)");
	refused("contest: x\nmeasure: deals\ncurrency: USD\nprizes:\n  pot: 10\n"
	        "  currency: EUR\n  shares: [50%]\n",
	        "c.yaml:6:13: 'currency' is given twice: at the top and under 'prizes'");
	/* milestones */
	refused("contest: x\nmeasure: deals\nrule: milestones\n",
	        "c.yaml:3:7: 'rule: milestones' needs 'milestones'");
	refused("contest: x\nmeasure: deals\nmilestones:\n  - {at: 1, prize: 5}\n",
	        "c.yaml:4:3: 'milestones' needs 'rule: milestones'");
	refused("contest: x\nmeasure: deals\nrule: milestones\nprizes: {pot: 1, shares: [1%]}\n"
	        "milestones:\n  - {at: 1, prize: 5}\n",
	        "c.yaml:4:9: 'prizes' is for rules ranking and minimum; a milestone has its own "
	        "prize");
	refused("contest: x\nmeasure: deals\nrule: milestones\nmilestones: []\n",
	        "c.yaml:4:13: expected at least one milestone");
	refused("contest: x\nmeasure: deals\nrule: milestones\nmilestones:\n"
	        "  - at: 5\n    prize: 10\n  - at: 5\n    prize: 20\n",
	        "c.yaml:7:9: milestones must increase: this one is not above the one before (5)");
	refused("contest: x\nmeasure: bookings\nrule: milestones\nmilestones:\n"
	        "  - at: 200000\n    prize: 10\n  - at: 100000\n    prize: 20\n",
	        "c.yaml:7:9: milestones must increase: this one is not above the one before "
	        "(200000.00)");
	refused("contest: x\nmeasure: deals\nrule: milestones\nmilestones:\n  - at: 5\n",
	        "c.yaml:5:5: missing key 'prize'");
	refused("contest: x\nmeasure: deals\nrule: milestones\nmilestones:\n"
	        "  - {at: 5, prize: -1}\n",
	        "c.yaml:5:20: a prize cannot be negative: '-1'");
	refused("contest: x\nmeasure: deals\nrule: milestones\nmilestones:\n"
	        "  - {at: 5, prize: 1, bonus: 2}\n",
	        "c.yaml:5:23: unknown key 'bonus' (expected one of: at, prize)");
	/* the YAML layer's own refusals keep their place */
	refused("contest: x\nmeasure: deals\ncontest: y\n",
	        "c.yaml:3:1: key 'contest' appears twice (first on line 1)");
}

static void test_parse_usage(void **state)
{
	(void)state;
	spm_contest *c = (spm_contest *)&c;
	spm_error err;
	assert_int_equal(spm_contest_parse("x", 1, "c.yaml", NULL, &err), SPM_EUSAGE);
	assert_int_equal(spm_contest_parse(NULL, 3, "c.yaml", &c, &err), SPM_EUSAGE);
	assert_null(c);
	/* no name: "-", as for standard input */
	assert_int_equal(spm_contest_parse("contest: x\n", 11, NULL, &c, &err), SPM_ECONFIG);
	assert_string_equal(err.source, "-");
	/* a YAML syntax error: libyaml's words, located */
	assert_int_equal(spm_contest_parse("contest: [x\n", 12, "c.yaml", &c, &err), SPM_ECONFIG);
	assert_null(c);
	assert_string_equal(err.source, "c.yaml");
	assert_true(err.line >= 1);
	assert_true(err.col >= 1);
	spm_contest_free(NULL);
	assert_string_equal(spm_contest_rule_name(SPM_CONTEST_MILESTONES), "milestones");
	assert_string_equal(spm_contest_rule_name((spm_contest_rule)7), "?");
	assert_string_equal(spm_badge_kind_name(SPM_BADGE_FIRST_DEAL), "first-deal");
	assert_string_equal(spm_badge_kind_name((spm_badge_kind)-1), "?");
}

static void test_value_format(void **state)
{
	(void)state;
	char buf[SPM_NUM_BUFSZ];
	spm_contest_value_format(buf, sizeof buf, SPM_STAT_BOOKINGS, 500000000);
	assert_string_equal(buf, "50000.00");
	spm_contest_value_format(buf, sizeof buf, SPM_STAT_PAYOUT, 12345678);
	assert_string_equal(buf, "1234.5678");
	spm_contest_value_format(buf, sizeof buf, SPM_STAT_ATTAINMENT, 8750000000);
	assert_string_equal(buf, "87.5%");
	spm_contest_value_format(buf, sizeof buf, SPM_STAT_DEMOS, -3);
	assert_string_equal(buf, "-3");
	assert_int_equal(spm_contest_value_format(buf, 3, SPM_STAT_DEALS, 12345), 5);
	assert_string_equal(buf, "12");
}

/* ---- contests over a store ----------------------------------------------------------------- */

/*
 * Teams east (a1..a5), west (w1), north (n1..n3); base currency USD. Won deals in 2026-Q2:
 *   a1 5000 (04-10) + 4000 (05-20) = 9000, 2 deals;  a2 7000 (05-02);  a3 7000 (06-30);
 *   a4 1000 (04-15);  a5 none (a lost 50000);  w1 20000 (05-05);  n1, n2, n3 3000 each.
 * Quotas for Q2: a1 9000 (100%), a2 5000 (140%), a3 7000 (100%); a4, a5 none.
 * Activities in Q2: a1 calls 10, emails 4; a2 calls 3.
 */
static int contest_setup(void **state)
{
	spm_store *st = teststore_open("contest");
	teststore_load(st, SPM_KIND_REPS,
	               "rep_id,name,manager_id,team,territory,hire_date,end_date\n"
	               "a1,Ann,,east,,2020-01-01,\na2,Ari,,east,,,\na3,Abe,,east,,,\n"
	               "a4,Ada,,east,,,\na5,Al,,east,,,\nw1,Wu,,west,,,\n"
	               "n1,Nia,,north,,,\nn2,Ned,,north,,,\nn3,Noa,,north,,,\n");
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,status,close_date,currency\n"
	               "C1,a1,5000,won,2026-04-10,USD\nC2,a1,4000,won,2026-05-20,USD\n"
	               "C3,a2,7000,won,2026-05-02,USD\nC4,a3,7000,won,2026-06-30,USD\n"
	               "C5,a4,1000,won,2026-04-15,USD\nC6,w1,20000,won,2026-05-05,USD\n"
	               "C7,n1,3000,won,2026-04-02,USD\nC8,n2,3000,won,2026-04-03,USD\n"
	               "C9,n3,3000,won,2026-04-04,USD\nC10,a5,50000,lost,2026-05-01,USD\n");
	teststore_load(st, SPM_KIND_QUOTAS,
	               "rep_id,team,territory,period,metric,amount\n"
	               "a1,,,2026-Q2,,9000\na2,,,2026-Q2,,5000\na3,,,2026-Q2,,7000\n");
	teststore_load(st, SPM_KIND_ACTIVITIES,
	               "activity_id,rep_id,date,kind,count\n"
	               "x1,a1,2026-04-02,call,10\nx2,a1,2026-04-03,email,4\n"
	               "x3,a2,2026-05-01,call,3\n");
	*state = st;
	return 0;
}

static char out[1 << 13];

/* A row as "id rank=R q|- v=VALUE prize=P|- m=M", values as spm_contest_value_format writes. */
static int collect(void *ctx, const spm_contest_row *r)
{
	char v[SPM_NUM_BUFSZ] = "-", p[SPM_NUM_BUFSZ] = "-";
	size_t n = strlen(out);
	(*(int *)ctx)++;
	assert_non_null(r->currency);
	assert_string_equal(r->currency, "USD");
	if (r->has_value)
		spm_contest_value_format(v, sizeof v, r->measure, r->value);
	else
		assert_int_equal(r->value, 0);
	if (r->has_prize)
		spm_money_format(p, sizeof p, r->prize, 2);
	else
		assert_int_equal(r->prize.units, 0);
	assert_true(r->qualified == (r->rank > 0));
	snprintf(out + n, sizeof out - n, "%s rank=%zu %s v=%s prize=%s m=%d\n", r->rep_id, r->rank,
	         r->qualified ? "q" : "-", v, p, r->milestone);
	return 0;
}

/* Runs a contest file over the store; period NULL: the file's. */
static int run(spm_store *st, const char *text, const spm_period *period, const char *as_of,
               spm_error *err)
{
	spm_contest *c = parse_ok(text);
	int calls = 0;
	out[0] = '\0';
	spm_error_clear(err);
	int rc =
	    spm_contest_run(st, c, period, as_of ? D(as_of) : (spm_date){0}, collect, &calls, err);
	spm_contest_free(c);
	if (rc)
		assert_int_equal(calls, 0);
	return rc;
}

static void expect(spm_store *st, const char *text, const char *as_of, const char *want)
{
	spm_error err;
	if (run(st, text, NULL, as_of, &err))
		fail_msg("contest: %s", err.message);
	assert_string_equal(out, want);
}

/*
 * East by bookings: a1 9000, a2 7000, a3 7000, a4 1000, a5 0: ranks 1, 2, 2, 4, 5. Pot 10000 by
 * 50/30/20: a1 place 1, 5000; a2 and a3 fill places 2 and 3, (3000 + 2000) / 2 = 2500 each.
 */
static void test_ranking_ties(void **state)
{
	expect(*state,
	       "contest: east\nmeasure: bookings\nperiod: 2026-Q2\nteam: east\n"
	       "prizes:\n  pot: 10000\n  shares: [50%, 30%, 20%]\n",
	       NULL,
	       "a1 rank=1 q v=9000.00 prize=5000.00 m=-1\n"
	       "a2 rank=2 q v=7000.00 prize=2500.00 m=-1\n"
	       "a3 rank=2 q v=7000.00 prize=2500.00 m=-1\n"
	       "a4 rank=4 q v=1000.00 prize=- m=-1\n"
	       "a5 rank=5 q v=0.00 prize=- m=-1\n");
	/*
	 * The whole company: w1 20000 place 1 (5000), a1 place 2 (3000); a2 and a3 tied at 3 fill
	 * places 3 and 4, and only place 3 has a share: 2000 / 2 = 1000 each. 10000 paid in all.
	 * The north reps tie at 5 (3000 each), a4 is 8th, a5 9th: no shares left for them.
	 */
	expect(*state,
	       "contest: all\nmeasure: bookings\nperiod: 2026-Q2\n"
	       "prizes:\n  pot: 10000\n  shares: [50%, 30%, 20%]\n",
	       NULL,
	       "w1 rank=1 q v=20000.00 prize=5000.00 m=-1\n"
	       "a1 rank=2 q v=9000.00 prize=3000.00 m=-1\n"
	       "a2 rank=3 q v=7000.00 prize=1000.00 m=-1\n"
	       "a3 rank=3 q v=7000.00 prize=1000.00 m=-1\n"
	       "n1 rank=5 q v=3000.00 prize=- m=-1\n"
	       "n2 rank=5 q v=3000.00 prize=- m=-1\n"
	       "n3 rank=5 q v=3000.00 prize=- m=-1\n"
	       "a4 rank=8 q v=1000.00 prize=- m=-1\n"
	       "a5 rank=9 q v=0.00 prize=- m=-1\n");
}

/*
 * North, three reps tied at rank 1, pot 100 by 33.33/33.33/33.34: the places' parts are 33.33,
 * 33.33 and 33.34, 100.00 together, split evenly: 33.34 to the first in id order, 33.33, 33.33.
 * Pot 100.01 by 50/50: two places filled by three reps: parts 50.01 and 50.00 (the tie of
 * remainders to the earlier place), 100.01 over three: 33.33 each and two cents left, to n1, n2.
 * Pot 1 by 10%/10%: the parts 0.10 and 0.10 and 0.80 unpaid; 0.20 over three: 0.07, 0.07, 0.06.
 */
static void test_pot_to_the_cent(void **state)
{
	expect(*state,
	       "contest: north\nmeasure: bookings\nperiod: 2026-Q2\nteam: north\n"
	       "prizes:\n  pot: 100\n  shares: [33.33%, 33.33%, 33.34%]\n",
	       NULL,
	       "n1 rank=1 q v=3000.00 prize=33.34 m=-1\n"
	       "n2 rank=1 q v=3000.00 prize=33.33 m=-1\n"
	       "n3 rank=1 q v=3000.00 prize=33.33 m=-1\n");
	expect(*state,
	       "contest: north\nmeasure: bookings\nperiod: 2026-Q2\nteam: north\n"
	       "prizes:\n  pot: 100.01\n  shares: [50%, 50%]\n",
	       NULL,
	       "n1 rank=1 q v=3000.00 prize=33.34 m=-1\n"
	       "n2 rank=1 q v=3000.00 prize=33.34 m=-1\n"
	       "n3 rank=1 q v=3000.00 prize=33.33 m=-1\n");
	expect(*state,
	       "contest: north\nmeasure: bookings\nperiod: 2026-Q2\nteam: north\n"
	       "prizes:\n  pot: 1\n  shares: [10%, 10%]\n",
	       NULL,
	       "n1 rank=1 q v=3000.00 prize=0.07 m=-1\n"
	       "n2 rank=1 q v=3000.00 prize=0.07 m=-1\n"
	       "n3 rank=1 q v=3000.00 prize=0.06 m=-1\n");
	/* a pot of 0 pays 0.00 to the places it has */
	expect(*state,
	       "contest: north\nmeasure: bookings\nperiod: 2026-Q2\nteam: north\n"
	       "prizes:\n  pot: 0\n  shares: [100%]\n",
	       NULL,
	       "n1 rank=1 q v=3000.00 prize=0.00 m=-1\n"
	       "n2 rank=1 q v=3000.00 prize=0.00 m=-1\n"
	       "n3 rank=1 q v=3000.00 prize=0.00 m=-1\n");
}

/* West has one rep for three shares: w1 gets 50% of the pot, 5000; the rest is not paid. */
static void test_fewer_reps_than_shares(void **state)
{
	expect(*state,
	       "contest: west\nmeasure: bookings\nperiod: 2026-Q2\nteam: west\n"
	       "prizes:\n  pot: 10000\n  shares: [50%, 30%, 20%]\n",
	       NULL, "w1 rank=1 q v=20000.00 prize=5000.00 m=-1\n");
}

/*
 * Minimum 7000 in the east: a1, a2, a3 qualify and share the pot as in the ranking; a4 and a5
 * fall short: unranked, no prize, after the qualified, by value.
 */
static void test_minimum(void **state)
{
	expect(*state,
	       "contest: east\nmeasure: bookings\nperiod: 2026-Q2\nteam: east\nrule: minimum\n"
	       "minimum: 7000.00\nprizes:\n  pot: 10000\n  shares: [50%, 30%, 20%]\n",
	       NULL,
	       "a1 rank=1 q v=9000.00 prize=5000.00 m=-1\n"
	       "a2 rank=2 q v=7000.00 prize=2500.00 m=-1\n"
	       "a3 rank=2 q v=7000.00 prize=2500.00 m=-1\n"
	       "a4 rank=0 - v=1000.00 prize=- m=-1\n"
	       "a5 rank=0 - v=0.00 prize=- m=-1\n");
	/* a minimum nobody reaches: nobody is ranked or paid */
	expect(*state,
	       "contest: east\nmeasure: bookings\nperiod: 2026-Q2\nteam: east\nrule: minimum\n"
	       "minimum: 9000.01\nprizes:\n  pot: 10000\n  shares: [100%]\n",
	       NULL,
	       "a1 rank=0 - v=9000.00 prize=- m=-1\n"
	       "a2 rank=0 - v=7000.00 prize=- m=-1\n"
	       "a3 rank=0 - v=7000.00 prize=- m=-1\n"
	       "a4 rank=0 - v=1000.00 prize=- m=-1\n"
	       "a5 rank=0 - v=0.00 prize=- m=-1\n");
}

/* Milestones 5000 (100) and 8000 (250): a1 reaches both and gets 250 only; a2, a3 get 100. */
static void test_milestones(void **state)
{
	expect(*state,
	       "contest: east\nmeasure: bookings\nperiod: 2026-Q2\nteam: east\nrule: milestones\n"
	       "milestones:\n  - at: 5000\n    prize: 100\n  - at: 8000\n    prize: 250\n",
	       NULL,
	       "a1 rank=1 q v=9000.00 prize=250.00 m=1\n"
	       "a2 rank=2 q v=7000.00 prize=100.00 m=0\n"
	       "a3 rank=2 q v=7000.00 prize=100.00 m=0\n"
	       "a4 rank=4 q v=1000.00 prize=- m=-1\n"
	       "a5 rank=5 q v=0.00 prize=- m=-1\n");
	/* exactly at a milestone reaches it: 9000 is a1's */
	expect(*state,
	       "contest: east\nmeasure: bookings\nperiod: 2026-Q2\nteam: east\nrule: milestones\n"
	       "milestones:\n  - {at: 9000, prize: 1}\n",
	       NULL,
	       "a1 rank=1 q v=9000.00 prize=1.00 m=0\n"
	       "a2 rank=2 q v=7000.00 prize=- m=-1\n"
	       "a3 rank=2 q v=7000.00 prize=- m=-1\n"
	       "a4 rank=4 q v=1000.00 prize=- m=-1\n"
	       "a5 rank=5 q v=0.00 prize=- m=-1\n");
}

/*
 * Attainment in %: a2 140%, a1 and a3 100%; a4, a5 have no quota, so no value: unqualified,
 * last. A minimum of 110% leaves a2 alone; milestones at 100% and 120%.
 */
static void test_attainment(void **state)
{
	expect(*state, "contest: att\nmeasure: attainment\nperiod: 2026-Q2\nteam: east\n", NULL,
	       "a2 rank=1 q v=140% prize=- m=-1\n"
	       "a1 rank=2 q v=100% prize=- m=-1\n"
	       "a3 rank=2 q v=100% prize=- m=-1\n"
	       "a4 rank=0 - v=- prize=- m=-1\n"
	       "a5 rank=0 - v=- prize=- m=-1\n");
	expect(*state,
	       "contest: att\nmeasure: attainment\nperiod: 2026-Q2\nteam: east\nrule: minimum\n"
	       "minimum: 110%\nprizes: {pot: 300, shares: [100%]}\n",
	       NULL,
	       "a2 rank=1 q v=140% prize=300.00 m=-1\n"
	       "a1 rank=0 - v=100% prize=- m=-1\n"
	       "a3 rank=0 - v=100% prize=- m=-1\n"
	       "a4 rank=0 - v=- prize=- m=-1\n"
	       "a5 rank=0 - v=- prize=- m=-1\n");
	expect(*state,
	       "contest: att\nmeasure: attainment\nperiod: 2026-Q2\nteam: east\nrule: milestones\n"
	       "milestones:\n  - {at: 100%, prize: 10}\n  - {at: 120%, prize: 20}\n",
	       NULL,
	       "a2 rank=1 q v=140% prize=20.00 m=1\n"
	       "a1 rank=2 q v=100% prize=10.00 m=0\n"
	       "a3 rank=2 q v=100% prize=10.00 m=0\n"
	       "a4 rank=0 - v=- prize=- m=-1\n"
	       "a5 rank=0 - v=- prize=- m=-1\n");
}

/* Counts: deals (a1 2, a2..a4 1, a5 0) with a minimum of 2; calls (a1 10, a2 3). */
static void test_counts(void **state)
{
	expect(*state,
	       "contest: d\nmeasure: deals\nperiod: 2026-Q2\nteam: east\nrule: minimum\n"
	       "minimum: 2\n",
	       NULL,
	       "a1 rank=1 q v=2 prize=- m=-1\n"
	       "a2 rank=0 - v=1 prize=- m=-1\n"
	       "a3 rank=0 - v=1 prize=- m=-1\n"
	       "a4 rank=0 - v=1 prize=- m=-1\n"
	       "a5 rank=0 - v=0 prize=- m=-1\n");
	expect(*state,
	       "contest: c\nmeasure: calls\nperiod: 2026-Q2\nteam: east\n"
	       "prizes: {pot: 50, shares: [60%, 40%]}\n",
	       NULL,
	       "a1 rank=1 q v=10 prize=30.00 m=-1\n"
	       "a2 rank=2 q v=3 prize=20.00 m=-1\n"
	       "a3 rank=3 q v=0 prize=- m=-1\n"
	       "a4 rank=3 q v=0 prize=- m=-1\n"
	       "a5 rank=3 q v=0 prize=- m=-1\n");
	/* activities count every kind: a1 14 */
	expect(*state, "contest: a\nmeasure: activities\nperiod: 2026-Q2\nteam: east\n", NULL,
	       "a1 rank=1 q v=14 prize=- m=-1\n"
	       "a2 rank=2 q v=3 prize=- m=-1\n"
	       "a3 rank=3 q v=0 prize=- m=-1\n"
	       "a4 rank=3 q v=0 prize=- m=-1\n"
	       "a5 rank=3 q v=0 prize=- m=-1\n");
	/* no commission run pays Q2: nobody has a payout */
	expect(*state, "contest: p\nmeasure: payout\nperiod: 2026-Q2\nteam: west\n", NULL,
	       "w1 rank=0 - v=- prize=- m=-1\n");
}

/*
 * To 2026-06-15, a3's deal of 06-30 is not in yet: a1 9000, a2 7000, a4 1000, a3 and a5 0 (tied
 * at 4). 50/30/20: a1 5000, a2 3000, a4 2000.
 */
static void test_as_of(void **state)
{
	expect(*state,
	       "contest: east\nmeasure: bookings\nperiod: 2026-Q2\nteam: east\n"
	       "prizes:\n  pot: 10000\n  shares: [50%, 30%, 20%]\n",
	       "2026-06-15",
	       "a1 rank=1 q v=9000.00 prize=5000.00 m=-1\n"
	       "a2 rank=2 q v=7000.00 prize=3000.00 m=-1\n"
	       "a4 rank=3 q v=1000.00 prize=2000.00 m=-1\n"
	       "a3 rank=4 q v=0.00 prize=- m=-1\n"
	       "a5 rank=4 q v=0.00 prize=- m=-1\n");
}

/* The caller's period overrides the file's; April alone: a1 5000, a4 1000, n1..n3 3000. */
static void test_period_override(void **state)
{
	spm_error err;
	spm_period april = P("2026-04");
	assert_int_equal(run(*state,
	                     "contest: east\nmeasure: bookings\nperiod: 2026-Q2\nteam: east\n",
	                     &april, NULL, &err),
	                 SPM_OK);
	assert_string_equal(out, "a1 rank=1 q v=5000.00 prize=- m=-1\n"
	                         "a4 rank=2 q v=1000.00 prize=- m=-1\n"
	                         "a2 rank=3 q v=0.00 prize=- m=-1\n"
	                         "a3 rank=3 q v=0.00 prize=- m=-1\n"
	                         "a5 rank=3 q v=0.00 prize=- m=-1\n");
}

static int stop_at_two(void *ctx, const spm_contest_row *r)
{
	(void)r;
	return ++*(int *)ctx == 2 ? 42 : 0;
}

static void test_run_errors(void **state)
{
	spm_store *st = *state;
	spm_error err;
	spm_period q2 = P("2026-Q2");

	/* no period in the file nor from the caller */
	assert_int_equal(run(st, "contest: x\nmeasure: deals\n", NULL, NULL, &err), SPM_EUSAGE);
	assert_string_equal(err.message, "contest 'x' names no period: give one");
	/* as_of before the period */
	assert_int_equal(run(st, "contest: x\nmeasure: deals\n", &q2, "2026-03-31", &err),
	                 SPM_EUSAGE);
	assert_string_equal(err.message, "as-of date '2026-03-31' is before the period '2026-Q2'");
	/* an unknown team */
	assert_int_equal(run(st, "contest: x\nmeasure: deals\nteam: south\n", &q2, NULL, &err),
	                 SPM_EDATA);
	assert_string_equal(err.message, "no team 'south' in the store");
	/* a currency without rates: the amounts cannot be converted */
	assert_int_equal(run(st, "contest: x\nmeasure: bookings\ncurrency: JPY\n", &q2, NULL, &err),
	                 SPM_EDATA);
	/* the callback's own status stops the run */
	spm_contest *c = parse_ok("contest: x\nmeasure: deals\n");
	int calls = 0;
	assert_int_equal(spm_contest_run(st, c, &q2, (spm_date){0}, stop_at_two, &calls, &err), 42);
	assert_int_equal(calls, 2);
	assert_int_equal(spm_contest_run(st, c, &q2, (spm_date){0}, NULL, &calls, &err),
	                 SPM_EUSAGE);
	assert_int_equal(spm_contest_run(st, NULL, &q2, (spm_date){0}, stop_at_two, &calls, &err),
	                 SPM_EUSAGE);
	spm_contest_free(c);
}

/* ---- badges -------------------------------------------------------------------------------- */

/*
 * Team sales: s1..s4; team other: x1. Quotas of 1000 for s1, s2, s3 in every quarter of 2026.
 * Won deals (credited bookings per quarter):
 *   s1: 300 on 2025-11-10 (its first deal, before the year); Q1 600 + 400 = 1000; Q2 500; Q3 1000
 *       (07-10); Q4 1200.  At quota in Q1, Q3, Q4: a streak of 2 at the end.
 *   s2 and s3 split B4 (2000, 2026-02-01) half and half: both first deals, 1000 each in Q1.
 *   s2: Q2 1000; Q3 1000 (09-15); Q4 nothing. At quota Q1..Q3, broken in Q4.
 *   s3: Q2 700 + 300; Q3 500; Q4 1000. At quota Q1, Q2, Q4: the break in Q3 resets the run.
 *   s4: a lost deal in Q1; an overlay of 100% on x1's 5000 in Q2 (no deal of its own); its first
 *       won deal 3000 on 2026-08-05.
 *   x1: 5000 on 2026-05-15, its first deal.
 * Team solo: s5, with monthly quotas of 100 for 2026-01..06 (so 300 a quarter) and 100 won on the
 * 10th of every month but April: at quota in 01, 02, 03, 05, 06; in Q1 (100%), not in Q2 (67%).
 * Largest single credit (owner or split) per quarter: Q1 s2 and s3 1000 (tied; s1's largest 600);
 * Q2 x1 5000 (the team sales alone: s2 1000, as s4's overlay is no deal); Q3 s4 3000; Q4 s1 1200.
 */
static int badge_setup(void **state)
{
	spm_store *st = teststore_open("badges");
	teststore_load(st, SPM_KIND_REPS,
	               "rep_id,name,manager_id,team,territory,hire_date,end_date\n"
	               "s1,Sam,,sales,,2020-01-01,\ns2,Sue,,sales,,,\ns3,Sid,,sales,,,\n"
	               "s4,Sol,,sales,,,\nx1,Xia,,other,,,\ns5,Sky,,solo,,,\n");
	teststore_load(st, SPM_KIND_DEALS,
	               "deal_id,rep_id,amount,status,close_date,currency\n"
	               "B1,s1,300,won,2025-11-10,USD\nB2,s1,600,won,2026-01-15,USD\n"
	               "B3,s1,400,won,2026-02-20,USD\nB4,s2,2000,won,2026-02-01,USD\n"
	               "B5,s4,900,lost,2026-03-01,USD\nB6,s1,500,won,2026-05-10,USD\n"
	               "B7,s2,1000,won,2026-04-20,USD\nB8,s3,700,won,2026-05-05,USD\n"
	               "B9,s3,300,won,2026-06-01,USD\nB10,x1,5000,won,2026-05-15,USD\n"
	               "B11,s1,1000,won,2026-07-10,USD\nB12,s2,1000,won,2026-09-15,USD\n"
	               "B13,s3,500,won,2026-07-20,USD\nB14,s4,3000,won,2026-08-05,USD\n"
	               "B15,s1,1200,won,2026-11-01,USD\nB16,s3,1000,won,2026-10-10,USD\n"
	               "B17,s5,100,won,2026-01-10,USD\nB18,s5,100,won,2026-02-10,USD\n"
	               "B19,s5,100,won,2026-03-10,USD\nB20,s5,100,won,2026-05-10,USD\n"
	               "B21,s5,100,won,2026-06-10,USD\n");
	teststore_load(st, SPM_KIND_CREDITS,
	               "deal_id,rep_id,share,kind\n"
	               "B4,s2,50%,revenue\nB4,s3,50%,revenue\nB10,s4,100%,overlay\n");
	teststore_load(st, SPM_KIND_QUOTAS,
	               "rep_id,team,territory,period,metric,amount\n"
	               "s1,,,2026-Q1,,1000\ns1,,,2026-Q2,,1000\ns1,,,2026-Q3,,1000\n"
	               "s1,,,2026-Q4,,1000\ns2,,,2026-Q1,,1000\ns2,,,2026-Q2,,1000\n"
	               "s2,,,2026-Q3,,1000\ns2,,,2026-Q4,,1000\ns3,,,2026-Q1,,1000\n"
	               "s3,,,2026-Q2,,1000\ns3,,,2026-Q3,,1000\ns3,,,2026-Q4,,1000\n"
	               "s5,,,2026-01,,100\ns5,,,2026-02,,100\ns5,,,2026-03,,100\n"
	               "s5,,,2026-04,,100\ns5,,,2026-05,,100\ns5,,,2026-06,,100\n");
	*state = st;
	return 0;
}

/* A badge as "PERIOD kind rep [streak=N/longest] [date] [amount CUR]". */
static int collect_badge(void *ctx, const spm_badge *b)
{
	char p[SPM_PERIOD_BUFSZ], d[SPM_DATE_BUFSZ], a[SPM_NUM_BUFSZ];
	size_t n = strlen(out);
	(*(int *)ctx)++;
	spm_period_format(p, sizeof p, &b->period);
	n += (size_t)snprintf(out + n, sizeof out - n, "%s %s %s", p, spm_badge_kind_name(b->kind),
	                      b->rep_id);
	switch (b->kind) {
	case SPM_BADGE_STREAK:
		assert_null(b->currency);
		snprintf(out + n, sizeof out - n, " streak=%d/%d\n", b->streak, b->longest);
		break;
	case SPM_BADGE_FIRST_DEAL:
		assert_null(b->currency);
		spm_date_format(d, sizeof d, b->date);
		snprintf(out + n, sizeof out - n, " %s\n", d);
		break;
	case SPM_BADGE_LARGEST_DEAL:
		assert_non_null(b->currency);
		spm_money_format(a, sizeof a, b->amount, 2);
		snprintf(out + n, sizeof out - n, " %s %s\n", a, b->currency);
		break;
	}
	assert_non_null(b->name);
	return 0;
}

static int badges(spm_store *st, const char *period, spm_period_kind step, const char *as_of,
                  const char *team, spm_error *err)
{
	spm_badge_query q = {.period = P(period),
	                     .step = step,
	                     .as_of = as_of ? D(as_of) : (spm_date){0},
	                     .team = team};
	int calls = 0;
	out[0] = '\0';
	spm_error_clear(err);
	int rc = spm_badges(st, &q, collect_badge, &calls, err);
	if (rc)
		assert_int_equal(calls, 0);
	return rc;
}

static void expect_badges(spm_store *st, const char *period, spm_period_kind step,
                          const char *as_of, const char *team, const char *want)
{
	spm_error err;
	if (badges(st, period, step, as_of, team, &err))
		fail_msg("badges: %s", err.message);
	assert_string_equal(out, want);
}

static void test_badges_year(void **state)
{
	/* by step, then kind (streak, first deal, largest deal), then rep */
	expect_badges(*state, "2026", SPM_PERIOD_QUARTER, NULL, NULL,
	              "2026-Q1 first-deal s2 2026-02-01\n"
	              "2026-Q1 first-deal s3 2026-02-01\n"
	              "2026-Q1 first-deal s5 2026-01-10\n"
	              "2026-Q1 largest-deal s2 1000.00 USD\n"
	              "2026-Q1 largest-deal s3 1000.00 USD\n"
	              "2026-Q2 first-deal x1 2026-05-15\n"
	              "2026-Q2 largest-deal x1 5000.00 USD\n"
	              "2026-Q3 first-deal s4 2026-08-05\n"
	              "2026-Q3 largest-deal s4 3000.00 USD\n"
	              "2026-Q4 streak s1 streak=2/2\n"
	              "2026-Q4 largest-deal s1 1200.00 USD\n");
	/* the team alone: x1 is out, and s4's overlay on its deal is no deal of s4's */
	expect_badges(*state, "2026", SPM_PERIOD_QUARTER, NULL, "sales",
	              "2026-Q1 first-deal s2 2026-02-01\n"
	              "2026-Q1 first-deal s3 2026-02-01\n"
	              "2026-Q1 largest-deal s2 1000.00 USD\n"
	              "2026-Q1 largest-deal s3 1000.00 USD\n"
	              "2026-Q2 largest-deal s2 1000.00 USD\n"
	              "2026-Q3 first-deal s4 2026-08-05\n"
	              "2026-Q3 largest-deal s4 3000.00 USD\n"
	              "2026-Q4 streak s1 streak=2/2\n"
	              "2026-Q4 largest-deal s1 1200.00 USD\n");
}

/*
 * To 2026-09-30 (Q4 left out): s2 is at quota in Q1..Q3, a streak of 3; s1 only in Q3 (1); s3's
 * run broke in Q3. To 2026-08-31, Q3 is cut: s2's deal of 09-15 is not in, so s2 has 0 in Q3 and
 * no streak; s4's first deal of 08-05 is.
 */
static void test_badges_as_of(void **state)
{
	expect_badges(*state, "2026", SPM_PERIOD_QUARTER, "2026-09-30", "sales",
	              "2026-Q1 first-deal s2 2026-02-01\n"
	              "2026-Q1 first-deal s3 2026-02-01\n"
	              "2026-Q1 largest-deal s2 1000.00 USD\n"
	              "2026-Q1 largest-deal s3 1000.00 USD\n"
	              "2026-Q2 largest-deal s2 1000.00 USD\n"
	              "2026-Q3 streak s2 streak=3/3\n"
	              "2026-Q3 first-deal s4 2026-08-05\n"
	              "2026-Q3 largest-deal s4 3000.00 USD\n");
	expect_badges(*state, "2026", SPM_PERIOD_QUARTER, "2026-08-31", "sales",
	              "2026-Q1 first-deal s2 2026-02-01\n"
	              "2026-Q1 first-deal s3 2026-02-01\n"
	              "2026-Q1 largest-deal s2 1000.00 USD\n"
	              "2026-Q1 largest-deal s3 1000.00 USD\n"
	              "2026-Q2 largest-deal s2 1000.00 USD\n"
	              "2026-Q3 first-deal s4 2026-08-05\n"
	              "2026-Q3 largest-deal s4 3000.00 USD\n");
	/* to the first day: one step, nothing in it yet */
	expect_badges(*state, "2026", SPM_PERIOD_QUARTER, "2026-01-01", NULL, "");
}

/*
 * The first half by quarters: s2 and s3 at quota in Q1 and Q2, streaks of 2; s1 broke in Q2.
 * The year as its own single step: s1 3600 of 4000 (90%), no streak of one step.
 * The second half by months: s4's first deal in 2026-08; July's largest is s1's 1000.
 */
static void test_badges_steps(void **state)
{
	expect_badges(*state, "2026-H1", SPM_PERIOD_QUARTER, NULL, "sales",
	              "2026-Q1 first-deal s2 2026-02-01\n"
	              "2026-Q1 first-deal s3 2026-02-01\n"
	              "2026-Q1 largest-deal s2 1000.00 USD\n"
	              "2026-Q1 largest-deal s3 1000.00 USD\n"
	              "2026-Q2 streak s2 streak=2/2\n"
	              "2026-Q2 streak s3 streak=2/2\n"
	              "2026-Q2 largest-deal s2 1000.00 USD\n");
	expect_badges(*state, "2026", SPM_PERIOD_YEAR, NULL, "sales",
	              "2026 first-deal s2 2026-02-01\n"
	              "2026 first-deal s3 2026-02-01\n"
	              "2026 first-deal s4 2026-08-05\n"
	              "2026 largest-deal s4 3000.00 USD\n");
	expect_badges(*state, "2026-H2", SPM_PERIOD_MONTH, "2026-08-31", "sales",
	              "2026-07 largest-deal s1 1000.00 USD\n"
	              "2026-08 first-deal s4 2026-08-05\n"
	              "2026-08 largest-deal s4 3000.00 USD\n");
}

/*
 * s5 by months of the first half: at quota in 01..03 (a run of 3), not in 04, then 05 and 06: a
 * streak of 2 in 2026-06, the longest 3. April has no deal: no largest deal that month.
 */
static void test_badges_longest(void **state)
{
	expect_badges(*state, "2026-H1", SPM_PERIOD_MONTH, NULL, "solo",
	              "2026-01 first-deal s5 2026-01-10\n"
	              "2026-01 largest-deal s5 100.00 USD\n"
	              "2026-02 largest-deal s5 100.00 USD\n"
	              "2026-03 largest-deal s5 100.00 USD\n"
	              "2026-05 largest-deal s5 100.00 USD\n"
	              "2026-06 streak s5 streak=2/3\n"
	              "2026-06 largest-deal s5 100.00 USD\n");
	/* to 2026-03-31: the run of 3 is the current one */
	expect_badges(*state, "2026-H1", SPM_PERIOD_MONTH, "2026-03-31", "solo",
	              "2026-01 first-deal s5 2026-01-10\n"
	              "2026-01 largest-deal s5 100.00 USD\n"
	              "2026-02 largest-deal s5 100.00 USD\n"
	              "2026-03 streak s5 streak=3/3\n"
	              "2026-03 largest-deal s5 100.00 USD\n");
}

static void test_badges_errors(void **state)
{
	spm_store *st = *state;
	spm_error err;
	spm_badge_query q = {.period = P("2026-Q1"), .step = SPM_PERIOD_YEAR};
	assert_int_equal(badges(st, "2026-Q1", SPM_PERIOD_YEAR, NULL, NULL, &err), SPM_EUSAGE);
	assert_int_equal(badges(st, "2026", SPM_PERIOD_QUARTER, "2025-12-31", NULL, &err),
	                 SPM_EUSAGE);
	assert_string_equal(err.message, "as-of date '2025-12-31' is before the period '2026'");
	assert_int_equal(badges(st, "2026", SPM_PERIOD_QUARTER, NULL, "nobody", &err), SPM_EDATA);
	assert_int_equal(badges(st, "2026", (spm_period_kind)9, NULL, NULL, &err), SPM_EUSAGE);
	assert_int_equal(spm_badges(st, NULL, collect_badge, NULL, &err), SPM_EUSAGE);
	assert_int_equal(spm_badges(st, &q, NULL, NULL, &err), SPM_EUSAGE);
}

static int stop_badges(void *ctx, const spm_badge *b)
{
	(void)b;
	return ++*(int *)ctx == 3 ? 7 : 0;
}

static void test_badges_stop(void **state)
{
	spm_error err;
	spm_badge_query q = {.period = P("2026"), .step = SPM_PERIOD_QUARTER};
	int calls = 0;
	assert_int_equal(spm_badges(*state, &q, stop_badges, &calls, &err), 7);
	assert_int_equal(calls, 3);
}

int main(void)
{
	const struct CMUnitTest parsing[] = {
	    cmocka_unit_test(test_example),        cmocka_unit_test(test_parse_defaults_and_units),
	    cmocka_unit_test(test_parse_refusals), cmocka_unit_test(test_parse_usage),
	    cmocka_unit_test(test_value_format),
	};
	const struct CMUnitTest contests[] = {
	    cmocka_unit_test(test_ranking_ties),
	    cmocka_unit_test(test_pot_to_the_cent),
	    cmocka_unit_test(test_fewer_reps_than_shares),
	    cmocka_unit_test(test_minimum),
	    cmocka_unit_test(test_milestones),
	    cmocka_unit_test(test_attainment),
	    cmocka_unit_test(test_counts),
	    cmocka_unit_test(test_as_of),
	    cmocka_unit_test(test_period_override),
	    cmocka_unit_test(test_run_errors),
	};
	const struct CMUnitTest badge_tests[] = {
	    cmocka_unit_test(test_badges_year),    cmocka_unit_test(test_badges_as_of),
	    cmocka_unit_test(test_badges_steps),   cmocka_unit_test(test_badges_errors),
	    cmocka_unit_test(test_badges_longest), cmocka_unit_test(test_badges_stop),
	};
	int failed = cmocka_run_group_tests_name("contest parsing", parsing, NULL, NULL);
	failed +=
	    cmocka_run_group_tests_name("contests", contests, contest_setup, teststore_teardown);
	failed +=
	    cmocka_run_group_tests_name("badges", badge_tests, badge_setup, teststore_teardown);
	return failed;
}
