/*
 * test_rank.c - unit tests for the rank module: competition ranks, percentiles and quartiles worked
 * by hand (each comment shows the counts), ties, missing keys, both directions, the order of ties,
 * determinism under every permutation and many shuffles, figures checked against their
 * definitions on random data, medians with their rounding, keys at the int64 limits, top and
 * bottom cut-offs, and every refusal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "spm/rank.h"
#include "testutil.h"

__extension__ typedef __int128 i128;

/* Items from parallel arrays of ids and keys, each with its position as index and rank fields
   set to values spm_rank must overwrite. */
static void fill(spm_rank_item *items, size_t n, const char *const *ids, const int64_t *keys)
{
	for (size_t i = 0; i < n; i++) {
		items[i] = (spm_rank_item){.id = ids[i],
		                           .key = keys[i],
		                           .has_key = true,
		                           .index = i,
		                           .rank = 999,
		                           .percentile = {SENTINEL},
		                           .quartile = 99};
	}
}

static void rank_ok(spm_rank_item *items, size_t n, bool ascending)
{
	spm_error err;
	spm_error_clear(&err);
	int rc = spm_rank(items, n, ascending, &err);
	if (rc != SPM_OK)
		fail_msg("spm_rank failed: %s", err.message);
}

static void assert_item(const spm_rank_item *it, const char *id, size_t rank, const char *pct,
                        int quartile)
{
	assert_string_equal(it->id, id);
	assert_int_equal(it->rank, rank);
	assert_rate_text(it->percentile, pct);
	assert_int_equal(it->quartile, quartile);
}

/* A small deterministic generator, so that a failing shuffle can be replayed. */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void shuffle(spm_rank_item *items, size_t n, uint64_t *seed)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(next_random(seed) % i);
		spm_rank_item t = items[i - 1];
		items[i - 1] = items[j];
		items[j] = t;
	}
}

/* --- ranks, percentiles, quartiles --- */

static void test_worked_example(void **state)
{
	(void)state;
	/*
	 * Keys 50, 40, 40, 30, 10: n = 5 ranked, so n - 1 = 4 others each.
	 *   50: 4 worse -> 4/4 = 1     rank 1, quartile 1
	 *   40: 2 worse -> 2/4 = 0.5   rank 2, quartile 2 (both)
	 *   30: 1 worse -> 1/4 = 0.25  rank 4, quartile 3
	 *   10: 0 worse -> 0           rank 5, quartile 4
	 * Given in a scrambled order on purpose.
	 */
	const char *ids[] = {"dan", "bea", "eve", "ann", "cid"};
	const int64_t keys[] = {30, 40, 10, 50, 40};
	spm_rank_item it[5];
	fill(it, 5, ids, keys);
	rank_ok(it, 5, false);
	assert_item(&it[0], "ann", 1, "1", 1);
	assert_item(&it[1], "bea", 2, "0.5", 2);
	assert_item(&it[2], "cid", 2, "0.5", 2);
	assert_item(&it[3], "dan", 4, "0.25", 3);
	assert_item(&it[4], "eve", 5, "0", 4);
	/* The caller's indexes travel with the items. */
	assert_int_equal(it[0].index, 3);
	assert_int_equal(it[1].index, 1);
	assert_int_equal(it[2].index, 4);
	assert_int_equal(it[3].index, 0);
	assert_int_equal(it[4].index, 2);
	assert_int_equal(it[0].key, 50);
	assert_int_equal(it[4].key, 10);
}

static void test_ties_skip(void **state)
{
	(void)state;
	/*
	 * Keys 9, 7, 7, 3: ranks 1, 2, 2, 4; others = 3.
	 *   9: 3 worse -> 1; 7: 1 worse -> 1/3 = 0.33333333333... -> 0.3333333333 (down);
	 *   3: 0 worse -> 0. Quartiles 1, 3, 3, 4.
	 */
	const char *ids[] = {"a", "b", "c", "d"};
	const int64_t keys[] = {9, 7, 7, 3};
	spm_rank_item it[4];
	fill(it, 4, ids, keys);
	rank_ok(it, 4, false);
	assert_item(&it[0], "a", 1, "1", 1);
	assert_item(&it[1], "b", 2, "0.3333333333", 3);
	assert_item(&it[2], "c", 2, "0.3333333333", 3);
	assert_item(&it[3], "d", 4, "0", 4);

	/*
	 * Keys 9, 9, 7, 3: ranks 1, 1, 3, 4. 9: 2 worse of 3 -> 0.66666666666... -> 0.6666666667
	 * (rounded up): quartile 2. 7: 1/3 -> quartile 3.
	 */
	const int64_t keys2[] = {9, 9, 7, 3};
	fill(it, 4, ids, keys2);
	rank_ok(it, 4, false);
	assert_item(&it[0], "a", 1, "0.6666666667", 2);
	assert_item(&it[1], "b", 1, "0.6666666667", 2);
	assert_item(&it[2], "c", 3, "0.3333333333", 3);
	assert_item(&it[3], "d", 4, "0", 4);
}

