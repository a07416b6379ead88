/*
 * test_ydoc.c - unit tests for the YAML document layer: the tree and its positions in block and
 * flow styles, quoted and plain scalars, nulls, every construct that is refused (with its message
 * and position), libyaml's own errors, the nesting limit, and every typed accessor's success and
 * failure. Positions are counted by hand from the YAML written in each test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "spm/ydoc.h"

#define PCT(whole) ((spm_rate){(int64_t)(whole) * (SPM_RATE_ONE / 100)})

static spm_ydoc *parse(const char *yaml)
{
	spm_ydoc *doc = (spm_ydoc *)1;
	spm_error err;
	char msg[1200];

	spm_error_clear(&err);
	if (spm_ydoc_parse(&doc, "plan.yaml", yaml, strlen(yaml), &err) != SPM_OK) {
		spm_error_format(&err, msg, sizeof msg);
		fail_msg("did not parse: %s", msg);
	}
	assert_non_null(doc);
	return doc;
}

/* Parsing must fail with SPM_ECONFIG and exactly this formatted message. */
static void refused(const char *yaml, const char *want)
{
	spm_ydoc *doc = (spm_ydoc *)1;
	spm_error err;
	char msg[1200];

	spm_error_clear(&err);
	assert_int_equal(spm_ydoc_parse(&doc, "plan.yaml", yaml, strlen(yaml), &err), SPM_ECONFIG);
	assert_null(doc);
	assert_int_equal(err.code, SPM_ECONFIG);
	spm_error_format(&err, msg, sizeof msg);
	assert_string_equal(msg, want);
}

static char *formatted(const spm_error *err)
{
	static char msg[1200];
	spm_error_format(err, msg, sizeof msg);
	return msg;
}

static void assert_at(const spm_ynode *node, spm_ynode_kind kind, long line, long col)
{
	assert_non_null(node);
	assert_int_equal(node->kind, kind);
	assert_int_equal(node->line, line);
	assert_int_equal(node->col, col);
}

static void assert_scalar(const spm_ynode *node, const char *text, long line, long col)
{
	assert_at(node, SPM_YSCALAR, line, col);
	assert_string_equal(node->text, text);
	assert_int_equal(node->len, strlen(text));
}

/* ---- the tree ---- */

static void test_block_mapping_positions(void **state)
{
	(void)state;
	spm_ydoc *doc = parse("plan: ae-2026\n"
	                      "currency:   EUR\n"
	                      "\n"
	                      "nested:\n"
	                      "    inner: 1\n"
	                      "    deeper:\n"
	                      "        x: y\n");
	const spm_ynode *root = spm_ydoc_root(doc);
	assert_at(root, SPM_YMAP, 1, 1);
	assert_int_equal(root->n, 3);
	assert_scalar(root->keys[0], "plan", 1, 1);
	assert_scalar(root->items[0], "ae-2026", 1, 7);
	assert_scalar(root->keys[1], "currency", 2, 1);
	assert_scalar(root->items[1], "EUR", 2, 13);
	assert_scalar(root->keys[2], "nested", 4, 1);
	const spm_ynode *nested = root->items[2];
	assert_at(nested, SPM_YMAP, 5, 5);
	assert_int_equal(nested->n, 2);
	assert_scalar(nested->keys[0], "inner", 5, 5);
	assert_scalar(nested->items[0], "1", 5, 12);
	assert_scalar(nested->keys[1], "deeper", 6, 5);
	assert_at(nested->items[1], SPM_YMAP, 7, 9);
	assert_scalar(spm_ynode_get(nested->items[1], "x"), "y", 7, 12);
	assert_string_equal(spm_ydoc_source(doc), "plan.yaml");
	spm_ydoc_free(doc);
}

static void test_lists_block_and_flow(void **state)
{
	(void)state;
	spm_ydoc *doc = parse("block:\n"
	                      "  - one\n"
	                      "  - two: 2\n"
	                      "    three: 3\n"
	                      "  -\n"
	                      "    - inner\n"
	                      "indentless:\n"
	                      "- a\n"
	                      "flow: [x, {k: v}, [deep]]\n"
	                      "empty_list: []\n"
	                      "empty_map: {}\n");
	const spm_ynode *root = spm_ydoc_root(doc);
	const spm_ynode *block = spm_ynode_get(root, "block");
	assert_at(block, SPM_YLIST, 2, 3);
	assert_int_equal(block->n, 3);
	assert_null(block->keys);
	assert_scalar(block->items[0], "one", 2, 5);
	assert_at(block->items[1], SPM_YMAP, 3, 5);
	assert_int_equal(block->items[1]->n, 2);
	assert_scalar(spm_ynode_get(block->items[1], "three"), "3", 4, 12);
	assert_at(block->items[2], SPM_YLIST, 6, 5);
	assert_scalar(block->items[2]->items[0], "inner", 6, 7);

	const spm_ynode *indentless = spm_ynode_get(root, "indentless");
	assert_at(indentless, SPM_YLIST, 8, 1);
	assert_scalar(indentless->items[0], "a", 8, 3);

	const spm_ynode *flow = spm_ynode_get(root, "flow");
	assert_at(flow, SPM_YLIST, 9, 7);
	assert_int_equal(flow->n, 3);
	assert_scalar(flow->items[0], "x", 9, 8);
	assert_at(flow->items[1], SPM_YMAP, 9, 11);
	assert_scalar(flow->items[1]->keys[0], "k", 9, 12);
	assert_scalar(flow->items[1]->items[0], "v", 9, 15);
	assert_at(flow->items[2], SPM_YLIST, 9, 19);
	assert_scalar(flow->items[2]->items[0], "deep", 9, 20);

	assert_at(spm_ynode_get(root, "empty_list"), SPM_YLIST, 10, 13);
	assert_int_equal(spm_ynode_get(root, "empty_list")->n, 0);
	assert_at(spm_ynode_get(root, "empty_map"), SPM_YMAP, 11, 12);
	assert_int_equal(spm_ynode_get(root, "empty_map")->n, 0);
	spm_ydoc_free(doc);
}

