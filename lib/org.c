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
	                          "SELECT rep_id, name, manager_id, team, territory, hire_date, end_date"
	                          " FROM reps ORDER BY rep_id",
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

int spm_org_load(spm_store *st, spm_org **out, spm_error *err)
{
	spm_org *o = calloc(1, sizeof *o);
	if (!o)
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	int rc = load_territories(st, o, err);
	if (!rc)
		rc = load_reps(st, o, err);
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
	}
	for (size_t i = 0; i < o->nterritories; i++) {
		free((char *)o->territories[i].id);
		free((char *)o->territories[i].name);
	}
	free(o->reps);
	free(o->territories);
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