static void test_all_equal(void **state)
{
	(void)state;
	/* Nobody is worse than anybody: all rank 1, percentile 0/3 = 0, bottom quartile. */
	const char *ids[] = {"d", "c", "b", "a"};
	const int64_t keys[] = {5, 5, 5, 5};
	spm_rank_item it[4];
	fill(it, 4, ids, keys);
	rank_ok(it, 4, false);
	assert_item(&it[0], "a", 1, "0", 4);
	assert_item(&it[1], "b", 1, "0", 4);
	assert_item(&it[2], "c", 1, "0", 4);
	assert_item(&it[3], "d", 1, "0", 4);
}

static void test_one_item(void **state)
{
	(void)state;
	/* No others to compare with: percentile 1 by definition, the top quarter. */
	const char *ids[] = {"solo"};
	const int64_t keys[] = {-12};
	spm_rank_item it[1];
	fill(it, 1, ids, keys);
	rank_ok(it, 1, false);
	assert_item(&it[0], "solo", 1, "1", 1);
	fill(it, 1, ids, keys);
	rank_ok(it, 1, true);
	assert_item(&it[0], "solo", 1, "1", 1);
}

static void test_zero_items(void **state)
{
	(void)state;
	spm_error err;
	spm_error_clear(&err);
	assert_int_equal(spm_rank(NULL, 0, false, &err), SPM_OK);
	assert_int_equal(err.code, SPM_OK);
	spm_rank_item it = {.id = NULL, .rank = 7}; /* not looked at when n is 0 */
	assert_int_equal(spm_rank(&it, 0, true, &err), SPM_OK);
	assert_int_equal(it.rank, 7);
	assert_int_equal(spm_rank(NULL, 0, false, NULL), SPM_OK);
}

static void test_missing_keys_last(void **state)
{
	(void)state;
	/*
	 * 'zed', 'amy' and 'kim' have no key (their keys are junk that must be ignored); the three
	 * with keys 20, 10, 30 rank among themselves: others = 2, so 30: 2/2 = 1, 20: 1/2 = 0.5,
	 * 10: 0. The ones without come last, by id, with rank 0, percentile 0 and quartile 0.
	 */
	const char *ids[] = {"zed", "bob", "amy", "cat", "kim", "dot"};
	const int64_t keys[] = {INT64_MAX, 20, 1000, 10, INT64_MIN, 30};
	spm_rank_item it[6];
	fill(it, 6, ids, keys);
	it[0].has_key = false;
	it[2].has_key = false;
	it[4].has_key = false;
	rank_ok(it, 6, false);
	assert_item(&it[0], "dot", 1, "1", 1);
	assert_item(&it[1], "bob", 2, "0.5", 2);
	assert_item(&it[2], "cat", 3, "0", 4);
	assert_item(&it[3], "amy", 0, "0", 0);
	assert_item(&it[4], "kim", 0, "0", 0);
	assert_item(&it[5], "zed", 0, "0", 0);
	for (size_t i = 3; i < 6; i++)
		assert_false(it[i].has_key);

	/* None with a key: all unranked, still sorted by id. */
	const char *ids2[] = {"b", "a"};
	const int64_t keys2[] = {1, 2};
	fill(it, 2, ids2, keys2);
	it[0].has_key = it[1].has_key = false;
	rank_ok(it, 2, false);
	assert_item(&it[0], "a", 0, "0", 0);
	assert_item(&it[1], "b", 0, "0", 0);
}

static void test_ascending(void **state)
{
	(void)state;
	/*
	 * Days to close, fewer is better: 12, 30, 12, 45, 7. Best first: 7 (4 worse of 4 -> 1),
	 * 12 and 12 (2 worse -> 0.5, rank 2), 30 (1 -> 0.25, rank 4), 45 (0, rank 5).
	 */
	const char *ids[] = {"p", "q", "r", "s", "t"};
	const int64_t keys[] = {12, 30, 12, 45, 7};
	spm_rank_item it[5];
	fill(it, 5, ids, keys);
	it[1].has_key = false; /* and a missing one still goes last */
	rank_ok(it, 5, true);
	/* Without q: 7, 12, 12, 45; others = 3. */
	assert_item(&it[0], "t", 1, "1", 1);
	assert_item(&it[1], "p", 2, "0.3333333333", 3);
	assert_item(&it[2], "r", 2, "0.3333333333", 3);
	assert_item(&it[3], "s", 4, "0", 4);
	assert_item(&it[4], "q", 0, "0", 0);

	fill(it, 5, ids, keys);
	rank_ok(it, 5, true);
	assert_item(&it[0], "t", 1, "1", 1);
	assert_item(&it[1], "p", 2, "0.5", 2);
	assert_item(&it[2], "r", 2, "0.5", 2);
	assert_item(&it[3], "q", 4, "0.25", 3);
	assert_item(&it[4], "s", 5, "0", 4);
}