static void test_columns_count_characters(void **state)
{
	(void)state;
	/* "é" is two bytes but one character: the value starts at column 7, not 8 */
	spm_ydoc *doc = parse("name: \"\xC3\xA9t\xC3\xA9\"\nnext: x\n");
	const spm_ynode *root = spm_ydoc_root(doc);
	assert_scalar(root->items[0], "\xC3\xA9t\xC3\xA9", 1, 7);
	assert_int_equal(root->items[0]->len, 5);
	spm_ydoc_free(doc);
}

static void test_quoted_and_plain(void **state)
{
	(void)state;
	spm_ydoc *doc = parse("plain: 8%\n"
	                      "single: '8%'\n"
	                      "double: \"tab\\there\"\n"
	                      "quote: 'it''s'\n"
	                      "literal: |\n"
	                      "  line one\n"
	                      "  line two\n"
	                      "folded: >-\n"
	                      "  folded\n"
	                      "  text\n"
	                      "tagged: !!str 12\n"
	                      "spaced: a  b  \n");
	const spm_ynode *root = spm_ydoc_root(doc);
	const spm_ynode *n = spm_ynode_get(root, "plain");
	assert_string_equal(n->text, "8%");
	assert_false(n->quoted);
	n = spm_ynode_get(root, "single");
	assert_scalar(n, "8%", 2, 9);
	assert_true(n->quoted);
	n = spm_ynode_get(root, "double");
	assert_string_equal(n->text, "tab\there");
	assert_true(n->quoted);
	assert_string_equal(spm_ynode_get(root, "quote")->text, "it's");
	n = spm_ynode_get(root, "literal");
	assert_scalar(n, "line one\nline two\n", 5, 10);
	assert_true(n->quoted);
	n = spm_ynode_get(root, "folded");
	assert_string_equal(n->text, "folded text");
	assert_true(n->quoted);
	n = spm_ynode_get(root, "tagged");
	assert_string_equal(n->text, "12");
	assert_true(n->quoted);
	/* trailing blanks of a plain scalar are not part of it */
	assert_string_equal(spm_ynode_get(root, "spaced")->text, "a  b");
	spm_ydoc_free(doc);
}

static void test_nulls(void **state)
{
	(void)state;
	spm_ydoc *doc = parse("empty:\n"
	                      "tilde: ~\n"
	                      "lower: null\n"
	                      "title: Null\n"
	                      "upper: NULL\n"
	                      "mixed: nULL\n"
	                      "quoted: ''\n"
	                      "quoted_tilde: \"~\"\n"
	                      "str_null: !!str null\n"
	                      "flow: {a: , b: ~}\n");
	const spm_ynode *root = spm_ydoc_root(doc);
	const char *nulls[] = {"empty", "tilde", "lower", "title", "upper"};
	for (size_t i = 0; i < 5; i++) {
		const spm_ynode *n = spm_ynode_get(root, nulls[i]);
		assert_int_equal(n->kind, SPM_YSCALAR);
		assert_true(n->null);
		assert_false(n->quoted);
	}
	assert_scalar(spm_ynode_get(root, "empty"), "", 1, 7);
	assert_string_equal(spm_ynode_get(root, "title")->text, "Null");
	const char *texts[] = {"mixed", "quoted", "quoted_tilde", "str_null"};
	for (size_t i = 0; i < 4; i++)
		assert_false(spm_ynode_get(root, texts[i])->null);
	const spm_ynode *flow = spm_ynode_get(root, "flow");
	assert_true(spm_ynode_get(flow, "a")->null);
	assert_true(spm_ynode_get(flow, "b")->null);
	spm_ydoc_free(doc);
}

static void test_empty_and_scalar_documents(void **state)
{
	(void)state;
	const char *empties[] = {"", "\n\n", "# only a comment\n", "---\n", "--- ~\n"};
	for (size_t i = 0; i < 5; i++) {
		spm_ydoc *doc = parse(empties[i]);
		const spm_ynode *root = spm_ydoc_root(doc);
		assert_int_equal(root->kind, SPM_YSCALAR);
		assert_true(root->null);
		spm_ydoc_free(doc);
	}
	spm_ydoc *doc = parse("");
	assert_at(spm_ydoc_root(doc), SPM_YSCALAR, 1, 1);
	assert_string_equal(spm_ydoc_root(doc)->text, "");
	spm_ydoc_free(doc);

	doc = parse("\n  just words\n");
	assert_scalar(spm_ydoc_root(doc), "just words", 2, 3);
	assert_false(spm_ydoc_root(doc)->null);
	assert_null(spm_ynode_get(spm_ydoc_root(doc), "just"));
	spm_ydoc_free(doc);

	/* an explicit end of document with nothing after it is still one document */
	doc = parse("---\na: 1\n...\n");
	assert_scalar(spm_ynode_get(spm_ydoc_root(doc), "a"), "1", 2, 4);
	spm_ydoc_free(doc);
}

static void test_text_need_not_be_terminated(void **state)
{
	(void)state;
	const char buf[] = "a: 12345";
	spm_ydoc *doc = NULL;
	spm_error err;

	/* only "a: 12" is the text; the rest of the buffer must not be read */
	assert_int_equal(spm_ydoc_parse(&doc, "plan.yaml", buf, 5, &err), SPM_OK);
	assert_string_equal(spm_ynode_get(spm_ydoc_root(doc), "a")->text, "12");
	spm_ydoc_free(doc);

	assert_int_equal(spm_ydoc_parse(&doc, NULL, NULL, 0, &err), SPM_OK);
	assert_true(spm_ydoc_root(doc)->null);
	assert_string_equal(spm_ydoc_source(doc), "");
	spm_ydoc_free(doc);
	spm_ydoc_free(NULL);
	assert_null(spm_ydoc_root(NULL));
}

/* The source name and every scalar are copied: the input can go away. */
static void test_document_owns_its_text(void **state)
{
	(void)state;
	char *text = strdup("key: value\n");
	char *source = strdup("copied.yaml");
	spm_ydoc *doc = NULL;
	spm_error err;

	assert_non_null(text);
	assert_non_null(source);
	assert_int_equal(spm_ydoc_parse(&doc, source, text, strlen(text), &err), SPM_OK);
	memset(text, 'x', strlen(text));
	free(text);
	free(source);
	assert_string_equal(spm_ydoc_source(doc), "copied.yaml");
	assert_string_equal(spm_ynode_get(spm_ydoc_root(doc), "key")->text, "value");
	spm_ydoc_free(doc);
}

