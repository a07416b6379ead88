/*
 * org.c - the sales organisation loaded from the store (see spm/org.h).
 */
#include "spm/org.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "stmtutil.h"
#include "util.h"

static char *dup_col(spm_stmt *s, int col, bool *failed)
{
	if (spm_stmt_is_null(s, col))
		return NULL;
	char *t = strdup(spm_stmt_text(s, col, NULL));
	if (!t)
		*failed = true;
	return t;
}

static int load_territories(spm_store *st, spm_org *o, spm_error *err)
{
	spm_stmt *q = NULL;
	size_t cap = 0;
	bool failed = false;
	int rc = spm_stmt_prepare(st, &q,
	                          "SELECT territory_id, name, parent_id FROM territories"
	                          " ORDER BY territory_id",
	                          err);
	char **parents = NULL;
	while (rc == SPM_OK && (rc = spm_stmt_step(q, err)) == SPM_ROW) {
		if (o->nterritories == cap) {
			size_t n = cap ? 2 * cap : 64;
			spm_org_territory *t = realloc(o->territories, n * sizeof *t);
			char **p = realloc(parents, n * sizeof *p);
			if (t)
				o->territories = t;
			if (p)
				parents = p;
			if (!t || !p) {
				rc = spm_error_set(err, SPM_ENOMEM, "out of memory");
				break;
			}
			cap = n;
		}
		spm_org_territory *t = &o->territories[o->nterritories];
		t->id = dup_col(q, 0, &failed);
		t->name = dup_col(q, 1, &failed);
		t->parent_ix = SPM_ORG_NONE;
		parents[o->nterritories++] = dup_col(q, 2, &failed);
		rc = failed ? spm_error_set(err, SPM_ENOMEM, "out of memory") : SPM_OK;
	}
	spm_stmt_finalize(q);
	if (rc == SPM_DONE) /* in strcmp order: ORDER BY compares with memcmp (BINARY) */
		rc = SPM_OK;
	for (size_t i = 0; i < o->nterritories; i++) {
		if (rc == SPM_OK && parents[i])
			o->territories[i].parent_ix = spm_org_territory_find(o, parents[i]);
		free(parents[i]);
	}
	free(parents);
	return rc;
}

