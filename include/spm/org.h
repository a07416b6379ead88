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

/* The levels figures roll up to. */
typedef enum spm_level {
	SPM_LEVEL_REP,
	SPM_LEVEL_MANAGER,
	SPM_LEVEL_TEAM,
	SPM_LEVEL_TERRITORY,
	SPM_LEVEL_COMPANY,
	SPM_LEVEL_COUNT
} spm_level;

/* "rep", "manager", "team", "territory", "company"; parse returns -1 for another word. */
const char *spm_level_name(spm_level level);
int spm_level_parse(const char *word);

typedef struct spm_org_rep {
	const char *id;
	const char *name;      /* NULL when the store has none */
	const char *manager;   /* manager_id, or NULL */
	const char *team;      /* or NULL */
	const char *territory; /* or NULL */
	const char *role;      /* or NULL */
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
	const char **teams; /* the reps' teams, each once, in byte order (pointing into reps) */
	size_t nteams;
} spm_org;

/* Loads every rep and territory. Returns SPM_OK, SPM_ESTORE (a bad date), SPM_ENOMEM, ... */
int spm_org_load(spm_store *st, spm_org **out, spm_error *err);
void spm_org_free(spm_org *org);

/* The index of rep `id` or territory `id`, or SPM_ORG_NONE. */
size_t spm_org_rep_find(const spm_org *org, const char *id);
size_t spm_org_territory_find(const spm_org *org, const char *id);

size_t spm_org_team_find(const spm_org *org, const char *team);

/* Whether rep i is active in [first, last] (see above). */
bool spm_org_active(const spm_org *org, size_t i, spm_date first, spm_date last);
/* Whether rep i is below manager m (any level); false for i == m. */
bool spm_org_below(const spm_org *org, size_t i, size_t m);
/* Whether rep i belongs to territory t (its own territory or one below t). */
bool spm_org_in_territory(const spm_org *org, size_t i, size_t t);

/*
 * Calls fn(ctx, level, index) for every roll-up that counts rep i: the rep itself when it manages
 * others and every manager above it (SPM_LEVEL_MANAGER, index into reps), its team
 * (SPM_LEVEL_TEAM, index into teams), its territory and every one above (SPM_LEVEL_TERRITORY,
 * index into territories), and the company (SPM_LEVEL_COMPANY, 0); loops cut. Stops at and
 * returns fn's first non-zero return.
 */
typedef int (*spm_org_rollup_fn)(void *ctx, spm_level level, size_t index);
int spm_org_rollups(const spm_org *org, size_t i, spm_org_rollup_fn fn, void *ctx);

/*
 * Rows chosen by filters (each NULL: any): reps of a team, reps of a territory or below it, one
 * rep. Filters choose rows; they never change a figure.
 */
typedef struct spm_org_filter {
	const char *team, *territory, *rep;
} spm_org_filter;

typedef struct spm_org_shown {
	bool *rep;               /* per rep: it passes the filters */
	bool *group[SPM_LEVEL_COUNT]; /* per group of each level: it holds a rep that passes */
} spm_org_shown;

/*
 * Fills *out (free with spm_org_shown_free). SPM_EDATA for a filter naming nothing in the store:
 * "no team 'X' in the store" (also territory, rep); SPM_ENOMEM.
 */
int spm_org_shown_make(const spm_org *org, const spm_org_filter *f, spm_org_shown *out,
                       spm_error *err);
void spm_org_shown_free(spm_org_shown *s);

#endif