static void test_many_nodes(void **state)
{
	(void)state;
	/* enough keys and text to need several arena blocks and a large array */
	size_t nkeys = 3000, cap = nkeys * 64;
	char *yaml = malloc(cap);
	size_t used = 0;
	assert_non_null(yaml);
	for (size_t i = 0; i < nkeys; i++)
		used +=
		    (size_t)snprintf(yaml + used, cap - used, "key%zu: value number %zu\n", i, i);
	spm_ydoc *doc = parse(yaml);
	const spm_ynode *root = spm_ydoc_root(doc);
	assert_int_equal(root->n, nkeys);
	assert_scalar(root->keys[2999], "key2999", 3000, 1);
	assert_string_equal(spm_ynode_get(root, "key1234")->text, "value number 1234");
	spm_ydoc_free(doc);

	/* the same with one key repeated far from its first use */
	used += (size_t)snprintf(yaml + used, cap - used, "key17: again\n");
	refused(yaml, "plan.yaml:3001:1: key 'key17' appears twice (first on line 18)");
	free(yaml);
}

/* ---- what is refused ---- */

static void test_anchors_and_aliases_refused(void **state)
{
	(void)state;
	refused("a: &x 1\nb: 2\n", "plan.yaml:1:4: anchors and aliases are not supported");
	refused("base: {rate: 1}\nother: *base\n",
	        "plan.yaml:2:8: anchors and aliases are not supported");
	refused("a: &m\n  k: v\n", "plan.yaml:1:4: anchors and aliases are not supported");
	refused("a: &l [1]\n", "plan.yaml:1:4: anchors and aliases are not supported");
}

static void test_tags_refused(void **state)
{
	(void)state;
	refused(
	    "a: !money 12\n",
	    "plan.yaml:1:4: tag '!money' is not supported (only the standard ones such as !!str "
	    "are)");
	refused("a:\n  b: !<tag:example.com,2026:x> 1\n",
	        "plan.yaml:2:6: tag 'tag:example.com,2026:x' is not supported (only the standard "
	        "ones such as !!str are)");
	refused("a: !!timestamp 2026-01-01\n",
	        "plan.yaml:1:4: tag '!!timestamp' is not supported (only the standard ones such as "
	        "!!str are)");
	refused("a: !!map [1]\n", "plan.yaml:1:4: tag '!!map' does not fit a list");
	refused("a: !!seq x\n", "plan.yaml:1:4: tag '!!seq' does not fit a scalar");
	refused("a: !!str {b: 1}\n", "plan.yaml:1:4: tag '!!str' does not fit a mapping");

	/* the standard ones that fit are accepted */
	spm_ydoc *doc = parse("a: !!int 3\nb: !!map {c: !!bool true}\nd: !!seq [!!null ~]\n");
	const spm_ynode *root = spm_ydoc_root(doc);
	assert_false(spm_ynode_get(root, "a")->quoted);
	assert_int_equal(spm_ynode_get(root, "b")->kind, SPM_YMAP);
	assert_true(spm_ynode_get(root, "d")->items[0]->null);
	spm_ydoc_free(doc);
}

static void test_second_document_refused(void **state)
{
	(void)state;
	refused("a: 1\n---\nb: 2\n", "plan.yaml:2:1: only one document is supported");
	refused("--- a\n--- b\n", "plan.yaml:2:1: only one document is supported");
	refused("a: 1\n...\n---\n", "plan.yaml:3:1: only one document is supported");
}

static void test_keys_must_be_plain(void **state)
{
	(void)state;
	refused("\"rate\": 1\n", "plan.yaml:1:1: a key must be plain text, not quoted: 'rate'");
	refused("x:\n  'a b': 1\n", "plan.yaml:2:3: a key must be plain text, not quoted: 'a b'");
	refused("? [a, b]\n: 1\n", "plan.yaml:1:3: a key must be plain text, not a list");
	refused("{{a: 1}: 2}\n", "plan.yaml:1:2: a key must be plain text, not a mapping");
	refused("? |\n  block\n: 1\n",
	        "plan.yaml:1:3: a key must be plain text, not quoted: 'block\\x0A'");
	refused("~: 1\n", "plan.yaml:1:1: a key must be plain text, not '~'");
	refused("null: 1\n", "plan.yaml:1:1: a key must be plain text, not 'null'");
	refused("?\n: 1\n", "plan.yaml:1:2: a key must be plain text, not empty");
	refused("!!str k: 1\n", "plan.yaml:1:1: a key must be plain text, not quoted: 'k'");
}

static void test_duplicate_keys_refused(void **state)
{
	(void)state;
	refused("plan: x\n"
	        "components:\n"
	        "  - name: a\n"
	        "    rate: 1%\n"
	        "    cap: 5\n"
	        "    rate: 2%\n",
	        "plan.yaml:6:5: key 'rate' appears twice (first on line 4)");
	refused("tier: {upto: 1, rate: 2, upto: 3}\n",
	        "plan.yaml:1:26: key 'upto' appears twice (first on line 1, column 8)");
	/* the repeat that comes first in the text is the one reported */
	refused("a: 1\nb: 2\nb: 3\na: 4\n",
	        "plan.yaml:3:1: key 'b' appears twice (first on line 2)");
	refused("a: 1\na: 2\na: 3\n", "plan.yaml:2:1: key 'a' appears twice (first on line 1)");

	/* the same key in different mappings, or as a prefix of another, is fine */
	spm_ydoc *doc = parse("a: {x: 1}\nb: {x: 2}\nab: 3\nabc: 4\n");
	spm_ydoc_free(doc);
}

static void test_nul_in_value_refused(void **state)
{
	(void)state;
	refused("a: \"x\\0y\"\n", "plan.yaml:1:4: a NUL character in a value is not supported");
}

static char *nested_flow(size_t depth)
{
	char *s = malloc(2 * depth + 1);
	assert_non_null(s);
	for (size_t i = 0; i < depth; i++) {
		s[i] = '[';
		s[2 * depth - 1 - i] = ']';
	}
	s[2 * depth] = '\0';
	return s;
}