static void test_tie_break(void **state)
{
	(void)state;
	/*
	 * Equal keys go by id in byte order, not by locale or case: "B" (0x42) before "a" (0x61),
	 * "a" before "a\xc3\xa9" (a prefix first), then by index for the same id. The same order
	 * holds ascending: it is the tie order, not the key order.
	 */
	const char *ids[] = {"a\xc3\xa9", "a", "B", "a", "b"};
	const int64_t keys[] = {1, 1, 1, 1, 1};
	spm_rank_item it[5];
	for (int asc = 0; asc < 2; asc++) {
		fill(it, 5, ids, keys);
		it[1].index = 40;
		it[3].index = 7;
		rank_ok(it, 5, asc != 0);
		assert_string_equal(it[0].id, "B");
		assert_string_equal(it[1].id, "a");
		assert_int_equal(it[1].index, 7);
		assert_string_equal(it[2].id, "a");
		assert_int_equal(it[2].index, 40);
		assert_string_equal(it[3].id, "a\xc3\xa9");
		assert_string_equal(it[4].id, "b");
		for (size_t i = 0; i < 5; i++)
			assert_int_equal(it[i].rank, 1);
	}

	/*
	 * Two items without a key that agree on id and index differ only in their junk keys; those
	 * order them, so that even then the output does not depend on the input order.
	 */
	for (int flip = 0; flip < 2; flip++) {
		spm_rank_item two[2] = {{.id = "u", .key = flip ? 3 : 5, .index = 1},
		                        {.id = "u", .key = flip ? 5 : 3, .index = 1}};
		rank_ok(two, 2, false);
		assert_int_equal(two[0].key, 3);
		assert_int_equal(two[1].key, 5);
	}
}

static void test_int64_limits(void **state)
{
	(void)state;
	/* A comparison by subtraction would overflow here and put the extremes the wrong way. */
	const char *ids[] = {"min", "max", "zero", "min1", "max1"};
	const int64_t keys[] = {INT64_MIN, INT64_MAX, 0, INT64_MIN + 1, INT64_MAX - 1};
	spm_rank_item it[5];
	fill(it, 5, ids, keys);
	rank_ok(it, 5, false);
	assert_item(&it[0], "max", 1, "1", 1);
	assert_item(&it[1], "max1", 2, "0.75", 1);
	assert_item(&it[2], "zero", 3, "0.5", 2);
	assert_item(&it[3], "min1", 4, "0.25", 3);
	assert_item(&it[4], "min", 5, "0", 4);
	fill(it, 5, ids, keys);
	rank_ok(it, 5, true);
	assert_item(&it[0], "min", 1, "1", 1);
	assert_item(&it[4], "max", 5, "0", 4);
}

static void test_percentile_rounding(void **state)
{
	(void)state;
	/*
	 * 2049 distinct keys: others = 2048 = 2^11. The second worst has 1 worse: 1/2048 =
	 * 0.00048828125 exactly, a half at the 11th decimal, so half-up gives 0.0004882813. The
	 * 1537th best has 512 worse: 512/2048 = 0.25 exactly, quartile 3, and the one above it
	 * 513/2048 = 0.25048828125 -> 0.2504882813. 1536/2048 = 0.75 exactly is quartile 1, and
	 * 1535/2048 = 0.74951171875 -> 0.7495117188 is quartile 2.
	 */
	static spm_rank_item it[2049];
	static char names[2049][8];
	for (size_t i = 0; i < 2049; i++) {
		snprintf(names[i], sizeof names[i], "r%04zu", i);
		it[i] =
		    (spm_rank_item){.id = names[i], .key = (int64_t)i, .has_key = true, .index = i};
	}
	rank_ok(it, 2049, false);
	/* Best first: position p holds key 2048 - p, which has 2048 - p worse. */
	assert_int_equal(it[2047].key, 1);
	assert_rate_text(it[2047].percentile, "0.0004882813");
	assert_int_equal(it[2048].key, 0);
	assert_rate_text(it[2048].percentile, "0");
	assert_int_equal(it[2048].rank, 2049);
	assert_int_equal(it[2048 - 512].key, 512);
	assert_rate_text(it[2048 - 512].percentile, "0.25");
	assert_int_equal(it[2048 - 512].quartile, 3);
	assert_rate_text(it[2048 - 513].percentile, "0.2504882813");
	assert_int_equal(it[2048 - 511].quartile, 4);
	assert_rate_text(it[2048 - 1536].percentile, "0.75");
	assert_int_equal(it[2048 - 1536].quartile, 1);
	assert_rate_text(it[2048 - 1535].percentile, "0.7495117188");
	assert_int_equal(it[2048 - 1535].quartile, 2);
	assert_rate_text(it[2048 - 1024].percentile, "0.5");
	assert_int_equal(it[2048 - 1024].quartile, 2);
	assert_int_equal(it[2048 - 1023].quartile, 3);
}

/* --- determinism and definitions --- */

static void assert_same_result(const spm_rank_item *a, const spm_rank_item *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(a[i].id, b[i].id);
		assert_int_equal(a[i].index, b[i].index);
		assert_int_equal(a[i].has_key, b[i].has_key);
		assert_int_equal(a[i].key, b[i].key);
		assert_int_equal(a[i].rank, b[i].rank);
		assert_int_equal(a[i].percentile.units, b[i].percentile.units);
		assert_int_equal(a[i].quartile, b[i].quartile);
	}
}

/* Heap's algorithm: visits every permutation of it[0..k-1]. */
static void permute(spm_rank_item *it, size_t k, size_t n, const spm_rank_item *want, bool asc,
                    size_t *visits)
{
	if (k <= 1) {
		spm_rank_item work[8];
		memcpy(work, it, n * sizeof *it);
		rank_ok(work, n, asc);
		assert_same_result(work, want, n);
		(*visits)++;
		return;
	}
	for (size_t i = 0; i < k; i++) {
		permute(it, k - 1, n, want, asc, visits);
		size_t j = k % 2 == 0 ? i : 0;
		spm_rank_item t = it[j];
		it[j] = it[k - 1];
		it[k - 1] = t;
	}
}

