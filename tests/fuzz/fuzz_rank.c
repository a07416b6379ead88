/*
 * fuzz_rank.c - libFuzzer target for the rank module.
 *
 * The bytes become up to 64 items (few ids and few keys, so that ties of every kind occur, and
 * the int64 limits), a direction and a share. The ranking must meet its definitions counted over
 * the whole array, must not depend on the input order (the reversed input ranks the same), the
 * median must be the middle key or the mean of the middle two rounded half away from zero, and a
 * top or bottom cut must hold exactly the items whose key is as good as its edge key, or as bad.
 * Any broken promise aborts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spm/rank.h"

__extension__ typedef __int128 i128;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ITEMS 64

static const char *const ids[] = {"a", "b", "ab", "B", "", "a\xc3\xa9"};

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_rank: broken: %s\n", what);
		abort();
	}
}

static int64_t key_of(uint8_t b)
{
	switch (b) {
	case 0xff:
		return INT64_MAX;
	case 0xfe:
		return INT64_MIN;
	case 0xfd:
		return INT64_MAX - 1;
	case 0xfc:
		return INT64_MIN + 1;
	default:
		return (int64_t)(b % 16) - 8;
	}
}

static bool better(int64_t a, int64_t b, bool asc)
{
	return asc ? a < b : a > b;
}

static void check_definitions(const spm_rank_item *it, size_t n, bool asc)
{
	size_t ranked = 0;
	for (size_t i = 0; i < n; i++)
		ranked += it[i].has_key ? 1 : 0;
	for (size_t i = 0; i < n; i++) {
		const spm_rank_item *a = &it[i];
		check(i < ranked ? a->has_key : !a->has_key, "items with a key come first");
		if (i > 0 && i < ranked)
			check(!better(a->key, it[i - 1].key, asc), "best first");
		if (!a->has_key) {
			check(a->rank == 0 && a->percentile.units == 0 && a->quartile == 0,
			      "no figures without a key");
			continue;
		}
		size_t nbetter = 0, nworse = 0;
		for (size_t j = 0; j < ranked; j++) {
			nbetter += better(it[j].key, a->key, asc) ? 1 : 0;
			nworse += better(a->key, it[j].key, asc) ? 1 : 0;
		}
		check(a->rank == nbetter + 1, "rank is 1 + the number better");
		int64_t p = a->percentile.units;
		if (ranked == 1) {
			check(p == SPM_RATE_ONE, "a lone item is at 1");
		} else {
			i128 d = (i128)(ranked - 1), twice = 2 * (i128)nworse * SPM_RATE_ONE;
			check(twice - d < 2 * (i128)p * d && 2 * (i128)p * d <= twice + d,
			      "percentile is worse / others rounded half-up");
		}
		int q = p >= SPM_RATE_ONE * 3 / 4 ? 1
		        : p >= SPM_RATE_ONE / 2   ? 2
		        : p >= SPM_RATE_ONE / 4   ? 3
		                                  : 4;
		check(a->quartile == q, "quartile from the percentile");
	}
}

static void check_median(const spm_rank_item *it, size_t n)
{
	size_t ranked = 0;
	while (ranked < n && it[ranked].has_key)
		ranked++;
	int64_t m = 0;
	bool has = false;
	check(spm_rank_median(it, n, &m, &has, NULL) == SPM_OK, "median of a ranking");
	check(has == (ranked > 0), "a median when a key exists");
	if (ranked == 0)
		return;
	if (ranked % 2 == 1) {
		check(m == it[ranked / 2].key, "odd count: the middle key");
		return;
	}
	i128 sum = (i128)it[ranked / 2 - 1].key + it[ranked / 2].key;
	i128 twice = 2 * (i128)m;
	if (sum % 2 == 0)
		check(twice == sum, "even count: the exact mean");
	else
		check(sum > 0 ? twice == sum + 1 : twice == sum - 1, "a half goes away from zero");
}

static void check_cut(const spm_rank_item *it, size_t n, spm_rank_end end, spm_rate share, bool asc)
{
	spm_rank_cutoff c;
	check(spm_rank_cut(it, n, end, share, &c, NULL) == SPM_OK, "cut of a ranking");
	check(c.has_edge == (c.count > 0), "an edge when something is inside");
	size_t held = 0;
	for (size_t i = 0; i < n; i++) {
		bool in = spm_rank_cut_holds(&c, &it[i]);
		held += in ? 1 : 0;
		if (!it[i].has_key) {
			check(!in, "nothing without a key is inside");
			continue;
		}
		if (!c.has_edge)
			continue;
		bool want = end == SPM_RANK_TOP ? !better(c.edge_key, it[i].key, asc)
		                                : !better(it[i].key, c.edge_key, asc);
		check(in == want, "the edge key states the selection");
		if (it[i].key == c.edge_key)
			check(it[i].rank == c.edge_rank, "the edge rank is the edge key's");
	}
	check(held == c.count, "the count is what holds");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static spm_rank_item items[MAX_ITEMS], again[MAX_ITEMS];
	if (size < 2)
		return 0;
	bool asc = (data[0] & 1) != 0;
	spm_rate share = {(int64_t)(data[1] % 101) * (SPM_RATE_ONE / 100)};
	data += 2;
	size -= 2;
	size_t n = size / 2 < MAX_ITEMS ? size / 2 : MAX_ITEMS;
	for (size_t i = 0; i < n; i++) {
		uint8_t b = data[2 * i];
		items[i] = (spm_rank_item){.id = ids[(b & 0x7f) % 6],
		                           .key = key_of(data[2 * i + 1]),
		                           .has_key = (b & 0x80) == 0,
		                           .index = (b >> 3) & 3, /* repeated indexes too */
		                           .rank = 12345};
	}
	for (size_t i = 0; i < n; i++)
		again[i] = items[n - 1 - i];

	check(spm_rank(items, n, asc, NULL) == SPM_OK, "rank");
	check(spm_rank(again, n, asc, NULL) == SPM_OK, "rank reversed");
	for (size_t i = 0; i < n; i++) {
		check(strcmp(items[i].id, again[i].id) == 0 && items[i].index == again[i].index &&
		          items[i].has_key == again[i].has_key && items[i].key == again[i].key &&
		          items[i].rank == again[i].rank &&
		          items[i].percentile.units == again[i].percentile.units &&
		          items[i].quartile == again[i].quartile,
		      "the input order does not matter");
	}
	check_definitions(items, n, asc);
	check_median(items, n);
	if (share.units > 0) {
		check_cut(items, n, SPM_RANK_TOP, share, asc);
		check_cut(items, n, SPM_RANK_BOTTOM, share, asc);
	} else {
		spm_rank_cutoff c;
		check(spm_rank_cut(items, n, SPM_RANK_TOP, share, &c, NULL) == SPM_EUSAGE,
		      "a zero share is refused");
	}
	return 0;
}
