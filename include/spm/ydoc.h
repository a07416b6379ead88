/*
 * spm/ydoc.h - a YAML document as a tree of positioned nodes, with strict typed access.
 *
 * Plans (spm-plan(5)), contests and ramp schedules are small YAML files that people write by hand.
 * This module reads one with libyaml into a tree in which every node knows its line and column, and
 * offers accessors that convert a node to spm's types or fail with an error located at the node:
 *
 *     plan.yaml:12:5: unknown key 'rat' (expected one of: rate, rates, cap)
 *     plan.yaml:14:13: expected a percentage such as 8% or 0.08, not 'eight'
 *
 * Only the plain subset of YAML that configuration needs is accepted: one document of mappings,
 * sequences and scalars, in block or flow style. Anchors, aliases, tags other than the standard
 * ones, several documents, and mapping keys that are not plain scalars are refused with their
 * position; so is the same key twice in one mapping. Every scalar's text is kept exactly; nodes
 * point into the document's own memory.
 *
 * Choices made here:
 *   - Standard tags are accepted where they fit (!!map on a mapping, !!seq on a list, !!str, !!int,
 *     !!float, !!bool, !!null on a scalar); only !!str changes anything: the scalar counts as
 *     quoted. Any other tag, or a standard one on the wrong kind of node, is refused.
 *   - Nesting is limited to 64 mappings and lists ("nested deeper than 64 levels").
 *   - A scalar holding a NUL character (the "\0" escape) is refused, so text is always a C string.
 *   - A key must be a plain, non-null scalar: quoted keys, empty keys, ~ and null are refused.
 *   - The parser's own syntax errors keep its wording, located at the problem, with where the
 *     construct it was reading began: "did not find expected key (while parsing a block mapping at
 *     line 1)".
 */
#ifndef SPM_YDOC_H
#define SPM_YDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spm/date.h"
#include "spm/error.h"
#include "spm/money.h"

typedef enum spm_ynode_kind { SPM_YSCALAR, SPM_YMAP, SPM_YLIST } spm_ynode_kind;

typedef struct spm_ynode spm_ynode;

struct spm_ynode {
	spm_ynode_kind kind;
	/* 1-based position of the node's first character, the column counted in characters; an
	 * empty value (key:) is placed just after its colon */
	long line, col;
	/* SPM_YSCALAR */
	const char *text;     /* NUL-terminated, UTF-8, no NUL inside; "" for mappings and lists */
	size_t len;
	/* in single or double quotes, a | or > block, or tagged !!str (so "8%" or "12" is text,
	 * never a number) */
	bool quoted;
	bool null;            /* plain ~, null, Null, NULL, or nothing (key:); never when quoted */
	/* SPM_YMAP: keys[i] maps to items[i]; SPM_YLIST: items[i] */
	size_t n;
	const spm_ynode **keys; /* SPM_YMAP only: scalar nodes, so a key has a position too */
	const spm_ynode **items;
};

typedef struct spm_ydoc spm_ydoc;

/*
 * Parses text (len bytes; it need not be NUL-terminated) named `source` in messages. An empty
 * document gives a null scalar root. The document keeps its own copies of source and of every
 * scalar, so text may be freed once this returns; the caller frees *out with spm_ydoc_free.
 * Returns SPM_OK; SPM_ECONFIG for a syntax error or a construct that is refused (err located at
 * line and column); SPM_ENOMEM. *out is NULL on failure.
 */
int spm_ydoc_parse(spm_ydoc **out, const char *source, const char *text, size_t len,
		   spm_error *err);

/* Frees the document and every node (every pointer taken from it becomes invalid). NULL-safe. */
void spm_ydoc_free(spm_ydoc *doc);

/* The root node (a null scalar at 1:1 for an empty text), and the source name; owned by doc. */
const spm_ynode *spm_ydoc_root(const spm_ydoc *doc);
const char *spm_ydoc_source(const spm_ydoc *doc);

/*
 * Sets err (SPM_ECONFIG) to a message located at the node: "source:line:col: message" (only
 * "source: message" when node is NULL). Returns SPM_ECONFIG.
 */
