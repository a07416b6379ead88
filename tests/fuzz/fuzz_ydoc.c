/*
 * fuzz_ydoc.c - libFuzzer target for the YAML document layer.
 *
 * Any bytes are parsed as a plan file. A parsed tree is walked through every accessor: each node
 * must have a position, each scalar a NUL-terminated text of its length with no NUL inside, a null
 * must be plain, each mapping's keys must be plain distinct scalars that spm_ynode_get finds,
 * nesting must stay within the limit, and every accessor must either succeed or fail with a located
 * message. A failed parse must leave no document and give a message. Any broken promise aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spm/ydoc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_ydoc: broken: %s\n", what);
		abort();
	}
}

/* An accessor either succeeds or fails with SPM_ECONFIG located at the node it was given. */
static void check_result(int rc, const spm_error *err, const spm_ynode *node)
{
	if (rc == SPM_OK)
		return;
	check(rc == SPM_ECONFIG, "an accessor failing with another status");
	check(err->code == SPM_ECONFIG, "a status not in the error");
	check(err->message[0] != '\0', "an accessor error without a message");
	check(err->line == node->line && err->col == node->col, "an error not at its node");
	check(strcmp(err->source, "fuzz.yaml") == 0, "an error without its source");
}

static void walk(const spm_ydoc *doc, const spm_ynode *node, int depth)
{
	static const char *const keys[] = {"plan", "rate", "rates", "cap", "on", NULL};
	static const char *const words[] = {"month", "quarter", "year", NULL};
	spm_error err;
	int rc;

	check(node != NULL, "a missing node");
	check(depth <= 64, "nesting beyond the limit");
	check(node->line >= 1 && node->col >= 1, "a node without a position");
	check(node->text != NULL && node->text[node->len] == '\0', "an unterminated text");
	check(strlen(node->text) == node->len, "a NUL inside a text");

	switch (node->kind) {
	case SPM_YSCALAR: {
		check(!(node->null && node->quoted), "a quoted null");
		check(node->n == 0 && !node->items && !node->keys, "a scalar with children");
		const char *text = NULL;
		bool b = false;
		int64_t i = 0;
		spm_money m;
		spm_rate r;
		spm_date d;
		int index = -1;
		rc = spm_ynode_text(doc, node, &text, &err);
		check_result(rc, &err, node);
		check(rc != SPM_OK || text == node->text, "text not the node's own");
		check((rc == SPM_OK) == !node->null, "text of a null, or no text of a value");
		check_result(spm_ynode_bool(doc, node, &b, &err), &err, node);
		check_result(spm_ynode_int(doc, node, -1000, 1000, &i, &err), &err, node);
		check(i >= -1000 && i <= 1000, "an int out of its range");
		check_result(spm_ynode_money(doc, node, &m, &err), &err, node);
		spm_rate lo = {0}, hi = {SPM_RATE_ONE};
		rc = spm_ynode_rate(doc, node, lo, hi, &r, &err);
		check_result(rc, &err, node);
		check(rc != SPM_OK || (r.units >= 0 && r.units <= SPM_RATE_ONE),
		      "a rate out of its range");
		check_result(spm_ynode_date(doc, node, &d, &err), &err, node);
		rc = spm_ynode_choice(doc, node, words, &index, &err);
		check_result(rc, &err, node);
		check(rc != SPM_OK ||
		          (index >= 0 && index < 3 && strcmp(words[index], node->text) == 0),
		      "a choice that is not the text");
		check(spm_ynode_expect(doc, node, SPM_YSCALAR, &err) == SPM_OK,
		      "a scalar not a value");
		check_result(spm_ynode_expect(doc, node, SPM_YMAP, &err), &err, node);
		break;
	}
	case SPM_YMAP:
		check(node->n == 0 || (node->keys && node->items), "a mapping without arrays");
		rc = spm_ynode_check_keys(doc, node, keys, &err);
		const spm_ynode *unknown = NULL;
		for (size_t k = 0; k < node->n && !unknown; k++) {
			bool known = false;
			for (size_t w = 0; keys[w]; w++)
				known = known || strcmp(keys[w], node->keys[k]->text) == 0;
			if (!known)
				unknown = node->keys[k];
		}
		check((rc == SPM_OK) == (unknown == NULL), "check_keys wrong about the keys");
		if (unknown)
			check_result(rc, &err, unknown);
		for (size_t k = 0; k < node->n; k++) {
			const spm_ynode *key = node->keys[k];
			check(key && key->kind == SPM_YSCALAR, "a key that is not a scalar");
			check(!key->quoted && !key->null, "a key that is not plain");
			check(spm_ynode_get(node, key->text) == node->items[k],
			      "a key that get does not find, or finds twice");
			walk(doc, key, depth);
			walk(doc, node->items[k], depth + 1);
		}
		break;
	case SPM_YLIST:
		check(node->keys == NULL, "a list with keys");
		check(node->n == 0 || node->items, "a list without items");
		check(spm_ynode_get(node, "plan") == NULL, "get on a list");
		check_result(spm_ynode_check_keys(doc, node, keys, &err), &err, node);
		for (size_t k = 0; k < node->n; k++)
			walk(doc, node->items[k], depth + 1);
		break;
	default:
		check(0, "a node of no kind");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	spm_ydoc *doc = NULL;
	spm_error err;

	int rc = spm_ydoc_parse(&doc, "fuzz.yaml", (const char *)data, size, &err);
	if (rc == SPM_OK) {
		check(doc != NULL, "success without a document");
		walk(doc, spm_ydoc_root(doc), 0);
	} else {
		check(doc == NULL, "a document left after a failure");
		check(rc == SPM_ECONFIG || rc == SPM_ENOMEM, "a parse failing with another status");
		check(err.code == rc && err.message[0] != '\0', "a parse error without a message");
		check(rc != SPM_ECONFIG || (err.line >= 1 && err.col >= 1),
		      "a syntax error without a position");
	}
	spm_ydoc_free(doc);
	return 0;
}
