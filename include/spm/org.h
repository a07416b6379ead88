/*
 * spm/org.h - the sales organisation as the store holds it: reps with their manager, team,
 * territory and employment dates, and the territory tree. Loaded once, read by quota allocation,
 * attainment roll-ups and capacity.
 *
 * Words used throughout spm-quota(1):
 *   - a manager is a rep whom at least one rep names as manager_id; every other rep is an
 *     individual contributor (IC). Quotas are allocated to ICs; a manager's figures are the
 *     roll-up of the reps below them;
 *   - a rep is active in [first, last] when hired on or before last (or without a hire date) and
 *     not gone before first (no end date, or one on or after first);
 *   - a rep belongs to territory T when the rep's territory is T or lies below T in the tree; a
 *     rep is below manager M when M is on the rep's chain of managers (any level). Loops in either
 *     hierarchy are cut where they close: a rep is never below themself.
 */
#ifndef SPM_ORG_H
#define SPM_ORG_H

#include <stdbool.h>
#include <stddef.h>

#include "spm/date.h"
#include "spm/error.h"
#include "spm/store.h"

#define SPM_ORG_NONE ((size_t)-1)

typedef struct spm_org_rep {
	const char *id;
	const char *name;      /* NULL when the store has none */
	const char *manager;   /* manager_id, or NULL */
	const char *team;      /* or NULL */
	const char *territory; /* or NULL */
	bool has_hire, has_end;
	spm_date hire, end;
	size_t manager_ix;   /* index of the manager in reps[], or SPM_ORG_NONE */
	size_t territory_ix; /* index of the territory in territories[], or SPM_ORG_NONE */
	bool manages;        /* someone reports to this rep */
} spm_org_rep;

typedef struct spm_org_territory {
	const char *id;
	const char *name; /* or NULL */
	size_t parent_ix; /* or SPM_ORG_NONE */
} spm_org_territory;

typedef struct spm_org {
	spm_org_rep *reps; /* in byte order of their ids */
	size_t nreps;
	spm_org_territory *territories; /* in byte order of their ids */
	size_t nterritories;
	void *arena_; /* private */
} spm_org;

/* Loads every rep and territory. Returns SPM_OK, SPM_ESTORE (a bad date), SPM_ENOMEM, ... */
int spm_org_load(spm_store *st, spm_org **out, spm_error *err);
void spm_org_free(spm_org *org);

/* The index of rep `id` or territory `id`, or SPM_ORG_NONE. */
size_t spm_org_rep_find(const spm_org *org, const char *id);
size_t spm_org_territory_find(const spm_org *org, const char *id);

/* Whether rep i is active in [first, last] (see above). */
bool spm_org_active(const spm_org *org, size_t i, spm_date first, spm_date last);
/* Whether rep i is below manager m (any level); false for i == m. */
bool spm_org_below(const spm_org *org, size_t i, size_t m);
/* Whether rep i belongs to territory t (its own territory or one below t). */
bool spm_org_in_territory(const spm_org *org, size_t i, size_t t);

#endif