static void test_nesting_limit(void **state)
{
	(void)state;
	char *ok = nested_flow(64);
	spm_ydoc *doc = parse(ok);
	const spm_ynode *n = spm_ydoc_root(doc);
	size_t depth = 0;
	while (n->kind == SPM_YLIST) {
		depth++;
		n = n->n ? n->items[0] : NULL;
		if (!n)
			break;
	}
	assert_int_equal(depth, 64);
	spm_ydoc_free(doc);
	free(ok);

	char *deep = nested_flow(65);
	refused(deep, "plan.yaml:1:65: nested deeper than 64 levels");
	free(deep);

	char *hostile = nested_flow(100000);
	refused(hostile, "plan.yaml:1:65: nested deeper than 64 levels");
	free(hostile);

	/* block style: 65 mappings, each key one level deeper */
	char yaml[65 * 80];
	size_t used = 0;
	for (int i = 0; i < 65; i++)
		used += (size_t)snprintf(yaml + used, sizeof yaml - used, "%*sk%d:\n", i, "", i);
	used += (size_t)snprintf(yaml + used, sizeof yaml - used, "%*sv: 1\n", 65, "");
	refused(yaml, "plan.yaml:65:65: nested deeper than 64 levels");
}

static void test_syntax_errors_located(void **state)
{
	(void)state;
	refused("plan: x\nrate: 1\nbad: a: b\n",
	        "plan.yaml:3:7: mapping values are not allowed in this context");
	refused(
	    "a:\n  - b\n c: 1\n",
	    "plan.yaml:3:2: did not find expected key (while parsing a block mapping at line 1)");
	refused("a: [1, 2\n",
	        "plan.yaml:2:1: did not find expected ',' or ']' (while parsing a flow sequence at "
	        "line 1)");
	refused("a: 'open\n",
	        "plan.yaml:2:1: found unexpected end of stream (while scanning a quoted scalar at "
	        "line 1)");
	refused("a: 1\n\tb: 2\n",
	        "plan.yaml:2:1: found a tab character that violates indentation (while scanning a "
	        "plain scalar at line 1)");
	refused(
	    "a: @x\n",
	    "plan.yaml:1:4: found character that cannot start any token (while scanning for the "
	    "next token at line 1)");
	/* bad bytes are found by the reader, which counts bytes: still a line and a column */
	refused("a: 1\nb: x\x80y\n", "plan.yaml:2:5: invalid leading UTF-8 octet (byte 0x80)");
	refused("a: 1\nb: \x01\n", "plan.yaml:2:4: control characters are not allowed (byte 0x01)");
}

/* ---- accessors ---- */

static void test_error_and_expect(void **state)
{
	(void)state;
	spm_ydoc *doc = parse("m: {a: 1}\nl: [1]\ns: word\nq: 'quoted'\ne:\n");
	const spm_ynode *root = spm_ydoc_root(doc);
	spm_error err;

	assert_int_equal(
	    spm_ynode_error(doc, spm_ynode_get(root, "s"), &err, "bad %s %d", "thing", 3),
	    SPM_ECONFIG);
	assert_int_equal(err.code, SPM_ECONFIG);
	assert_string_equal(formatted(&err), "plan.yaml:3:4: bad thing 3");
	assert_int_equal(spm_ynode_error(doc, NULL, &err, "no node"), SPM_ECONFIG);
	assert_string_equal(formatted(&err), "plan.yaml: no node");

	assert_int_equal(spm_ynode_expect(doc, root, SPM_YMAP, &err), SPM_OK);
	assert_int_equal(spm_ynode_expect(doc, spm_ynode_get(root, "l"), SPM_YLIST, &err), SPM_OK);
	assert_int_equal(spm_ynode_expect(doc, spm_ynode_get(root, "e"), SPM_YSCALAR, &err),
	                 SPM_OK);
	assert_int_equal(spm_ynode_expect(doc, spm_ynode_get(root, "l"), SPM_YMAP, &err),
	                 SPM_ECONFIG);
	assert_string_equal(formatted(&err), "plan.yaml:2:4: expected a mapping, not a list");
	spm_ynode_expect(doc, spm_ynode_get(root, "s"), SPM_YLIST, &err);
	assert_string_equal(formatted(&err), "plan.yaml:3:4: expected a list, not 'word'");
	spm_ynode_expect(doc, spm_ynode_get(root, "m"), SPM_YSCALAR, &err);
	assert_string_equal(formatted(&err), "plan.yaml:1:4: expected a value, not a mapping");
	spm_ynode_expect(doc, spm_ynode_get(root, "e"), SPM_YMAP, &err);
	assert_string_equal(formatted(&err),
	                    "plan.yaml:5:3: expected a mapping, not an empty value");
	spm_ynode_expect(doc, spm_ynode_get(root, "q"), SPM_YLIST, &err);
	assert_string_equal(formatted(&err),
	                    "plan.yaml:4:4: expected a list, not the quoted text 'quoted'");
	assert_int_equal(spm_ynode_expect(doc, NULL, SPM_YMAP, &err), SPM_ECONFIG);
	assert_string_equal(formatted(&err), "plan.yaml: a value is missing");
	assert_int_equal(spm_ynode_expect(doc, root, (spm_ynode_kind)7, &err), SPM_EUSAGE);
	spm_ydoc_free(doc);
}

static void test_get(void **state)
{
	(void)state;
	spm_ydoc *doc = parse("rate: 1\nrates: 2\nlist: [rate]\n");
	const spm_ynode *root = spm_ydoc_root(doc);
	assert_string_equal(spm_ynode_get(root, "rate")->text, "1");
	assert_string_equal(spm_ynode_get(root, "rates")->text, "2");
	assert_null(spm_ynode_get(root, "rat"));
	assert_null(spm_ynode_get(root, "Rate"));
	assert_null(spm_ynode_get(root, ""));
	assert_null(spm_ynode_get(root, NULL));
	assert_null(spm_ynode_get(NULL, "rate"));
	assert_null(spm_ynode_get(spm_ynode_get(root, "list"), "rate"));
	assert_null(spm_ynode_get(spm_ynode_get(root, "rate"), "rate"));
	spm_ydoc_free(doc);
}