static int load_reps(spm_store *st, spm_org *o, spm_error *err)
{
	spm_stmt *q = NULL;
	size_t cap = 0;
	bool failed = false;
	int rc = spm_stmt_prepare(st, &q,
	                          "SELECT rep_id, name, manager_id, team, territory, hire_date,"
	                          " end_date, role FROM reps ORDER BY rep_id",
	                          err);
	while (rc == SPM_OK && (rc = spm_stmt_step(q, err)) == SPM_ROW) {
		if (o->nreps == cap) {
			size_t n = cap ? 2 * cap : 256;
			spm_org_rep *r = realloc(o->reps, n * sizeof *r);
			if (!r) {
				rc = spm_error_set(err, SPM_ENOMEM, "out of memory");
				break;
			}
			o->reps = r;
			cap = n;
		}
		spm_org_rep *r = &o->reps[o->nreps++];
		memset(r, 0, sizeof *r);
		r->id = dup_col(q, 0, &failed);
		r->name = dup_col(q, 1, &failed);
		r->manager = dup_col(q, 2, &failed);
		r->team = dup_col(q, 3, &failed);
		r->territory = dup_col(q, 4, &failed);
		r->role = dup_col(q, 7, &failed);
		if (failed || !r->id)
			rc = spm_error_set(err, SPM_ENOMEM, "out of memory");
		else if (!(rc = spm_column_date(q, 5, &r->hire, &r->has_hire, err)))
			rc = spm_column_date(q, 6, &r->end, &r->has_end, err);
	}
	spm_stmt_finalize(q);
	if (rc != SPM_DONE)
		return rc;
	for (size_t i = 0; i < o->nreps; i++) {
		spm_org_rep *r = &o->reps[i];
		r->manager_ix = r->manager ? spm_org_rep_find(o, r->manager) : SPM_ORG_NONE;
		r->territory_ix = r->territory ? spm_org_territory_find(o, r->territory) : SPM_ORG_NONE;
		if (r->manager_ix != SPM_ORG_NONE && r->manager_ix != i)
			o->reps[r->manager_ix].manages = true;
	}
	return SPM_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The reps' teams, each once, sorted. */
static int collect_teams(spm_org *o, spm_error *err)
{
	o->teams = malloc((o->nreps + 1) * sizeof *o->teams);
	if (!o->teams)
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	for (size_t i = 0; i < o->nreps; i++)
		if (o->reps[i].team)
			o->teams[o->nteams++] = o->reps[i].team;
	qsort(o->teams, o->nteams, sizeof *o->teams, cmp_str);
	size_t n = 0;
	for (size_t i = 0; i < o->nteams; i++)
		if (!n || strcmp(o->teams[n - 1], o->teams[i]) != 0)
			o->teams[n++] = o->teams[i];
	o->nteams = n;
	return SPM_OK;
}

int spm_org_load(spm_store *st, spm_org **out, spm_error *err)
{
	spm_org *o = calloc(1, sizeof *o);
	if (!o)
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	int rc = load_territories(st, o, err);
	if (!rc)
		rc = load_reps(st, o, err);
	if (!rc)
		rc = collect_teams(o, err);
	if (rc) {
		spm_org_free(o);
		return rc;
	}
	*out = o;
	return SPM_OK;
}

void spm_org_free(spm_org *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->nreps; i++) {
		spm_org_rep *r = &o->reps[i];
		free((char *)r->id);
		free((char *)r->name);
		free((char *)r->manager);
		free((char *)r->team);
		free((char *)r->territory);
		free((char *)r->role);
	}
	for (size_t i = 0; i < o->nterritories; i++) {
		free((char *)o->territories[i].id);
		free((char *)o->territories[i].name);
	}
	free(o->reps);
	free(o->territories);
	free(o->teams);
	free(o);
}

size_t spm_org_rep_find(const spm_org *o, const char *id)
{
	return spm_find_sorted(o->reps, o->nreps, sizeof *o->reps, offsetof(spm_org_rep, id), id);
}

size_t spm_org_territory_find(const spm_org *o, const char *id)
{
	return spm_find_sorted(o->territories, o->nterritories, sizeof *o->territories,
	                       offsetof(spm_org_territory, id), id);
}

bool spm_org_active(const spm_org *o, size_t i, spm_date first, spm_date last)
{
	const spm_org_rep *r = &o->reps[i];
	return (!r->has_hire || r->hire.days <= last.days) && (!r->has_end || r->end.days >= first.days);
}

bool spm_org_below(const spm_org *o, size_t i, size_t m)
{
	/* at most nreps steps: a longer chain has closed a loop */
	size_t at = o->reps[i].manager_ix;
	for (size_t steps = 0; at != SPM_ORG_NONE && at != i && steps < o->nreps; steps++) {
		if (at == m)
			return true;
		at = o->reps[at].manager_ix;
	}
	return false;
}

bool spm_org_in_territory(const spm_org *o, size_t i, size_t t)
{
	size_t at = o->reps[i].territory_ix;
	for (size_t steps = 0; at != SPM_ORG_NONE && steps <= o->nterritories; steps++) {
		if (at == t)
			return true;
		at = o->territories[at].parent_ix;
	}
	return false;
}

static const char *const level_names[SPM_LEVEL_COUNT] = {"rep", "manager", "team", "territory",
                                                         "company"};

const char *spm_level_name(spm_level level)
{
	return (unsigned)level < SPM_LEVEL_COUNT ? level_names[level] : "?";
}

int spm_level_parse(const char *word)
{
	for (int i = 0; i < SPM_LEVEL_COUNT; i++)
		if (strcmp(word, level_names[i]) == 0)
			return i;
	return -1;
}

size_t spm_org_team_find(const spm_org *o, const char *team)
{
	return spm_find_sorted(o->teams, o->nteams, sizeof *o->teams, 0, team);
}