static void test_every_permutation(void **state)
{
	(void)state;
	/*
	 * Seven items with a tie on key and id (told apart by index alone), a tie on key alone and
	 * two without a key (one the same id as a ranked one): all 5040 input orders must give one
	 * output.
	 */
	const char *ids[] = {"x", "x", "y", "w", "x", "m", "n"};
	const int64_t keys[] = {5, 5, 5, 8, -1, 0, 0};
	spm_rank_item base[7], want[7];
	for (int asc = 0; asc < 2; asc++) {
		fill(base, 7, ids, keys);
		base[5].has_key = false;
		base[6].has_key = false;
		base[6].id = "x";
		memcpy(want, base, sizeof base);
		rank_ok(want, 7, asc != 0);
		size_t visits = 0;
		permute(base, 7, 7, want, asc != 0, &visits);
		assert_int_equal(visits, 5040);
	}
}

/*
 * Checks every figure against its definition, counting over the whole array rather than walking
 * groups: rank is 1 + the number strictly better, the percentile is the number strictly worse over
 * the others, rounded half-up (checked by cross-multiplying, not dividing), and the order is the
 * documented one.
 */
static void check_definitions(const spm_rank_item *it, size_t n, bool asc)
{
	size_t ranked = 0;
	for (size_t i = 0; i < n; i++)
		ranked += it[i].has_key;
	for (size_t i = 0; i < n; i++) {
		const spm_rank_item *a = &it[i];
		if (i > 0) {
			const spm_rank_item *p = &it[i - 1];
			assert_true(p->has_key || !a->has_key);
			if (p->has_key && a->has_key && p->key != a->key)
				assert_true(asc ? p->key < a->key : p->key > a->key);
			if (p->has_key == a->has_key && (!a->has_key || p->key == a->key)) {
				int c = strcmp(p->id, a->id);
				assert_true(c < 0 || (c == 0 && p->index <= a->index));
			}
		}
		if (!a->has_key) {
			assert_int_equal(a->rank, 0);
			assert_int_equal(a->percentile.units, 0);
			assert_int_equal(a->quartile, 0);
			continue;
		}
		size_t better = 0, worse = 0;
		for (size_t j = 0; j < n; j++) {
			if (!it[j].has_key || it[j].key == a->key)
				continue;
			if ((it[j].key > a->key) != asc)
				better++;
			else
				worse++;
		}
		assert_int_equal(a->rank, better + 1);
		int64_t p = a->percentile.units;
		if (ranked == 1) {
			assert_int_equal(p, SPM_RATE_ONE);
		} else {
			/* p is the integer nearest worse * 10^10 / d, halves up:
			   2 * worse * 10^10 - d < 2 * p * d <= 2 * worse * 10^10 + d */
			i128 d = (i128)(ranked - 1);
			i128 twice = 2 * (i128)worse * SPM_RATE_ONE;
			assert_true(twice - d < 2 * (i128)p * d);
			assert_true(2 * (i128)p * d <= twice + d);
		}
		int q = p >= SPM_RATE_ONE * 3 / 4 ? 1
		        : p >= SPM_RATE_ONE / 2   ? 2
		        : p >= SPM_RATE_ONE / 4   ? 3
		                                  : 4;
		assert_int_equal(a->quartile, q);
	}
}

static const char *const pool_ids[] = {"ana", "ben", "cy", "dee", "eli", "fay", "gus", "hal"};

/* Random items: few ids and few keys so that ties of every kind are common. */
static void random_items(spm_rank_item *it, size_t n, uint64_t *seed, int64_t spread)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t r = next_random(seed);
		it[i] = (spm_rank_item){
		    .id = pool_ids[r % 8],
		    .key = (int64_t)((r >> 8) % (uint64_t)spread) - spread / 2,
		    .has_key = (r >> 40) % 7 != 0,
		    .index = i,
		};
		if ((r >> 50) % 13 == 0) /* the limits too */
			it[i].key = (r >> 45) % 2 ? INT64_MAX : INT64_MIN;
	}
}

static void test_shuffles(void **state)
{
	(void)state;
	static spm_rank_item base[300], want[300], work[300];
	uint64_t seed = 0x9E3779B97F4A7C15u;
	for (int round = 0; round < 40; round++) {
		size_t n = 1 + (size_t)(next_random(&seed) % 300);
		bool asc = round % 2 == 1;
		random_items(base, n, &seed, round < 20 ? 9 : 1000);
		memcpy(want, base, n * sizeof *base);
		rank_ok(want, n, asc);
		check_definitions(want, n, asc);
		for (int s = 0; s < 25; s++) {
			memcpy(work, base, n * sizeof *base);
			shuffle(work, n, &seed);
			rank_ok(work, n, asc);
			assert_same_result(work, want, n);
		}
		/* Ranking its own output again changes nothing. */
		memcpy(work, want, n * sizeof *want);
		rank_ok(work, n, asc);
		assert_same_result(work, want, n);
	}
}

/* --- median --- */