static void test_check_keys(void **state)
{
	(void)state;
	static const char *const plan_keys[] = {"plan", "currency", "period", NULL};
	static const char *const rate_keys[] = {"rate", "rates", "cap", NULL};
	spm_ydoc *doc = parse("plan: x\ncurrency: EUR\n");
	spm_error err;

	assert_int_equal(spm_ynode_check_keys(doc, spm_ydoc_root(doc), plan_keys, &err), SPM_OK);
	spm_ydoc_free(doc);

	/* one allowed key within two edits: suggested */
	doc = parse("plan: x\n  # comment\ncurrancy: EUR\n");
	assert_int_equal(spm_ynode_check_keys(doc, spm_ydoc_root(doc), plan_keys, &err),
	                 SPM_ECONFIG);
	assert_string_equal(formatted(&err),
	                    "plan.yaml:3:1: unknown key 'currancy' (expected one of: plan, "
	                    "currency, period); did you mean 'currency'?");
	spm_ydoc_free(doc);

	/* 'rat' is within two edits of rate, rates and cap: no single suggestion */
	doc = parse("component:\n    rat: 8%\n");
	const spm_ynode *c = spm_ynode_get(spm_ydoc_root(doc), "component");
	assert_int_equal(spm_ynode_check_keys(doc, c, rate_keys, &err), SPM_ECONFIG);
	assert_string_equal(formatted(&err),
	                    "plan.yaml:2:5: unknown key 'rat' (expected one of: rate, rates, cap)");
	spm_ydoc_free(doc);

	/* nothing close */
	doc = parse("{rate: 1, bonus: 2}");
	spm_ynode_check_keys(doc, spm_ydoc_root(doc), rate_keys, &err);
	assert_string_equal(
	    formatted(&err),
	    "plan.yaml:1:11: unknown key 'bonus' (expected one of: rate, rates, cap)");
	spm_ydoc_free(doc);

	/* a short key is not a typo of everything two edits away */
	doc = parse("x: 1\n");
	static const char *const on_keys[] = {"on", "method", NULL};
	spm_ynode_check_keys(doc, spm_ydoc_root(doc), on_keys, &err);
	assert_string_equal(formatted(&err),
	                    "plan.yaml:1:1: unknown key 'x' (expected one of: on, method)");
	spm_ydoc_free(doc);

	/* case matters, and a case slip is a suggestion */
	doc = parse("Period: month\n");
	spm_ynode_check_keys(doc, spm_ydoc_root(doc), plan_keys, &err);
	assert_string_equal(formatted(&err),
	                    "plan.yaml:1:1: unknown key 'Period' (expected one of: plan, currency, "
	                    "period); did you mean 'period'?");
	spm_ydoc_free(doc);

	doc = parse("- a\n");
	assert_int_equal(spm_ynode_check_keys(doc, spm_ydoc_root(doc), plan_keys, &err),
	                 SPM_ECONFIG);
	assert_string_equal(formatted(&err), "plan.yaml:1:1: expected a mapping, not a list");
	spm_ydoc_free(doc);
}

/* Looks up key in the root of doc, failing the test when it is absent. */
static const spm_ynode *at(const spm_ydoc *doc, const char *key)
{
	const spm_ynode *n = spm_ynode_get(spm_ydoc_root(doc), key);
	if (!n)
		fail_msg("no key '%s'", key);
	return n;
}

static void test_text(void **state)
{
	(void)state;
	spm_ydoc *doc = parse("a: words here\nb: '~'\nc: ~\nd: [x]\ne: ''\n");
	const char *out = "unset";
	spm_error err;

	assert_int_equal(spm_ynode_text(doc, at(doc, "a"), &out, &err), SPM_OK);
	assert_string_equal(out, "words here");
	assert_int_equal(spm_ynode_text(doc, at(doc, "b"), &out, &err), SPM_OK);
	assert_string_equal(out, "~");
	assert_int_equal(spm_ynode_text(doc, at(doc, "e"), &out, &err), SPM_OK);
	assert_string_equal(out, "");
	out = "unset";
	assert_int_equal(spm_ynode_text(doc, at(doc, "c"), &out, &err), SPM_ECONFIG);
	assert_string_equal(formatted(&err), "plan.yaml:3:4: expected text, not '~'");
	assert_string_equal(out, "unset");
	spm_ynode_text(doc, at(doc, "d"), &out, &err);
	assert_string_equal(formatted(&err), "plan.yaml:4:4: expected text, not a list");
	assert_int_equal(spm_ynode_text(doc, NULL, &out, &err), SPM_ECONFIG);
	spm_ydoc_free(doc);
}

static void test_bool(void **state)
{
	(void)state;
	spm_ydoc *doc = parse("t: true\nT: True\nf: false\nF: FALSE\n"
	                      "yes: yes\noff: off\nq: 'true'\nm: maybe\nn:\n");
	bool out = false;
	spm_error err;

	assert_int_equal(spm_ynode_bool(doc, at(doc, "t"), &out, &err), SPM_OK);
	assert_true(out);
	out = false;
	assert_int_equal(spm_ynode_bool(doc, at(doc, "T"), &out, &err), SPM_OK);
	assert_true(out);
	assert_int_equal(spm_ynode_bool(doc, at(doc, "f"), &out, &err), SPM_OK);
	assert_false(out);
	out = true;
	assert_int_equal(spm_ynode_bool(doc, at(doc, "F"), &out, &err), SPM_OK);
	assert_false(out);

	assert_int_equal(spm_ynode_bool(doc, at(doc, "yes"), &out, &err), SPM_ECONFIG);
	assert_string_equal(formatted(&err),
	                    "plan.yaml:5:6: expected true or false, not 'yes' (ambiguous in YAML)");
	assert_false(out);
	spm_ynode_bool(doc, at(doc, "off"), &out, &err);
	assert_string_equal(formatted(&err),
	                    "plan.yaml:6:6: expected true or false, not 'off' (ambiguous in YAML)");
	spm_ynode_bool(doc, at(doc, "q"), &out, &err);
	assert_string_equal(formatted(&err),
	                    "plan.yaml:7:4: expected true or false, not the quoted text 'true'");
	spm_ynode_bool(doc, at(doc, "m"), &out, &err);
	assert_string_equal(formatted(&err), "plan.yaml:8:4: expected true or false, not 'maybe'");
	spm_ynode_bool(doc, at(doc, "n"), &out, &err);
	assert_string_equal(formatted(&err),
	                    "plan.yaml:9:3: expected true or false, not an empty value");
	spm_ydoc_free(doc);
}