int spm_ynode_error(const spm_ydoc *doc, const spm_ynode *node, spm_error *err, const char *fmt,
		    ...) __attribute__((format(printf, 4, 5)));

/*
 * Checks the node is of a kind: SPM_OK, or SPM_ECONFIG "expected a mapping, not a list" (also
 * "expected a list", "expected a value"; what was found is quoted text, "a mapping", "a list" or
 * "an empty value"). A NULL node is SPM_ECONFIG "a value is missing", unlocated; so for every
 * accessor.
 */
int spm_ynode_expect(const spm_ydoc *doc, const spm_ynode *node, spm_ynode_kind kind,
		     spm_error *err);

/*
 * Checks that every key of a mapping is one of `allowed` (NULL-terminated). An unknown key is
 * "unknown key 'rat' (expected one of: rate, rates, cap)", located at the key, with
 * "; did you mean 'rate'?" added when exactly one allowed key is within two edits of it (and fewer
 * edits than the unknown key has characters, so 'x' does not suggest 'on'). Keys are checked in the
 * order written; the first unknown one is reported. Not a mapping: as spm_ynode_expect.
 */
int spm_ynode_check_keys(const spm_ydoc *doc, const spm_ynode *map, const char *const *allowed,
			 spm_error *err);

/* The value under key in a mapping, or NULL when the key is absent (or map is not a mapping). */
const spm_ynode *spm_ynode_get(const spm_ynode *map, const char *key);

/*
 * Typed values. Each returns SPM_OK and sets *out, or fails with SPM_ECONFIG located at the node,
 * naming what was expected and quoting what was found (spm_quote), e.g. "expected an amount such as
 * 60000 or 1250.50, not 'lots'"; *out is unchanged on failure. A null, a mapping or a list is never
 * a value ("..., not an empty value"). Where a number parser finds a number but cannot take it, its
 * own words are kept: "too many decimals (at most 4): '1.23456'", "impossible date: '2026-02-30'".
 *   text:    any non-null scalar, quoted or not; *out points into doc;
 *   bool:    true/false (also True/TRUE, False/FALSE), unquoted; yes/no/on/off/y/n are refused as
 *            ambiguous ("expected true or false, not 'yes' (ambiguous in YAML)");
 *   int:     a whole number in [min, max], unquoted: "expected a whole number from 1 to 12, not
 *            '13'" (SPM_EUSAGE when min > max);
 *   money:   a plain decimal (spm_money_parse rules), unquoted or quoted;
 *   rate:    a decimal or a percentage ("8%", "0.08", "12.5%"), unquoted, with the rate's range
 *            checked against [min, max] (rate units; the message shows them as percentages:
 *            "expected a rate from 0% to 100%, not '150%'"; a value written without '%' also shows
 *            the percentage it became: "not '8' (that is 800%)");
 *   date:    an ISO date (YAML's timestamps are read as text, so 2026-01-01 works unquoted), quoted
 *            or not;
 *   choice:  one of the words in `words` (NULL-terminated), case-sensitive, quoted or not;
 *            *index is its position. "unknown value 'flat' (expected one of: graduated,
 *            retroactive)", with a suggestion as in spm_ynode_check_keys.
 */
int spm_ynode_text(const spm_ydoc *doc, const spm_ynode *node, const char **out, spm_error *err);
int spm_ynode_bool(const spm_ydoc *doc, const spm_ynode *node, bool *out, spm_error *err);
int spm_ynode_int(const spm_ydoc *doc, const spm_ynode *node, int64_t min, int64_t max,
		  int64_t *out, spm_error *err);
int spm_ynode_money(const spm_ydoc *doc, const spm_ynode *node, spm_money *out, spm_error *err);
int spm_ynode_rate(const spm_ydoc *doc, const spm_ynode *node, spm_rate min, spm_rate max,
		   spm_rate *out, spm_error *err);
int spm_ynode_date(const spm_ydoc *doc, const spm_ynode *node, spm_date *out, spm_error *err);
int spm_ynode_choice(const spm_ydoc *doc, const spm_ynode *node, const char *const *words,
		     int *index, spm_error *err);

#endif
