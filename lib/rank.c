/*
 * rank.c - competition ranks, percentiles, quartiles, medians and top/bottom cut-offs over exact
 * integer keys, for the leaderboards, performer lists and peer comparisons of spm-report.
 *
 * The order is total (key, then id, then index), so qsort's instability cannot show: items that
 * compare equal hold the same id text, key and index, and get the same figures. Percentiles are counts over counts,
 * rounded once at the rate scale, so every figure here is exact and reproducible.
 */
#include "spm/rank.h"

#include <stdlib.h>
#include <string.h>

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

static int cmp_i64(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

/* Ties and items without a key are ordered the same way whatever the direction of the keys. */
static int cmp_rest(const spm_rank_item *a, const spm_rank_item *b)
{
	int c = strcmp(a->id, b->id);
	if (c != 0)
		return c;
	if (a->index != b->index)
		return a->index < b->index ? -1 : 1;
	/* An unranked item's key means nothing, but ordering by it keeps the output whole. */
	return a->has_key ? 0 : cmp_i64(a->key, b->key);
}

/* qsort has no context argument, hence one comparator per direction. */
static int cmp_desc(const void *pa, const void *pb)
{
	const spm_rank_item *a = pa, *b = pb;
	if (a->has_key != b->has_key)
		return a->has_key ? -1 : 1;
	int c = a->has_key ? cmp_i64(b->key, a->key) : 0;
	return c != 0 ? c : cmp_rest(a, b);
}

static int cmp_asc(const void *pa, const void *pb)
{
	const spm_rank_item *a = pa, *b = pb;
	if (a->has_key != b->has_key)
		return a->has_key ? -1 : 1;
	int c = a->has_key ? cmp_i64(a->key, b->key) : 0;
	return c != 0 ? c : cmp_rest(a, b);
}

/* worse / (others) at the rate scale, rounded half-up; both are non-negative, worse <= others. */
static spm_rate share_of(size_t worse, size_t others)
{
	spm_rate r = {SPM_RATE_ONE};
	if (others == 0)
		return r;
	u128 num = (u128)worse * (u128)SPM_RATE_ONE;
	u128 den = (u128)others;
	r.units = (int64_t)((2 * num + den) / (2 * den));
	return r;
}

static int quartile_of(spm_rate p)
{
	if (p.units >= SPM_RATE_ONE / 4 * 3)
		return 1;
	if (p.units >= SPM_RATE_ONE / 2)
		return 2;
	if (p.units >= SPM_RATE_ONE / 4)
		return 3;
	return 4;
}

int spm_rank(spm_rank_item *items, size_t n, bool ascending, spm_error *err)
{
	if (n == 0)
		return SPM_OK;
	if (!items)
		return spm_error_set(err, SPM_EUSAGE, "rank: no items array for %zu items", n);
	for (size_t i = 0; i < n; i++) {
		if (!items[i].id)
			return spm_error_set(err, SPM_EUSAGE, "rank: items[%zu]: no id", i);
	}

	qsort(items, n, sizeof *items, ascending ? cmp_asc : cmp_desc);

	size_t ranked = 0;
	while (ranked < n && items[ranked].has_key)
		ranked++;
	for (size_t i = 0; i < ranked;) {
		size_t end = i + 1;
		while (end < ranked && items[end].key == items[i].key)
			end++;
		spm_rate p = share_of(ranked - end, ranked - 1);
		int q = quartile_of(p);
		for (size_t k = i; k < end; k++) {
			items[k].rank = i + 1;
			items[k].percentile = p;
			items[k].quartile = q;
		}
		i = end;
	}
	for (size_t i = ranked; i < n; i++) {
		items[i].rank = 0;
		items[i].percentile.units = 0;
		items[i].quartile = 0;
	}
	return SPM_OK;
}

/* The mean of a and b rounded half away from zero; it lies between them, so it fits. */
static int64_t mean_half_away(int64_t a, int64_t b)
{
	i128 sum = (i128)a + b;
	i128 q = sum / 2; /* truncated toward zero */
	if (sum % 2 != 0)
		q += sum > 0 ? 1 : -1;
	return (int64_t)q;
}

int spm_rank_median(const spm_rank_item *items, size_t n, int64_t *median, bool *has,
                    spm_error *err)
{
	if (!median || !has)
		return spm_error_set(err, SPM_EUSAGE, "rank median: no place for the result");
	if (n > 0 && !items)
		return spm_error_set(err, SPM_EUSAGE, "rank median: no items array for %zu items",
		                     n);

	/*
	 * Checking the order costs one pass and turns a caller who forgot spm_rank into an error
	 * instead of a plausible wrong median.
	 */
	size_t ranked = 0;
	while (ranked < n && items[ranked].has_key)
		ranked++;
	for (size_t i = ranked; i < n; i++) {
		if (items[i].has_key)
			return spm_error_set(
			    err, SPM_EUSAGE,
			    "rank median: items[%zu]: a key after items without one", i);
	}
	bool rises = false, falls = false;
	for (size_t i = 1; i < ranked; i++) {
		rises = rises || items[i].key > items[i - 1].key;
		falls = falls || items[i].key < items[i - 1].key;
		if (rises && falls)
			return spm_error_set(err, SPM_EUSAGE,
			                     "rank median: items[%zu]: keys not sorted", i);
	}

	if (ranked == 0) {
		*median = 0;
		*has = false;
	} else if (ranked % 2 == 1) {
		*median = items[ranked / 2].key;
		*has = true;
	} else {
		*median = mean_half_away(items[ranked / 2 - 1].key, items[ranked / 2].key);
		*has = true;
	}
	return SPM_OK;
}

static bool within(spm_rank_end end, spm_rate bound, spm_rate p)
{
	return end == SPM_RANK_TOP ? p.units >= bound.units : p.units <= bound.units;
}

int spm_rank_cut(const spm_rank_item *items, size_t n, spm_rank_end end, spm_rate share,
                 spm_rank_cutoff *out, spm_error *err)
{
	if (!out)
		return spm_error_set(err, SPM_EUSAGE, "rank cut: no place for the result");
	if (n > 0 && !items)
		return spm_error_set(err, SPM_EUSAGE, "rank cut: no items array for %zu items", n);
	if (end != SPM_RANK_TOP && end != SPM_RANK_BOTTOM)
		return spm_error_set(err, SPM_EUSAGE, "rank cut: end %d: not top or bottom",
		                     (int)end);
	if (share.units <= 0 || share.units > SPM_RATE_ONE) {
		char buf[SPM_NUM_BUFSZ];
		spm_rate_format(buf, sizeof buf, share, true);
		return spm_error_set(err, SPM_EUSAGE,
		                     "rank cut: share '%s': not above 0%% and at most 100%%", buf);
	}

	spm_rank_cutoff cut = {.end = end};
	cut.bound.units = end == SPM_RANK_TOP ? SPM_RATE_ONE - share.units : share.units;
	const spm_rank_item *edge = NULL;
	for (size_t i = 0; i < n; i++) {
		const spm_rank_item *it = &items[i];
		if (!it->has_key || !within(end, cut.bound, it->percentile))
			continue;
		cut.count++;
		/* Ranks follow the keys, so the inner edge is the worst rank of a top selection. */
		if (!edge || (end == SPM_RANK_TOP ? it->rank > edge->rank : it->rank < edge->rank))
			edge = it;
	}
	if (edge) {
		cut.has_edge = true;
		cut.edge_key = edge->key;
		cut.edge_rank = edge->rank;
	}
	*out = cut;
	return SPM_OK;
}

bool spm_rank_cut_holds(const spm_rank_cutoff *cut, const spm_rank_item *item)
{
	if (!cut || !item || !item->has_key)
		return false;
	return within(cut->end, cut->bound, item->percentile);
}
