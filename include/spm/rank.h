/*
 * spm/rank.h - rankings and percentiles for leaderboards, top and low performers, and peers.
 *
 * The caller fills an array of spm_rank_item, one per rep (or team, territory, ...), each with an
 * exact integer key in the caller's own scale: money units, a count, rate units. spm_rank sorts the
 * array best first and gives every item its competition rank, its percentile among its peers and
 * its quartile. The figures are exact: a percentile is a ratio of two counts rounded once at the
 * rate scale, never a binary float. The result depends only on the items, never on the order they
 * came in, so a report prints the same rows whatever order the store returned them in.
 *
 * Nothing here allocates; the array belongs to the caller and the ids stay borrowed.
 */
#ifndef SPM_RANK_H
#define SPM_RANK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spm/error.h"
#include "spm/money.h"

/*
 * One ranked value. The caller sets id, key, has_key and index; spm_rank sets the rest.
 *
 * A value without a key (has_key false, e.g. a rep without a quota has no attainment) is kept but
 * not ranked: it takes no rank, is nobody's peer and counts for no percentile or median. Its key
 * is ignored and may hold anything.
 */
typedef struct spm_rank_item {
	const char *id; /* borrowed; must outlive the item; compared as bytes (strcmp) */
	int64_t key;    /* the value ranked, an exact integer in the caller's scale */
	bool has_key;   /* false when the value is missing */
	size_t index;   /* the caller's own index, carried along: spm_rank sorts in place */
	/* Set by spm_rank: */
	size_t rank;         /* 1-based competition rank among the items with a key: equal keys
	                        share it and the next key skips as many (1, 2, 2, 4); 0 without a
	                        key */
	spm_rate percentile; /* the share of the other ranked items whose key is strictly worse,
	                        worse / (n - 1) for n ranked items, rounded half-up at the rate
	                        scale (0..1); 1 when n is 1; equal keys share it, so when all n > 1
	                        keys are equal every one is 0 (nobody beats anyone); 0 without a
	                        key (rank 0 tells it apart from a real 0) */
	int quartile;        /* from percentile: >= 0.75 is 1 (the top quarter), >= 0.5 is 2,
	                        >= 0.25 is 3, lower is 4; 0 without a key */
} spm_rank_item;

/*
 * Sorts items[0..n-1] in place, best first: the largest key first, or the smallest when ascending
 * is true (e.g. days to close). Equal keys are ordered by id in byte order (strcmp), then by
 * index. Items without a key come last, by id then index, whatever their key holds. Then sets
 * rank, percentile and quartile of every item.
 *
 * Worked example, keys 50, 40, 40, 30, 10 (descending): ranks 1, 2, 2, 4, 5; worse counts 4, 2,
 * 2, 1, 0 over n - 1 = 4, so percentiles 1, 0.5, 0.5, 0.25, 0 and quartiles 1, 2, 2, 3, 4.
 *
 * Deterministic: the same items in any order come out in the same order with the same figures
 * (two items that agree on key, id and index are interchangeable, as nothing else orders them).
 *
 * Returns SPM_OK (n may be 0; items may then be NULL), or SPM_EUSAGE when items is NULL with
 * n > 0 or an item's id is NULL; on failure items are left exactly as they were. err may be NULL.
 */
int spm_rank(spm_rank_item *items, size_t n, bool ascending, spm_error *err);

/*
 * The median of the keys of the items with a key, for items as spm_rank left them (sorted, the
 * items with a key first): the middle key for an odd count; for an even count the mean of the two
 * middle keys, rounded half away from zero in the key's own scale (3 and 4 give 4, -3 and -4 give
 * -4, 1 and -2 give -1). No overflow: keys at INT64_MIN and INT64_MAX are fine. items are not
 * changed.
 *
 * Sets *median and *has = true, or *median = 0 and *has = false when no item has a key (n may be
 * 0 and items NULL then). Returns SPM_OK, or SPM_EUSAGE when median or has is NULL, items is NULL
 * with n > 0, or items are not in an order spm_rank leaves (an item with a key after one without,
 * or keys that go both up and down); *median and *has are unchanged on failure.
 */
int spm_rank_median(const spm_rank_item *items, size_t n, int64_t *median, bool *has,
                    spm_error *err);

/* Which end of a ranking a selection takes. */
typedef enum spm_rank_end {
	SPM_RANK_TOP,   /* the best: percentile >= 1 - share */
	SPM_RANK_BOTTOM /* the worst: percentile <= share */
} spm_rank_end;

/*
 * A "top p" or "bottom p" selection, stated so a report can print it whole, e.g.
 *     top 10%: percentile >= 90% (attainment >= 1.23)
 *     bottom 25%: percentile <= 25% (bookings <= 10000)
 * An item is inside when it has a key and its percentile is within bound. Because equal keys share
 * a percentile and a better key never has a lower one, the items inside are exactly those whose
 * key is edge_key or better (top) or edge_key or worse (bottom): a tie group is wholly in or
 * wholly out, and the key in parentheses states the selection as truly as the percentile does.
 */
typedef struct spm_rank_cutoff {
	spm_rank_end end;
	spm_rate bound;   /* top: the least percentile inside (1 - share); bottom: the greatest
	                     (share) */
	size_t count;     /* how many items are inside */
	bool has_edge;    /* false when no item is inside (then edge_key is 0) */
	int64_t edge_key; /* the key at the inner edge: the worst key inside a top selection, the
	                     best inside a bottom one (for a descending ranking, the smallest
	                     key of the top, the largest of the bottom) */
	size_t edge_rank; /* the rank of the items with edge_key; 0 when none is inside */
} spm_rank_cutoff;

/*
 * Fills *out with the selection of `share` (a rate, 0 < share <= 1: 0.1 for 10%) at `end` of the
 * items as spm_rank set them. Any order is fine: only has_key, key, rank and percentile are read.
 * A top selection holds the items whose percentile is >= 1 - share, a bottom one those whose
 * percentile is <= share. With 20 items a 10% selection holds 2 at either end; with 5 items the top
 * 10% holds only the best (its percentile 1, the next 0.75), the bottom 10% only the worst.
 *
 * Returns SPM_OK, or SPM_EUSAGE when out is NULL, items is NULL with n > 0, end is not an
 * spm_rank_end or share is outside (0, 1]; *out is unchanged on failure. err may be NULL.
 */
int spm_rank_cut(const spm_rank_item *items, size_t n, spm_rank_end end, spm_rate share,
                 spm_rank_cutoff *out, spm_error *err);

/*
 * Whether item is inside the selection cut: it has a key and its percentile is within cut's
 * bound. False when cut or item is NULL.
 */
bool spm_rank_cut_holds(const spm_rank_cutoff *cut, const spm_rank_item *item);

#endif