static void test_int(void **state)
{
	(void)state;
	spm_ydoc *doc = parse("days: 90\nneg: -3\nbig: 13\nfrac: 1.0\nword: ninety\n"
	                      "q: \"90\"\nhuge: 99999999999999999999\n");
	int64_t out = 0;
	spm_error err;

	assert_int_equal(spm_ynode_int(doc, at(doc, "days"), 0, 365, &out, &err), SPM_OK);
	assert_int_equal(out, 90);
	assert_int_equal(spm_ynode_int(doc, at(doc, "neg"), INT64_MIN, INT64_MAX, &out, &err),
	                 SPM_OK);
	assert_int_equal(out, -3);
	assert_int_equal(spm_ynode_int(doc, at(doc, "big"), 1, 12, &out, &err), SPM_ECONFIG);
	assert_string_equal(formatted(&err),
	                    "plan.yaml:3:6: expected a whole number from 1 to 12, not '13'");
	assert_int_equal(out, -3);
	spm_ynode_int(doc, at(doc, "frac"), 0, 10, &out, &err);
	assert_string_equal(formatted(&err),
	                    "plan.yaml:4:7: expected a whole number from 0 to 10, not '1.0'");
	spm_ynode_int(doc, at(doc, "word"), INT64_MIN, INT64_MAX, &out, &err);
	assert_string_equal(formatted(&err),
	                    "plan.yaml:5:7: expected a whole number, not 'ninety'");
	spm_ynode_int(doc, at(doc, "q"), 0, 365, &out, &err);
	assert_string_equal(formatted(&err),
	                    "plan.yaml:6:4: expected a whole number from 0 to 365, not the quoted "
	                    "text '90'");
	spm_ynode_int(doc, at(doc, "huge"), INT64_MIN, INT64_MAX, &out, &err);
	assert_string_equal(formatted(&err),
	                    "plan.yaml:7:7: expected a whole number, not '99999999999999999999'");
	assert_int_equal(spm_ynode_int(doc, at(doc, "days"), 5, 1, &out, &err), SPM_EUSAGE);
	assert_int_equal(out, -3);
	spm_ydoc_free(doc);
}

static void test_money(void **state)
{
	(void)state;
	spm_ydoc *doc = parse("payout: 60000\ndraw: 1250.50\nneg: -3\nq: '100.25'\n"
	                      "fine: 1.23456\nword: lots\nlist: [1]\nnone: ~\nfar: 1e3\n"
	                      "huge: 99999999999999999\n");
	spm_money out = {0};
	spm_error err;

	assert_int_equal(spm_ynode_money(doc, at(doc, "payout"), &out, &err), SPM_OK);
	assert_int_equal(out.units, INT64_C(60000) * SPM_MONEY_ONE);
	assert_int_equal(spm_ynode_money(doc, at(doc, "draw"), &out, &err), SPM_OK);
	assert_int_equal(out.units, INT64_C(12505000));
	assert_int_equal(spm_ynode_money(doc, at(doc, "neg"), &out, &err), SPM_OK);
	assert_int_equal(out.units, INT64_C(-30000));
	assert_int_equal(spm_ynode_money(doc, at(doc, "q"), &out, &err), SPM_OK);
	assert_int_equal(out.units, INT64_C(1002500));

	assert_int_equal(spm_ynode_money(doc, at(doc, "fine"), &out, &err), SPM_ECONFIG);
	assert_string_equal(formatted(&err),
	                    "plan.yaml:5:7: too many decimals (at most 4): '1.23456'");
	assert_int_equal(out.units, INT64_C(1002500));
	spm_ynode_money(doc, at(doc, "word"), &out, &err);
	assert_string_equal(
	    formatted(&err),
	    "plan.yaml:6:7: expected an amount such as 60000 or 1250.50, not 'lots'");
	spm_ynode_money(doc, at(doc, "list"), &out, &err);
	assert_string_equal(
	    formatted(&err),
	    "plan.yaml:7:7: expected an amount such as 60000 or 1250.50, not a list");
	spm_ynode_money(doc, at(doc, "none"), &out, &err);
	assert_string_equal(formatted(&err),
	                    "plan.yaml:8:7: expected an amount such as 60000 or 1250.50, not '~'");
	spm_ynode_money(doc, at(doc, "far"), &out, &err);
	assert_string_equal(
	    formatted(&err),
	    "plan.yaml:9:6: expected an amount such as 60000 or 1250.50, not '1e3'");
	spm_ynode_money(doc, at(doc, "huge"), &out, &err);
	assert_string_equal(formatted(&err), "plan.yaml:10:7: out of range: '99999999999999999'");
	assert_int_equal(out.units, INT64_C(1002500));
	spm_ydoc_free(doc);
}