static void median_ok(const spm_rank_item *it, size_t n, int64_t want, bool want_has)
{
	int64_t m = SENTINEL;
	bool has = !want_has;
	spm_error err;
	spm_error_clear(&err);
	int rc = spm_rank_median(it, n, &m, &has, &err);
	if (rc != SPM_OK)
		fail_msg("spm_rank_median failed: %s", err.message);
	assert_int_equal(has, want_has);
	assert_int_equal(m, want);
}

static void ranked_keys(spm_rank_item *it, size_t n, const int64_t *keys, bool asc)
{
	for (size_t i = 0; i < n; i++) {
		it[i] = (spm_rank_item){
		    .id = pool_ids[i % 8], .key = keys[i], .has_key = true, .index = i};
	}
	rank_ok(it, n, asc);
}

static void test_median_odd_even(void **state)
{
	(void)state;
	spm_rank_item it[6];
	/* 50, 40, 40, 30, 10: the middle one is 40. */
	const int64_t five[] = {10, 40, 50, 30, 40};
	ranked_keys(it, 5, five, false);
	median_ok(it, 5, 40, true);
	ranked_keys(it, 5, five, true); /* either direction */
	median_ok(it, 5, 40, true);
	/* 1, 2, 10, 40: the middle two 2 and 10 -> 6, exact. */
	const int64_t four[] = {40, 1, 10, 2};
	ranked_keys(it, 4, four, false);
	median_ok(it, 4, 6, true);
	/* 3 and 4 -> 3.5, half away from zero -> 4; one item is its own median. */
	const int64_t two[] = {4, 3};
	ranked_keys(it, 2, two, false);
	median_ok(it, 2, 4, true);
	median_ok(it, 1, 4, true); /* just the best, 4 */
	/* Items without a key do not count: 9, 7 and three missing -> 8. */
	const int64_t six[] = {9, 100, 7, -100, 0, 0};
	for (size_t i = 0; i < 6; i++) {
		it[i] =
		    (spm_rank_item){.id = pool_ids[i], .key = six[i], .has_key = i == 0 || i == 2};
	}
	rank_ok(it, 6, false);
	median_ok(it, 6, 8, true);
	/* None with a key, or none at all. */
	it[0].has_key = it[1].has_key = false;
	rank_ok(it, 6, false);
	median_ok(it, 6, 0, false);
	median_ok(NULL, 0, 0, false);
	median_ok(it, 0, 0, false);
}

static void test_median_rounding(void **state)
{
	(void)state;
	spm_rank_item it[2];
	/* -3 and -4 -> -3.5 -> -4 (away from zero, not up to -3). */
	const int64_t neg[] = {-3, -4};
	ranked_keys(it, 2, neg, false);
	median_ok(it, 2, -4, true);
	/* 1 and -2 -> -0.5 -> -1; -1 and 2 -> 0.5 -> 1; -1 and 1 -> 0 exactly. */
	const int64_t a[] = {1, -2}, b[] = {-1, 2}, c[] = {-1, 1};
	ranked_keys(it, 2, a, true);
	median_ok(it, 2, -1, true);
	ranked_keys(it, 2, b, false);
	median_ok(it, 2, 1, true);
	ranked_keys(it, 2, c, false);
	median_ok(it, 2, 0, true);
	/* -7 and -2 -> -4.5 -> -5; 7 and 2 -> 4.5 -> 5. */
	const int64_t d[] = {-7, -2}, e[] = {7, 2};
	ranked_keys(it, 2, d, false);
	median_ok(it, 2, -5, true);
	ranked_keys(it, 2, e, false);
	median_ok(it, 2, 5, true);
}

static void test_median_limits(void **state)
{
	(void)state;
	spm_rank_item it[2];
	/* The sums overflow int64; the means do not. */
	const int64_t maxes[] = {INT64_MAX, INT64_MAX};
	ranked_keys(it, 2, maxes, false);
	median_ok(it, 2, INT64_MAX, true);
	const int64_t mins[] = {INT64_MIN, INT64_MIN};
	ranked_keys(it, 2, mins, false);
	median_ok(it, 2, INT64_MIN, true);
	/* INT64_MIN + INT64_MAX = -1 -> -0.5 -> -1. */
	const int64_t both[] = {INT64_MIN, INT64_MAX};
	ranked_keys(it, 2, both, false);
	median_ok(it, 2, -1, true);
	/* INT64_MAX - 1 and INT64_MAX: ...806.5 -> INT64_MAX. */
	const int64_t top[] = {INT64_MAX - 1, INT64_MAX};
	ranked_keys(it, 2, top, true);
	median_ok(it, 2, INT64_MAX, true);
	/* INT64_MIN and INT64_MIN + 1: -...807.5 -> INT64_MIN. */
	const int64_t bottom[] = {INT64_MIN + 1, INT64_MIN};
	ranked_keys(it, 2, bottom, false);
	median_ok(it, 2, INT64_MIN, true);
}

static void assert_median_refused(const spm_rank_item *it, size_t n, int64_t *m, bool *has,
                                  const char *message)
{
	spm_error err;
	spm_error_clear(&err);
	assert_int_equal(spm_rank_median(it, n, m, has, &err), SPM_EUSAGE);
	assert_int_equal(err.code, SPM_EUSAGE);
	assert_string_equal(err.message, message);
	assert_int_equal(spm_rank_median(it, n, m, has, NULL), SPM_EUSAGE);
}