int spm_org_rollups(const spm_org *o, size_t i, spm_org_rollup_fn fn, void *ctx)
{
	const spm_org_rep *r = &o->reps[i];
	int rc = SPM_OK;
	if (r->manages)
		rc = fn(ctx, SPM_LEVEL_MANAGER, i);
	for (size_t m = r->manager_ix, steps = 0; !rc && m != SPM_ORG_NONE && m != i && steps < o->nreps;
	     m = o->reps[m].manager_ix, steps++)
		rc = fn(ctx, SPM_LEVEL_MANAGER, m);
	size_t t = r->team ? spm_org_team_find(o, r->team) : SPM_ORG_NONE;
	if (!rc && t != SPM_ORG_NONE)
		rc = fn(ctx, SPM_LEVEL_TEAM, t);
	for (size_t at = r->territory_ix, steps = 0;
	     !rc && at != SPM_ORG_NONE && steps <= o->nterritories;
	     at = o->territories[at].parent_ix, steps++)
		rc = fn(ctx, SPM_LEVEL_TERRITORY, at);
	if (!rc)
		rc = fn(ctx, SPM_LEVEL_COMPANY, 0);
	return rc;
}

static size_t groups_of(const spm_org *o, spm_level level)
{
	switch (level) {
	case SPM_LEVEL_REP:
	case SPM_LEVEL_MANAGER:
		return o->nreps;
	case SPM_LEVEL_TEAM:
		return o->nteams;
	case SPM_LEVEL_TERRITORY:
		return o->nterritories;
	default:
		return 1;
	}
}

static int mark_shown(void *ctx, spm_level level, size_t index)
{
	spm_org_shown *s = ctx;
	s->group[level][index] = true;
	return SPM_OK;
}

int spm_org_shown_make(const spm_org *o, const spm_org_filter *f, spm_org_shown *out,
                       spm_error *err)
{
	size_t terr = SPM_ORG_NONE;
	bool filtered = f && (f->team || f->territory || f->rep);
	memset(out, 0, sizeof *out);
	if (filtered && f->team && spm_org_team_find(o, f->team) == SPM_ORG_NONE)
		return spm_error_set(err, SPM_EDATA, "no team '%s' in the store", f->team);
	if (filtered && f->territory &&
	    (terr = spm_org_territory_find(o, f->territory)) == SPM_ORG_NONE)
		return spm_error_set(err, SPM_EDATA, "no territory '%s' in the store",
		                     f->territory);
	if (filtered && f->rep && spm_org_rep_find(o, f->rep) == SPM_ORG_NONE)
		return spm_error_set(err, SPM_EDATA, "no rep '%s' in the store", f->rep);
	out->rep = calloc(o->nreps + 1, sizeof *out->rep);
	for (int l = 0; l < SPM_LEVEL_COUNT; l++)
		out->group[l] = calloc(groups_of(o, (spm_level)l) + 1, sizeof *out->group[l]);
	bool ok = out->rep != NULL;
	for (int l = 0; l < SPM_LEVEL_COUNT; l++)
		ok = ok && out->group[l];
	if (!ok) {
		spm_org_shown_free(out);
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < o->nreps; i++) {
		const spm_org_rep *r = &o->reps[i];
		out->rep[i] = !filtered ||
		              ((!f->team || (r->team && strcmp(r->team, f->team) == 0)) &&
		               (!f->territory || spm_org_in_territory(o, i, terr)) &&
		               (!f->rep || strcmp(r->id, f->rep) == 0));
		if (out->rep[i] && filtered)
			spm_org_rollups(o, i, mark_shown, out);
	}
	for (int l = 0; l < SPM_LEVEL_COUNT && !filtered; l++)
		memset(out->group[l], 1, groups_of(o, (spm_level)l) * sizeof *out->group[l]);
	return SPM_OK;
}

void spm_org_shown_free(spm_org_shown *s)
{
	free(s->rep);
	for (int l = 0; l < SPM_LEVEL_COUNT; l++)
		free(s->group[l]);
	memset(s, 0, sizeof *s);
}