static void test_rate(void **state)
{
	(void)state;
	spm_ydoc *doc = parse("pct: 8%\ndec: 0.08\nhalf: 12.5%\ntext: \"8\"\nover: 150%\n"
	                      "bare: 8\nword: eight\nneg: -5%\nfine: 0.123456789%\nmax: 100%\n");
	spm_rate out = {0};
	spm_error err;

	assert_int_equal(spm_ynode_rate(doc, at(doc, "pct"), PCT(0), PCT(100), &out, &err), SPM_OK);
	assert_int_equal(out.units, INT64_C(800000000));
	out.units = 0;
	assert_int_equal(spm_ynode_rate(doc, at(doc, "dec"), PCT(0), PCT(100), &out, &err), SPM_OK);
	assert_int_equal(out.units, INT64_C(800000000));
	assert_int_equal(spm_ynode_rate(doc, at(doc, "half"), PCT(0), PCT(100), &out, &err),
	                 SPM_OK);
	assert_int_equal(out.units, INT64_C(1250000000));
	/* the bounds are inclusive */
	assert_int_equal(spm_ynode_rate(doc, at(doc, "max"), PCT(0), PCT(100), &out, &err), SPM_OK);
	assert_int_equal(out.units, SPM_RATE_ONE);

	assert_int_equal(spm_ynode_rate(doc, at(doc, "text"), PCT(0), PCT(100), &out, &err),
	                 SPM_ECONFIG);
	assert_string_equal(
	    formatted(&err),
	    "plan.yaml:4:7: expected a percentage such as 8% or 0.08, not the quoted "
	    "text '8'");
	assert_int_equal(out.units, SPM_RATE_ONE);
	spm_ynode_rate(doc, at(doc, "over"), PCT(0), PCT(100), &out, &err);
	assert_string_equal(formatted(&err), "plan.yaml:5:7: expected a rate from 0% to 100%, not "
	                                     "'150%'");
	spm_ynode_rate(doc, at(doc, "bare"), PCT(0), PCT(100), &out, &err);
	assert_string_equal(formatted(&err), "plan.yaml:6:7: expected a rate from 0% to 100%, not "
	                                     "'8' (that is 800%)");
	spm_ynode_rate(doc, at(doc, "word"), PCT(0), PCT(100), &out, &err);
	assert_string_equal(formatted(&err),
	                    "plan.yaml:7:7: expected a percentage such as 8% or 0.08, not 'eight'");
	spm_ynode_rate(doc, at(doc, "neg"), PCT(0), PCT(100), &out, &err);
	assert_string_equal(formatted(&err), "plan.yaml:8:6: expected a rate from 0% to 100%, not "
	                                     "'-5%'");
	assert_int_equal(spm_ynode_rate(doc, at(doc, "neg"), PCT(-10), PCT(0), &out, &err), SPM_OK);
	assert_int_equal(out.units, INT64_C(-500000000));
	spm_ynode_rate(doc, at(doc, "fine"), PCT(0), PCT(100), &out, &err);
	assert_string_equal(formatted(&err),
	                    "plan.yaml:9:7: too many decimals (at most 8): '0.123456789%'");
	assert_int_equal(out.units, INT64_C(-500000000));
	spm_ydoc_free(doc);
}

static void test_date(void **state)
{
	(void)state;
	spm_ydoc *doc = parse("effective: {from: 2026-01-01, to: '2026-12-31'}\n"
	                      "bad: 2026-02-30\nus: 11/8/2016\nword: soon\nnum: 20260101\n");
	const spm_ynode *eff = at(doc, "effective");
	spm_date out = {0}, want;
	spm_error err;

	assert_int_equal(spm_ynode_date(doc, spm_ynode_get(eff, "from"), &out, &err), SPM_OK);
	assert_int_equal(spm_date_from_ymd(&want, 2026, 1, 1), SPM_OK);
	assert_int_equal(out.days, want.days);
	assert_int_equal(spm_ynode_date(doc, spm_ynode_get(eff, "to"), &out, &err), SPM_OK);
	assert_int_equal(spm_date_from_ymd(&want, 2026, 12, 31), SPM_OK);
	assert_int_equal(out.days, want.days);

	assert_int_equal(spm_ynode_date(doc, at(doc, "bad"), &out, &err), SPM_ECONFIG);
	assert_string_equal(formatted(&err), "plan.yaml:2:6: impossible date: '2026-02-30'");
	assert_int_equal(out.days, want.days);
	spm_ynode_date(doc, at(doc, "us"), &out, &err);
	assert_string_equal(formatted(&err),
	                    "plan.yaml:3:5: expected a date such as 2026-01-01, not '11/8/2016'");
	spm_ynode_date(doc, at(doc, "word"), &out, &err);
	assert_string_equal(formatted(&err),
	                    "plan.yaml:4:7: expected a date such as 2026-01-01, not 'soon'");
	spm_ynode_date(doc, at(doc, "num"), &out, &err);
	assert_string_equal(formatted(&err),
	                    "plan.yaml:5:6: expected a date such as 2026-01-01, not '20260101'");
	spm_ynode_date(doc, eff, &out, &err);
	assert_string_equal(formatted(&err),
	                    "plan.yaml:1:12: expected a date such as 2026-01-01, not a mapping");
	spm_ydoc_free(doc);
}

static void test_choice(void **state)
{
	(void)state;
	static const char *const methods[] = {"graduated", "retroactive", NULL};
	static const char *const periods[] = {"month", "quarter", "year", NULL};
	spm_ydoc *doc = parse("a: retroactive\nb: 'graduated'\nc: graduatd\nd: flat\n"
	                      "e: Month\nf:\ng: [month]\n");
	int index = -1;
	spm_error err;

	assert_int_equal(spm_ynode_choice(doc, at(doc, "a"), methods, &index, &err), SPM_OK);
	assert_int_equal(index, 1);
	assert_int_equal(spm_ynode_choice(doc, at(doc, "b"), methods, &index, &err), SPM_OK);
	assert_int_equal(index, 0);

	index = 7;
	assert_int_equal(spm_ynode_choice(doc, at(doc, "c"), methods, &index, &err), SPM_ECONFIG);
	assert_string_equal(formatted(&err),
	                    "plan.yaml:3:4: unknown value 'graduatd' (expected one of: graduated, "
	                    "retroactive); did you mean 'graduated'?");
	assert_int_equal(index, 7);
	spm_ynode_choice(doc, at(doc, "d"), methods, &index, &err);
	assert_string_equal(formatted(&err), "plan.yaml:4:4: unknown value 'flat' (expected one "
	                                     "of: graduated, retroactive)");
	spm_ynode_choice(doc, at(doc, "e"), periods, &index, &err);
	assert_string_equal(
	    formatted(&err),
	    "plan.yaml:5:4: unknown value 'Month' (expected one of: month, quarter, "
	    "year); did you mean 'month'?");
	spm_ynode_choice(doc, at(doc, "f"), periods, &index, &err);
	assert_string_equal(formatted(&err),
	                    "plan.yaml:6:3: expected one of: month, quarter, year; not an empty "
	                    "value");
	spm_ynode_choice(doc, at(doc, "g"), periods, &index, &err);
	assert_string_equal(formatted(&err),
	                    "plan.yaml:7:4: expected one of: month, quarter, year; not a list");
	assert_int_equal(index, 7);
	spm_ydoc_free(doc);
}