static void test_median_refusals(void **state)
{
	(void)state;
	spm_rank_item it[4];
	const int64_t keys[] = {5, 1, 9, 3};
	int64_t m = SENTINEL;
	bool has = true;
	ranked_keys(it, 4, keys, false);
	assert_median_refused(it, 4, NULL, &has, "rank median: no place for the result");
	assert_median_refused(it, 4, &m, NULL, "rank median: no place for the result");
	assert_median_refused(NULL, 3, &m, &has, "rank median: no items array for 3 items");
	/* Not sorted: 9, 1, 5, 3 goes down, up, down. */
	const char *ids[] = {"a", "b", "c", "d"};
	const int64_t unsorted[] = {9, 1, 5, 3};
	fill(it, 4, ids, unsorted);
	assert_median_refused(it, 4, &m, &has, "rank median: items[2]: keys not sorted");
	/* Sorted keys, but one with a key after one without. */
	const int64_t sorted[] = {9, 5, 3, 1};
	fill(it, 4, ids, sorted);
	it[1].has_key = false;
	assert_median_refused(it, 4, &m, &has,
	                      "rank median: items[2]: a key after items without one");
	assert_int_equal(m, SENTINEL);
	assert_true(has);
	/* Equal keys neither rise nor fall, and a run of them inside a sorted order is fine. */
	const int64_t flat[] = {9, 9, 3, 3};
	fill(it, 4, ids, flat);
	median_ok(it, 4, 6, true);
}

/* --- cut-offs --- */

static spm_rank_cutoff cut_ok(const spm_rank_item *it, size_t n, spm_rank_end end,
                              const char *share)
{
	spm_rank_cutoff c;
	memset(&c, 0x5e, sizeof c);
	spm_error err;
	spm_error_clear(&err);
	int rc = spm_rank_cut(it, n, end, rate(share), &c, &err);
	if (rc != SPM_OK)
		fail_msg("spm_rank_cut %s failed: %s", share, err.message);
	/* What the cut says holds exactly of the items it counts. */
	size_t held = 0;
	for (size_t i = 0; i < n; i++)
		held += spm_rank_cut_holds(&c, &it[i]);
	assert_int_equal(held, c.count);
	return c;
}

static void test_cut_twenty(void **state)
{
	(void)state;
	/*
	 * Keys 1..20, others = 19; key k has k - 1 worse, percentile (k - 1)/19.
	 * Top 10%: bound 0.9; (k - 1)/19 >= 0.9 <=> k - 1 >= 17.1 <=> k = 19, 20: 2 items, edge 19.
	 * Bottom 10%: (k - 1)/19 <= 0.1 <=> k - 1 <= 1.9 <=> k = 1, 2: 2 items, edge 2 (rank 19).
	 * Top 25%: k - 1 >= 14.25 <=> k = 16..20: 5 items, edge 16 (rank 5).
	 */
	static const char *ids[20] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j",
	                              "k", "l", "m", "n", "o", "p", "q", "r", "s", "t"};
	int64_t keys[20];
	for (size_t i = 0; i < 20; i++)
		keys[i] = (int64_t)i + 1;
	spm_rank_item it[20];
	fill(it, 20, ids, keys);
	rank_ok(it, 20, false);

	spm_rank_cutoff c = cut_ok(it, 20, SPM_RANK_TOP, "10%");
	assert_int_equal(c.end, SPM_RANK_TOP);
	assert_percent_text(c.bound, "90%");
	assert_int_equal(c.count, 2);
	assert_true(c.has_edge);
	assert_int_equal(c.edge_key, 19);
	assert_int_equal(c.edge_rank, 2);

	c = cut_ok(it, 20, SPM_RANK_BOTTOM, "10%");
	assert_int_equal(c.end, SPM_RANK_BOTTOM);
	assert_percent_text(c.bound, "10%");
	assert_int_equal(c.count, 2);
	assert_int_equal(c.edge_key, 2);
	assert_int_equal(c.edge_rank, 19);

	c = cut_ok(it, 20, SPM_RANK_TOP, "25%");
	assert_int_equal(c.count, 5);
	assert_int_equal(c.edge_key, 16);
	assert_int_equal(c.edge_rank, 5);

	/* 100% at either end is everyone; the edge is the worst or the best. */
	c = cut_ok(it, 20, SPM_RANK_TOP, "100%");
	assert_percent_text(c.bound, "0%");
	assert_int_equal(c.count, 20);
	assert_int_equal(c.edge_key, 1);
	c = cut_ok(it, 20, SPM_RANK_BOTTOM, "1");
	assert_int_equal(c.count, 20);
	assert_int_equal(c.edge_key, 20);
	assert_int_equal(c.edge_rank, 1);

	/* The smallest share that is a share: only the untied best, or the worst. */
	c = cut_ok(it, 20, SPM_RANK_TOP, "0.0000000001");
	assert_int_equal(c.count, 1);
	assert_int_equal(c.edge_key, 20);
	c = cut_ok(it, 20, SPM_RANK_BOTTOM, "0.0000000001");
	assert_int_equal(c.count, 1);
	assert_int_equal(c.edge_key, 1);
}

static void test_cut_ties_and_direction(void **state)
{
	(void)state;
	/*
	 * The worked example 50, 40, 40, 30, 10 with percentiles 1, 0.5, 0.5, 0.25, 0.
	 * Top 10% (bound 0.9): only 50. Top 50% (bound 0.5): 50 and both 40s, a tie wholly in,
	 * 3 of 5. Top 40% (bound 0.6): both 40s wholly out, just 50.
	 * Bottom 25%: 30 and 10, edge 30; bottom 20%: just 10.
	 */
	const char *ids[] = {"a", "b", "c", "d", "e"};
	const int64_t keys[] = {50, 40, 40, 30, 10};
	spm_rank_item it[6];
	fill(it, 5, ids, keys);
	it[5] = (spm_rank_item){.id = "nokey", .key = 1000, .has_key = false, .index = 5};
	rank_ok(it, 6, false);

	spm_rank_cutoff c = cut_ok(it, 6, SPM_RANK_TOP, "10%");
	assert_int_equal(c.count, 1);
	assert_int_equal(c.edge_key, 50);
	c = cut_ok(it, 6, SPM_RANK_TOP, "50%");
	assert_int_equal(c.count, 3);
	assert_int_equal(c.edge_key, 40);
	assert_int_equal(c.edge_rank, 2);
	c = cut_ok(it, 6, SPM_RANK_TOP, "40%");
	assert_int_equal(c.count, 1);
	c = cut_ok(it, 6, SPM_RANK_BOTTOM, "25%");
	assert_int_equal(c.count, 2);
	assert_int_equal(c.edge_key, 30);
	assert_int_equal(c.edge_rank, 4);
	c = cut_ok(it, 6, SPM_RANK_BOTTOM, "20%");
	assert_int_equal(c.count, 1);
	assert_int_equal(c.edge_key, 10);
	/* The item without a key is never inside, even at 100%. */
	c = cut_ok(it, 6, SPM_RANK_BOTTOM, "100%");
	assert_int_equal(c.count, 5);
	assert_false(spm_rank_cut_holds(&c, &it[5]));
	assert_true(spm_rank_cut_holds(&c, &it[0]));
	assert_false(spm_rank_cut_holds(NULL, &it[0]));
	assert_false(spm_rank_cut_holds(&c, NULL));

	/* Ascending (smaller is better): the top 25% edge is the largest key inside. */
	const int64_t days[] = {7, 12, 30, 45, 60};
	fill(it, 5, ids, days);
	rank_ok(it, 5, true);
	c = cut_ok(it, 5, SPM_RANK_TOP, "25%"); /* 7 (1), 12 (0.75) */
	assert_int_equal(c.count, 2);
	assert_int_equal(c.edge_key, 12);
	c = cut_ok(it, 5, SPM_RANK_BOTTOM, "25%"); /* 45 (0.25), 60 (0) */
	assert_int_equal(c.count, 2);
	assert_int_equal(c.edge_key, 45);

	/* Any order of the items gives the same cut. */
	uint64_t seed = 42;
	shuffle(it, 5, &seed);
	spm_rank_cutoff again = cut_ok(it, 5, SPM_RANK_BOTTOM, "25%");
	assert_int_equal(again.count, 2);
	assert_int_equal(again.edge_key, 45);
	assert_int_equal(again.edge_rank, 4);
}

static void test_cut_empty(void **state)
{
	(void)state;
	spm_rank_cutoff c = cut_ok(NULL, 0, SPM_RANK_TOP, "10%");
	assert_int_equal(c.count, 0);
	assert_false(c.has_edge);
	assert_int_equal(c.edge_key, 0);
	assert_int_equal(c.edge_rank, 0);
	/* All equal: every percentile is 0, so no top and an all-in bottom. */
	const char *ids[] = {"a", "b", "c"};
	const int64_t keys[] = {3, 3, 3};
	spm_rank_item it[3];
	fill(it, 3, ids, keys);
	rank_ok(it, 3, false);
	c = cut_ok(it, 3, SPM_RANK_TOP, "50%");
	assert_int_equal(c.count, 0);
	assert_false(c.has_edge);
	c = cut_ok(it, 3, SPM_RANK_BOTTOM, "10%");
	assert_int_equal(c.count, 3);
	assert_int_equal(c.edge_key, 3);
	assert_int_equal(c.edge_rank, 1);
}

/* The key in a printed cut states the selection: inside exactly when at least as good as it. */
static void test_cut_states_selection(void **state)
{
	(void)state;
	static spm_rank_item it[200];
	static const char *const shares[] = {"1%", "10%", "25%", "33.3%", "50%", "90%", "100%"};
	uint64_t seed = 7;
	for (int round = 0; round < 30; round++) {
		size_t n = 1 + (size_t)(next_random(&seed) % 200);
		bool asc = round % 3 == 0;
		random_items(it, n, &seed, round < 15 ? 6 : 500);
		rank_ok(it, n, asc);
		for (size_t s = 0; s < sizeof shares / sizeof shares[0]; s++) {
			for (int e = 0; e < 2; e++) {
				spm_rank_end end = e ? SPM_RANK_BOTTOM : SPM_RANK_TOP;
				spm_rank_cutoff c = cut_ok(it, n, end, shares[s]);
				assert_int_equal(c.has_edge, c.count > 0);
				for (size_t i = 0; i < n; i++) {
					if (!it[i].has_key || !c.has_edge)
						continue;
					bool better_or_eq =
					    asc ? it[i].key <= c.edge_key : it[i].key >= c.edge_key;
					bool worse_or_eq =
					    asc ? it[i].key >= c.edge_key : it[i].key <= c.edge_key;
					bool want = e ? worse_or_eq : better_or_eq;
					assert_int_equal(spm_rank_cut_holds(&c, &it[i]), want);
				}
			}
		}
	}
}