/* ---- a realistic plan ---- */

static const char sketch[] =
    "plan: ae-2026\n"
    "currency: EUR\n"
    "period: quarter\n"
    "effective: {from: 2026-01-01, to: 2026-12-31}\n"
    "components:\n"
    "  - name: new-business\n"
    "    credit: {status: won, type: [new, expansion]}\n"
    "    measure: amount\n"
    "    quota: bookings\n"
    "    rates:\n"
    "      on: attainment\n"
    "      method: graduated\n"
    "      tiers: [{upto: 100%, rate: 8%}, {upto: 150%, rate: 12%}, {rate: 15%}]\n"
    "    cap: {payout: 60000}\n"
    "  - name: renewals\n"
    "    credit: {type: renewal}\n"
    "    rate: 3%\n"
    "draw: {amount: 3000, recoverable: true, recover_at_most: 50%}\n"
    "clawback: {within_days: 90}\n";

static void test_sketch_plan(void **state)
{
	(void)state;
	static const char *const top[] = {"plan",       "currency", "period",   "effective",
	                                  "components", "draw",     "clawback", NULL};
	static const char *const periods[] = {"month", "quarter", "year", NULL};
	spm_ydoc *doc = parse(sketch);
	const spm_ynode *root = spm_ydoc_root(doc);
	spm_error err;

	assert_at(root, SPM_YMAP, 1, 1);
	assert_int_equal(root->n, 7);
	assert_int_equal(spm_ynode_check_keys(doc, root, top, &err), SPM_OK);
	int index = -1;
	assert_int_equal(spm_ynode_choice(doc, at(doc, "period"), periods, &index, &err), SPM_OK);
	assert_int_equal(index, 1);
	assert_scalar(at(doc, "currency"), "EUR", 2, 11);
	assert_scalar(spm_ynode_get(at(doc, "effective"), "to"), "2026-12-31", 4, 35);

	const spm_ynode *components = at(doc, "components");
	assert_at(components, SPM_YLIST, 6, 3);
	assert_int_equal(components->n, 2);
	const spm_ynode *nb = components->items[0];
	assert_at(nb, SPM_YMAP, 6, 5);
	assert_scalar(nb->keys[5], "cap", 14, 5);
	const spm_ynode *types = spm_ynode_get(spm_ynode_get(nb, "credit"), "type");
	assert_at(types, SPM_YLIST, 7, 33);
	assert_scalar(types->items[1], "expansion", 7, 39);

	const spm_ynode *rates = spm_ynode_get(nb, "rates");
	assert_at(rates, SPM_YMAP, 11, 7);
	assert_scalar(rates->keys[0], "on", 11, 7);
	const spm_ynode *tiers = spm_ynode_get(rates, "tiers");
	assert_at(tiers, SPM_YLIST, 13, 14);
	assert_int_equal(tiers->n, 3);
	assert_at(tiers->items[1], SPM_YMAP, 13, 39);
	assert_scalar(spm_ynode_get(tiers->items[1], "rate"), "12%", 13, 58);
	assert_null(spm_ynode_get(tiers->items[2], "upto"));

	spm_rate r;
	assert_int_equal(spm_ynode_rate(doc, spm_ynode_get(tiers->items[1], "upto"), PCT(0),
	                                PCT(1000), &r, &err),
	                 SPM_OK);
	assert_int_equal(r.units, INT64_C(15000000000));
	spm_money payout;
	assert_int_equal(
	    spm_ynode_money(doc, spm_ynode_get(spm_ynode_get(nb, "cap"), "payout"), &payout, &err),
	    SPM_OK);
	assert_int_equal(payout.units, INT64_C(600000000));

	const spm_ynode *renewals = components->items[1];
	assert_at(renewals, SPM_YMAP, 15, 5);
	assert_scalar(spm_ynode_get(renewals, "rate"), "3%", 17, 11);

	const spm_ynode *draw = at(doc, "draw");
	bool recoverable = false;
	assert_int_equal(
	    spm_ynode_bool(doc, spm_ynode_get(draw, "recoverable"), &recoverable, &err), SPM_OK);
	assert_true(recoverable);
	assert_scalar(draw->keys[2], "recover_at_most", 18, 41);
	int64_t days = 0;
	assert_int_equal(spm_ynode_int(doc, spm_ynode_get(at(doc, "clawback"), "within_days"), 0,
	                               3650, &days, &err),
	                 SPM_OK);
	assert_int_equal(days, 90);
	assert_scalar(spm_ynode_get(at(doc, "clawback"), "within_days"), "90", 19, 25);
	spm_ydoc_free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_block_mapping_positions),
	    cmocka_unit_test(test_lists_block_and_flow),
	    cmocka_unit_test(test_columns_count_characters),
	    cmocka_unit_test(test_quoted_and_plain),
	    cmocka_unit_test(test_nulls),
	    cmocka_unit_test(test_empty_and_scalar_documents),
	    cmocka_unit_test(test_text_need_not_be_terminated),
	    cmocka_unit_test(test_document_owns_its_text),
	    cmocka_unit_test(test_many_nodes),
	    cmocka_unit_test(test_anchors_and_aliases_refused),
	    cmocka_unit_test(test_tags_refused),
	    cmocka_unit_test(test_second_document_refused),
	    cmocka_unit_test(test_keys_must_be_plain),
	    cmocka_unit_test(test_duplicate_keys_refused),
	    cmocka_unit_test(test_nul_in_value_refused),
	    cmocka_unit_test(test_nesting_limit),
	    cmocka_unit_test(test_syntax_errors_located),
	    cmocka_unit_test(test_error_and_expect),
	    cmocka_unit_test(test_get),
	    cmocka_unit_test(test_check_keys),
	    cmocka_unit_test(test_text),
	    cmocka_unit_test(test_bool),
	    cmocka_unit_test(test_int),
	    cmocka_unit_test(test_money),
	    cmocka_unit_test(test_rate),
	    cmocka_unit_test(test_date),
	    cmocka_unit_test(test_choice),
	    cmocka_unit_test(test_sketch_plan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