static void assert_cut_refused(const spm_rank_item *it, size_t n, spm_rank_end end, spm_rate share,
                               spm_rank_cutoff *out, const char *message)
{
	spm_error err;
	spm_error_clear(&err);
	assert_int_equal(spm_rank_cut(it, n, end, share, out, &err), SPM_EUSAGE);
	assert_int_equal(err.code, SPM_EUSAGE);
	assert_string_equal(err.message, message);
	assert_int_equal(spm_rank_cut(it, n, end, share, out, NULL), SPM_EUSAGE);
}

static void test_cut_refusals(void **state)
{
	(void)state;
	const char *ids[] = {"a", "b"};
	const int64_t keys[] = {2, 1};
	spm_rank_item it[2];
	fill(it, 2, ids, keys);
	rank_ok(it, 2, false);
	spm_rank_cutoff c = {.count = 77};
	assert_cut_refused(it, 2, SPM_RANK_TOP, rate("10%"), NULL,
	                   "rank cut: no place for the result");
	assert_cut_refused(NULL, 2, SPM_RANK_TOP, rate("10%"), &c,
	                   "rank cut: no items array for 2 items");
	assert_cut_refused(it, 2, (spm_rank_end)7, rate("10%"), &c,
	                   "rank cut: end 7: not top or bottom");
	assert_cut_refused(it, 2, SPM_RANK_TOP, rate("0"), &c,
	                   "rank cut: share '0%': not above 0% and at most 100%");
	assert_cut_refused(it, 2, SPM_RANK_BOTTOM, rate("-5%"), &c,
	                   "rank cut: share '-5%': not above 0% and at most 100%");
	assert_cut_refused(it, 2, SPM_RANK_TOP, rate("100.0000001%"), &c,
	                   "rank cut: share '100.0000001%': not above 0% and at most 100%");
	assert_int_equal(c.count, 77);
}

/* --- refusals of spm_rank --- */

/* Field by field: the padding between a struct's fields holds no value to compare. */
static void assert_same_items(const spm_rank_item *a, const spm_rank_item *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		assert_ptr_equal(a[i].id, b[i].id);
		assert_int_equal(a[i].key, b[i].key);
		assert_int_equal(a[i].has_key, b[i].has_key);
		assert_int_equal(a[i].index, b[i].index);
		assert_int_equal(a[i].rank, b[i].rank);
		assert_int_equal(a[i].percentile.units, b[i].percentile.units);
		assert_int_equal(a[i].quartile, b[i].quartile);
	}
}

static void test_rank_refusals(void **state)
{
	(void)state;
	spm_error err;
	spm_error_clear(&err);
	assert_int_equal(spm_rank(NULL, 2, false, &err), SPM_EUSAGE);
	assert_int_equal(err.code, SPM_EUSAGE);
	assert_string_equal(err.message, "rank: no items array for 2 items");
	assert_int_equal(spm_rank(NULL, 1, true, NULL), SPM_EUSAGE);

	/* An item without an id: refused before anything moves or is filled in. */
	const char *ids[] = {"c", "b", "a"};
	const int64_t keys[] = {1, 2, 3};
	spm_rank_item it[3], before[3];
	fill(it, 3, ids, keys);
	it[2].id = NULL;
	memcpy(before, it, sizeof it);
	spm_error_clear(&err);
	assert_int_equal(spm_rank(it, 3, false, &err), SPM_EUSAGE);
	assert_int_equal(err.code, SPM_EUSAGE);
	assert_string_equal(err.message, "rank: items[2]: no id");
	assert_same_items(it, before, 3);
	/* Also for an item without a key, and with no error record. */
	it[2].has_key = false;
	memcpy(before, it, sizeof it);
	assert_int_equal(spm_rank(it, 3, false, NULL), SPM_EUSAGE);
	assert_same_items(it, before, 3);
}
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_worked_example),
	    cmocka_unit_test(test_ties_skip),
	    cmocka_unit_test(test_all_equal),
	    cmocka_unit_test(test_one_item),
	    cmocka_unit_test(test_zero_items),
	    cmocka_unit_test(test_missing_keys_last),
	    cmocka_unit_test(test_ascending),
	    cmocka_unit_test(test_tie_break),
	    cmocka_unit_test(test_int64_limits),
	    cmocka_unit_test(test_percentile_rounding),
	    cmocka_unit_test(test_every_permutation),
	    cmocka_unit_test(test_shuffles),
	    cmocka_unit_test(test_median_odd_even),
	    cmocka_unit_test(test_median_rounding),
	    cmocka_unit_test(test_median_limits),
	    cmocka_unit_test(test_median_refusals),
	    cmocka_unit_test(test_cut_twenty),
	    cmocka_unit_test(test_cut_ties_and_direction),
	    cmocka_unit_test(test_cut_empty),
	    cmocka_unit_test(test_cut_states_selection),
	    cmocka_unit_test(test_cut_refusals),
	    cmocka_unit_test(test_rank_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
