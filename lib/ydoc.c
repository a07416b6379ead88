/*
 * ydoc.c - plan files as a tree of positioned YAML nodes, and typed access to them.
 *
 * libyaml's event API drives a small builder: each open mapping or list is a frame on a fixed stack
 * (so nesting is bounded and a hostile file cannot exhaust the C stack), its children collect in a
 * growable array, and when it closes the children move into the document's arena. Everything a
 * caller can reach lives in that arena, so freeing the document is freeing its blocks. The
 * accessors turn scalars into spm's types through the same parsers the importers use, so a plan
 * and a data file agree on what "1250.50" or "8%" means. This is the only file that includes
 * yaml.h.
 */
#include "spm/ydoc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#define YDOC_MAX_DEPTH 64
#define ARENA_BLOCK 16384

/* ---- the arena ---- */

typedef struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	max_align_t data[];
} arena_block;

struct spm_ydoc {
	arena_block *blocks;
	const spm_ynode *root;
	const char *source;
};

static void *arena_alloc(spm_ydoc *doc, size_t size)
{
	const size_t align = _Alignof(max_align_t);
	arena_block *b = doc->blocks;

	if (size > SIZE_MAX - align)
		return NULL;
	size = (size + align - 1) / align * align;
	if (size == 0)
		size = align;
	if (!b || b->cap - b->used < size) {
		size_t cap = size > ARENA_BLOCK ? size : ARENA_BLOCK;
		if (cap > SIZE_MAX - sizeof *b)
			return NULL;
		b = malloc(sizeof *b + cap);
		if (!b)
			return NULL;
		b->used = 0;
		b->cap = cap;
		/* A block made for one large request goes behind the current one, which keeps its
		 * room. */
		if (doc->blocks && cap > ARENA_BLOCK) {
			b->next = doc->blocks->next;
			doc->blocks->next = b;
		} else {
			b->next = doc->blocks;
			doc->blocks = b;
		}
	}
	void *p = (char *)b->data + b->used;
	b->used += size;
	return p;
}

static char *arena_strndup(spm_ydoc *doc, const char *s, size_t n)
{
	if (n == SIZE_MAX)
		return NULL;
	char *p = arena_alloc(doc, n + 1);
	if (p) {
		if (n)
			memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

void spm_ydoc_free(spm_ydoc *doc)
{
	if (!doc)
		return;
	arena_block *b = doc->blocks;
	while (b) {
		arena_block *next = b->next;
		free(b);
		b = next;
	}
	free(doc);
}

const spm_ynode *spm_ydoc_root(const spm_ydoc *doc)
{
	return doc ? doc->root : NULL;
}

const char *spm_ydoc_source(const spm_ydoc *doc)
{
	return doc ? doc->source : "";
}

/* ---- building the tree from events ---- */

typedef struct frame {
	spm_ynode *node;
	const spm_ynode **keys; /* mappings only; keys[i] pairs with items[i] */
	const spm_ynode **items;
	size_t n, cap;
	bool have_key; /* a mapping's key arrived and waits for its value */
} frame;

typedef struct builder {
	spm_ydoc *doc;
	frame stack[YDOC_MAX_DEPTH];
	int depth;
	spm_ynode *root;
	int documents;
	spm_error *err;
} builder;

static int fail_at(builder *b, yaml_mark_t mark, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_at(builder *b, yaml_mark_t mark, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	spm_error_vset(b->err, SPM_ECONFIG, fmt, ap);
	va_end(ap);
	spm_error_locate_at(b->err, b->doc->source, (long)mark.line + 1, (long)mark.column + 1);
	return SPM_ECONFIG;
}

static int no_memory(builder *b)
{
	return spm_error_set(b->err, SPM_ENOMEM, "out of memory reading '%s'", b->doc->source);
}

static spm_ynode *new_node(builder *b, spm_ynode_kind kind, yaml_mark_t mark)
{
	spm_ynode *node = arena_alloc(b->doc, sizeof *node);
	if (!node)
		return NULL;
	memset(node, 0, sizeof *node);
	node->kind = kind;
	node->line = (long)mark.line + 1;
	node->col = (long)mark.column + 1;
	node->text = "";
	return node;
}

static const char *const core_tags[] = {
    "tag:yaml.org,2002:str",  "tag:yaml.org,2002:int",  "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", NULL,
};

/*
 * The standard tags are accepted where they fit: !!map on a mapping, !!seq on a list, the scalar
 * ones on a scalar. Only !!str changes anything (the scalar counts as quoted): the accessors
 * already decide what a scalar means, so !!int or !!bool add nothing but are harmless.
 */
static int check_tag(builder *b, const yaml_char_t *tag, spm_ynode_kind kind, yaml_mark_t mark)
{
	static const char *const kinds[] = {"a scalar", "a mapping", "a list"};
	static const char core[] = "tag:yaml.org,2002:";
	const char *t = (const char *)tag;
	char q[SPM_QUOTE_BUFSZ], shown[SPM_QUOTE_BUFSZ];
	bool fits = false, standard = false;

	if (!t)
		return SPM_OK;
	if (strcmp(t, "tag:yaml.org,2002:map") == 0) {
		standard = true;
		fits = kind == SPM_YMAP;
	} else if (strcmp(t, "tag:yaml.org,2002:seq") == 0) {
		standard = true;
		fits = kind == SPM_YLIST;
	} else {
		for (size_t i = 0; core_tags[i]; i++)
			if (strcmp(t, core_tags[i]) == 0)
				standard = true;
		fits = standard && kind == SPM_YSCALAR;
	}
	if (fits)
		return SPM_OK;
	/* libyaml hands tags over expanded; show the standard ones as they are usually written */
	if (strncmp(t, core, sizeof core - 1) == 0)
		snprintf(shown, sizeof shown, "!!%s", t + sizeof core - 1);
	else
		snprintf(shown, sizeof shown, "%s", t);
	spm_quote(q, sizeof q, shown, strlen(shown));
	if (standard)
		return fail_at(b, mark, "tag %s does not fit %s", q, kinds[kind]);
	return fail_at(b, mark,
	               "tag %s is not supported (only the standard ones such as !!str are)", q);
}

static bool expecting_key(const builder *b)
{
	if (b->depth == 0)
		return false;
	const frame *f = &b->stack[b->depth - 1];
	return f->node->kind == SPM_YMAP && !f->have_key;
}

static int frame_push_child(builder *b, frame *f, const spm_ynode *node)
{
	bool is_key = f->node->kind == SPM_YMAP && !f->have_key;

	if (f->node->kind == SPM_YMAP && f->have_key) {
		f->items[f->n++] = node;
		f->have_key = false;
		return SPM_OK;
	}
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 8;
		if (cap > SIZE_MAX / sizeof *f->items)
			return no_memory(b);
		const spm_ynode **items = realloc(f->items, cap * sizeof *items);
		if (!items)
			return no_memory(b);
		f->items = items;
		if (f->node->kind == SPM_YMAP) {
			const spm_ynode **keys = realloc(f->keys, cap * sizeof *keys);
			if (!keys)
				return no_memory(b);
			f->keys = keys;
		}
		f->cap = cap;
	}
	if (is_key) {
		f->keys[f->n] = node;
		f->have_key = true;
	} else {
		f->items[f->n++] = node;
	}
	return SPM_OK;
}

static int add_node(builder *b, spm_ynode *node)
{
	if (b->depth == 0) {
		b->root = node;
		return SPM_OK;
	}
	return frame_push_child(b, &b->stack[b->depth - 1], node);
}

static int open_collection(builder *b, spm_ynode_kind kind, const yaml_char_t *tag,
                           yaml_mark_t mark)
{
	int rc;

	if (expecting_key(b))
		return fail_at(b, mark, "a key must be plain text, not a %s",
		               kind == SPM_YMAP ? "mapping" : "list");
	if ((rc = check_tag(b, tag, kind, mark)) != SPM_OK)
		return rc;
	if (b->depth == YDOC_MAX_DEPTH)
		return fail_at(b, mark, "nested deeper than %d levels", YDOC_MAX_DEPTH);
	spm_ynode *node = new_node(b, kind, mark);
	if (!node)
		return no_memory(b);
	frame *f = &b->stack[b->depth++];
	memset(f, 0, sizeof *f);
	f->node = node;
	return SPM_OK;
}

typedef struct key_ref {
	const spm_ynode *key;
	size_t index;
} key_ref;

static int key_ref_cmp(const void *pa, const void *pb)
{
	const key_ref *a = pa, *b = pb;
	size_t n = a->key->len < b->key->len ? a->key->len : b->key->len;
	int c = memcmp(a->key->text, b->key->text, n);
	if (c)
		return c;
	if (a->key->len != b->key->len)
		return a->key->len < b->key->len ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

/*
 * Finds the repeated key that comes first in the text. Sorting keeps a mapping with many keys
 * linear-logarithmic rather than quadratic.
 */
static int check_duplicates(builder *b, const frame *f)
{
	if (f->n < 2)
		return SPM_OK;
	key_ref *refs = malloc(f->n * sizeof *refs);
	if (!refs)
		return no_memory(b);
	for (size_t i = 0; i < f->n; i++)
		refs[i] = (key_ref){f->keys[i], i};
	qsort(refs, f->n, sizeof *refs, key_ref_cmp);
	const spm_ynode *first = NULL, *again = NULL;
	size_t again_index = SIZE_MAX;
	for (size_t start = 0, end; start < f->n; start = end) {
		const spm_ynode *k = refs[start].key;
		for (end = start + 1; end < f->n; end++)
			if (refs[end].key->len != k->len ||
			    memcmp(refs[end].key->text, k->text, k->len) != 0)
				break;
		/* within a run the order is the text's: the first two are the first and its repeat
		 */
		if (end - start > 1 && refs[start + 1].index < again_index) {
			first = k;
			again = refs[start + 1].key;
			again_index = refs[start + 1].index;
		}
	}
	free(refs);
	if (!again)
		return SPM_OK;
	char q[SPM_QUOTE_BUFSZ];
	yaml_mark_t mark = {0, (size_t)(again->line - 1), (size_t)(again->col - 1)};
	spm_quote(q, sizeof q, again->text, again->len);
	if (first->line == again->line)
		return fail_at(b, mark, "key %s appears twice (first on line %ld, column %ld)", q,
		               first->line, first->col);
	return fail_at(b, mark, "key %s appears twice (first on line %ld)", q, first->line);
}

static int close_collection(builder *b)
{
	frame *f = &b->stack[b->depth - 1];
	spm_ynode *node = f->node;
	int rc = SPM_OK;

	if (node->kind == SPM_YMAP)
		rc = check_duplicates(b, f);
	if (rc == SPM_OK && f->n) {
		size_t bytes = f->n * sizeof *f->items;
		const spm_ynode **items = arena_alloc(b->doc, bytes);
		const spm_ynode **keys = node->kind == SPM_YMAP ? arena_alloc(b->doc, bytes) : NULL;
		if (!items || (node->kind == SPM_YMAP && !keys)) {
			rc = no_memory(b);
		} else {
			memcpy(items, f->items, bytes);
			node->items = items;
			if (keys) {
				memcpy(keys, f->keys, bytes);
				node->keys = keys;
			}
			node->n = f->n;
		}
	}
	free(f->items);
	free(f->keys);
	memset(f, 0, sizeof *f);
	b->depth--;
	if (rc != SPM_OK)
		return rc;
	return add_node(b, node);
}

static bool is_null_word(const char *s, size_t len)
{
	return len == 0 || (len == 1 && s[0] == '~') ||
	       (len == 4 && (memcmp(s, "null", 4) == 0 || memcmp(s, "Null", 4) == 0 ||
	                     memcmp(s, "NULL", 4) == 0));
}

static int add_scalar(builder *b, const yaml_event_t *ev)
{
	const char *value = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	const char *tag = (const char *)ev->data.scalar.tag;
	bool as_text = tag && strcmp(tag, "tag:yaml.org,2002:str") == 0;
	int rc;

	if ((rc = check_tag(b, ev->data.scalar.tag, SPM_YSCALAR, ev->start_mark)) != SPM_OK)
		return rc;
	if (len && memchr(value, '\0', len))
		return fail_at(b, ev->start_mark, "a NUL character in a value is not supported");
	if (expecting_key(b)) {
		char q[SPM_QUOTE_BUFSZ];
		if (!plain || as_text)
			return fail_at(b, ev->start_mark,
			               "a key must be plain text, not quoted: %s",
			               spm_quote(q, sizeof q, value, len));
		if (is_null_word(value, len))
			return fail_at(b, ev->start_mark, "a key must be plain text, not %s",
			               len ? spm_quote(q, sizeof q, value, len) : "empty");
	}
	spm_ynode *node = new_node(b, SPM_YSCALAR, ev->start_mark);
	char *text = node ? arena_strndup(b->doc, value, len) : NULL;
	if (!text)
		return no_memory(b);
	node->text = text;
	node->len = len;
	node->quoted = !plain || as_text;
	node->null = !node->quoted && is_null_word(value, len);
	return add_node(b, node);
}

static int handle_event(builder *b, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++b->documents > 1)
			return fail_at(b, ev->start_mark, "only one document is supported");
		return SPM_OK;
	case YAML_ALIAS_EVENT:
		return fail_at(b, ev->start_mark, "anchors and aliases are not supported");
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.anchor)
			return fail_at(b, ev->start_mark, "anchors and aliases are not supported");
		return add_scalar(b, ev);
	case YAML_MAPPING_START_EVENT:
		if (ev->data.mapping_start.anchor)
			return fail_at(b, ev->start_mark, "anchors and aliases are not supported");
		return open_collection(b, SPM_YMAP, ev->data.mapping_start.tag, ev->start_mark);
	case YAML_SEQUENCE_START_EVENT:
		if (ev->data.sequence_start.anchor)
			return fail_at(b, ev->start_mark, "anchors and aliases are not supported");
		return open_collection(b, SPM_YLIST, ev->data.sequence_start.tag, ev->start_mark);
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		return b->depth > 0 ? close_collection(b) : SPM_OK;
	default:
		return SPM_OK;
	}
}

/* libyaml's reader reports a byte offset rather than a mark: count lines and characters to it. */
static yaml_mark_t mark_of_offset(const char *text, size_t len, size_t offset)
{
	yaml_mark_t mark = {offset, 0, 0};
	if (offset > len)
		offset = len;
	for (size_t i = 0; i < offset; i++) {
		if (text[i] == '\n') {
			mark.line++;
			mark.column = 0;
		} else if (((unsigned char)text[i] & 0xC0) != 0x80) {
			mark.column++;
		}
	}
	return mark;
}

static int libyaml_error(builder *b, const yaml_parser_t *p, const char *text, size_t len)
{
	const char *problem = p->problem ? p->problem : "not valid YAML";

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return no_memory(b);
	case YAML_READER_ERROR:
		if (p->problem_value != -1)
			return fail_at(b, mark_of_offset(text, len, p->problem_offset),
			               "%s (byte 0x%02X)", problem,
			               (unsigned)p->problem_value & 0xFFu);
		return fail_at(b, mark_of_offset(text, len, p->problem_offset), "%s", problem);
	default:
		if (p->context)
			return fail_at(b, p->problem_mark, "%s (%s at line %ld)", problem,
			               p->context, (long)p->context_mark.line + 1);
		return fail_at(b, p->problem_mark, "%s", problem);
	}
}

int spm_ydoc_parse(spm_ydoc **out, const char *source, const char *text, size_t len, spm_error *err)
{
	builder b;
	yaml_parser_t parser;
	yaml_mark_t start = {0, 0, 0};
	int rc = SPM_OK;
	bool done = false;

	*out = NULL;
	memset(&b, 0, sizeof b);
	b.err = err;
	if (!text) {
		text = "";
		len = 0;
	}
	b.doc = calloc(1, sizeof *b.doc);
	if (!b.doc)
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	b.doc->source = arena_strndup(b.doc, source ? source : "", source ? strlen(source) : 0);
	if (!b.doc->source) {
		spm_ydoc_free(b.doc);
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	}
	if (!yaml_parser_initialize(&parser)) {
		rc = no_memory(&b);
		spm_ydoc_free(b.doc);
		return rc;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (!done && rc == SPM_OK) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = libyaml_error(&b, &parser, text, len);
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		rc = handle_event(&b, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	while (b.depth > 0) {
		b.depth--;
		free(b.stack[b.depth].items);
		free(b.stack[b.depth].keys);
	}
	if (rc == SPM_OK && !b.root) {
		b.root = new_node(&b, SPM_YSCALAR, start);
		if (b.root)
			b.root->null = true;
		else
			rc = no_memory(&b);
	}
	if (rc != SPM_OK) {
		spm_ydoc_free(b.doc);
		return rc;
	}
	b.doc->root = b.root;
	*out = b.doc;
	return SPM_OK;
}

/* ---- errors and checks at a node ---- */

static int vlocate(const spm_ydoc *doc, const spm_ynode *node, spm_error *err, const char *fmt,
                   va_list ap) __attribute__((format(printf, 4, 0)));

static int vlocate(const spm_ydoc *doc, const spm_ynode *node, spm_error *err, const char *fmt,
                   va_list ap)
{
	spm_error_vset(err, SPM_ECONFIG, fmt, ap);
	if (node)
		spm_error_locate_at(err, spm_ydoc_source(doc), node->line, node->col);
	else
		spm_error_locate(err, spm_ydoc_source(doc), 0, NULL);
	return SPM_ECONFIG;
}

int spm_ynode_error(const spm_ydoc *doc, const spm_ynode *node, spm_error *err, const char *fmt,
                    ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlocate(doc, node, err, fmt, ap);
	va_end(ap);
	return SPM_ECONFIG;
}

/* What a node is, for "expected X, not Y": the quoted text, or what kind of thing it is. */
static const char *found(const spm_ynode *node, char *buf, size_t size)
{
	if (node->kind == SPM_YMAP)
		return "a mapping";
	if (node->kind == SPM_YLIST)
		return "a list";
	if (node->null && node->len == 0)
		return "an empty value";
	if (node->quoted) {
		char q[SPM_QUOTE_BUFSZ];
		snprintf(buf, size, "the quoted text %s",
		         spm_quote(q, sizeof q, node->text, node->len));
		return buf;
	}
	return spm_quote(buf, size, node->text, node->len);
}

static int missing(const spm_ydoc *doc, spm_error *err)
{
	return spm_ynode_error(doc, NULL, err, "a value is missing");
}

int spm_ynode_expect(const spm_ydoc *doc, const spm_ynode *node, spm_ynode_kind kind,
                     spm_error *err)
{
	static const char *const names[] = {"a value", "a mapping", "a list"};
	char buf[SPM_QUOTE_BUFSZ + 32];

	if (!node)
		return missing(doc, err);
	if (node->kind == kind)
		return SPM_OK;
	if ((unsigned)kind > SPM_YLIST)
		return spm_error_set(err, SPM_EUSAGE, "invalid node kind %d", (int)kind);
	return spm_ynode_error(doc, node, err, "expected %s, not %s", names[kind],
	                       found(node, buf, sizeof buf));
}

static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
	size_t row[65];

	if (la > 64 || lb > 64)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/*
 * The one word within two edits of text, or NULL when none or several are. A suggestion must also
 * keep something of what was written: 'x' is two edits from 'on' but not a typo of it.
 */
static const char *suggest(const char *text, size_t len, const char *const *words)
{
	const char *best = NULL;
	for (size_t i = 0; words[i]; i++) {
		size_t d = edit_distance(text, len, words[i], strlen(words[i]));
		if (d <= 2 && d < len) {
			if (best)
				return NULL;
			best = words[i];
		}
	}
	return best;
}

/* Writes "a, b, c" (cut short when long; the message buffer is bounded anyway). */
static void join_words(char *buf, size_t size, const char *const *words)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; words[i] && used < size; i++) {
		int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", words[i]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

static bool in_words(const char *text, size_t len, const char *const *words, int *index)
{
	for (size_t i = 0; words[i]; i++) {
		if (strlen(words[i]) == len && memcmp(words[i], text, len) == 0) {
			*index = (int)i;
			return true;
		}
	}
	return false;
}

int spm_ynode_check_keys(const spm_ydoc *doc, const spm_ynode *map, const char *const *allowed,
                         spm_error *err)
{
	int rc;

	if ((rc = spm_ynode_expect(doc, map, SPM_YMAP, err)) != SPM_OK)
		return rc;
	for (size_t i = 0; i < map->n; i++) {
		const spm_ynode *key = map->keys[i];
		int index;
		if (in_words(key->text, key->len, allowed, &index))
			continue;
		char q[SPM_QUOTE_BUFSZ], list[512];
		const char *hint = suggest(key->text, key->len, allowed);
		join_words(list, sizeof list, allowed);
		spm_quote(q, sizeof q, key->text, key->len);
		if (hint)
			return spm_ynode_error(
			    doc, key, err,
			    "unknown key %s (expected one of: %s); did you mean '%s'?", q, list,
			    hint);
		return spm_ynode_error(doc, key, err, "unknown key %s (expected one of: %s)", q,
		                       list);
	}
	return SPM_OK;
}

const spm_ynode *spm_ynode_get(const spm_ynode *map, const char *key)
{
	if (!map || map->kind != SPM_YMAP || !key)
		return NULL;
	size_t len = strlen(key);
	for (size_t i = 0; i < map->n; i++)
		if (map->keys[i]->len == len && memcmp(map->keys[i]->text, key, len) == 0)
			return map->items[i];
	return NULL;
}

/* ---- typed values ---- */

/* A scalar with a value (not null, not a collection), or an error saying what was expected. */
static int want_value(const spm_ydoc *doc, const spm_ynode *node, bool allow_quoted,
                      const char *expected, spm_error *err)
{
	char buf[SPM_QUOTE_BUFSZ + 32];

	if (!node)
		return missing(doc, err);
	if (node->kind != SPM_YSCALAR || node->null || (node->quoted && !allow_quoted))
		return spm_ynode_error(doc, node, err, "expected %s, not %s", expected,
		                       found(node, buf, sizeof buf));
	return SPM_OK;
}

/*
 * A parser's "not a number"-kind failure becomes "expected X, not 'y'"; its other messages (too
 * many decimals, out of range, no such day) already say what is wrong and are kept as they are.
 */
static int convert_error(const spm_ydoc *doc, const spm_ynode *node, const char *expected,
                         spm_error *err, const spm_error *why)
{
	char buf[SPM_QUOTE_BUFSZ + 32];

	if (strncmp(why->message, "not a ", 6) == 0 || strncmp(why->message, "ambiguous ", 10) == 0)
		return spm_ynode_error(doc, node, err, "expected %s, not %s", expected,
		                       found(node, buf, sizeof buf));
	return spm_ynode_error(doc, node, err, "%s", why->message);
}

int spm_ynode_text(const spm_ydoc *doc, const spm_ynode *node, const char **out, spm_error *err)
{
	int rc = want_value(doc, node, true, "text", err);
	if (rc == SPM_OK)
		*out = node->text;
	return rc;
}

int spm_ynode_bool(const spm_ydoc *doc, const spm_ynode *node, bool *out, spm_error *err)
{
	static const char *const yes[] = {"true", "True", "TRUE", NULL};
	static const char *const no[] = {"false", "False", "FALSE", NULL};
	static const char *const vague[] = {"yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON",
	                                    "off", "Off", "OFF", "y",  "Y",  "n",  "N",  NULL};
	const char *expected = "true or false";
	int rc, index;

	if ((rc = want_value(doc, node, false, expected, err)) != SPM_OK)
		return rc;
	if (in_words(node->text, node->len, yes, &index)) {
		*out = true;
		return SPM_OK;
	}
	if (in_words(node->text, node->len, no, &index)) {
		*out = false;
		return SPM_OK;
	}
	char q[SPM_QUOTE_BUFSZ];
	spm_quote(q, sizeof q, node->text, node->len);
	if (in_words(node->text, node->len, vague, &index))
		return spm_ynode_error(doc, node, err, "expected %s, not %s (ambiguous in YAML)",
		                       expected, q);
	return spm_ynode_error(doc, node, err, "expected %s, not %s", expected, q);
}

int spm_ynode_int(const spm_ydoc *doc, const spm_ynode *node, int64_t min, int64_t max,
                  int64_t *out, spm_error *err)
{
	char expected[128];
	spm_error why;
	int rc;

	if (min == INT64_MIN && max == INT64_MAX)
		snprintf(expected, sizeof expected, "a whole number");
	else
		snprintf(expected, sizeof expected, "a whole number from %lld to %lld",
		         (long long)min, (long long)max);
	if ((rc = want_value(doc, node, false, expected, err)) != SPM_OK)
		return rc;
	if (min > max)
		return spm_error_set(err, SPM_EUSAGE, "invalid range %lld..%lld", (long long)min,
		                     (long long)max);
	rc = spm_int_parse(out, node->text, node->len, min, max, &why);
	if (rc == SPM_OK)
		return SPM_OK;
	/* out of range is also "expected a whole number from 1 to 12, not '13'" */
	char buf[SPM_QUOTE_BUFSZ + 32];
	return spm_ynode_error(doc, node, err, "expected %s, not %s", expected,
	                       found(node, buf, sizeof buf));
}

int spm_ynode_money(const spm_ydoc *doc, const spm_ynode *node, spm_money *out, spm_error *err)
{
	const char *expected = "an amount such as 60000 or 1250.50";
	spm_error why;
	int rc;

	if ((rc = want_value(doc, node, true, expected, err)) != SPM_OK)
		return rc;
	if (spm_money_parse(out, node->text, node->len, 0, &why) != SPM_OK)
		return convert_error(doc, node, expected, err, &why);
	return SPM_OK;
}

int spm_ynode_rate(const spm_ydoc *doc, const spm_ynode *node, spm_rate min, spm_rate max,
                   spm_rate *out, spm_error *err)
{
	const char *expected = "a percentage such as 8% or 0.08";
	char lo[SPM_NUM_BUFSZ], hi[SPM_NUM_BUFSZ], got[SPM_NUM_BUFSZ], q[SPM_QUOTE_BUFSZ];
	spm_error why;
	spm_rate r;
	int rc;

	if ((rc = want_value(doc, node, false, expected, err)) != SPM_OK)
		return rc;
	if (spm_rate_parse(&r, node->text, node->len, SPM_NUM_PERCENT, &why) != SPM_OK)
		return convert_error(doc, node, expected, err, &why);
	if (spm_rate_cmp(r, min) >= 0 && spm_rate_cmp(r, max) <= 0) {
		*out = r;
		return SPM_OK;
	}
	spm_rate_format(lo, sizeof lo, min, true);
	spm_rate_format(hi, sizeof hi, max, true);
	spm_quote(q, sizeof q, node->text, node->len);
	/* 8 for 8% is the likely slip: show the value as the percentage it became */
	if (node->len && node->text[node->len - 1] != '%') {
		spm_rate_format(got, sizeof got, r, true);
		return spm_ynode_error(doc, node, err,
		                       "expected a rate from %s to %s, not %s (that is %s)", lo, hi,
		                       q, got);
	}
	return spm_ynode_error(doc, node, err, "expected a rate from %s to %s, not %s", lo, hi, q);
}

int spm_ynode_date(const spm_ydoc *doc, const spm_ynode *node, spm_date *out, spm_error *err)
{
	const char *expected = "a date such as 2026-01-01";
	spm_error why;
	int rc;

	if ((rc = want_value(doc, node, true, expected, err)) != SPM_OK)
		return rc;
	if (spm_date_parse(out, node->text, node->len, NULL, &why) != SPM_OK)
		return convert_error(doc, node, expected, err, &why);
	return SPM_OK;
}

int spm_ynode_choice(const spm_ydoc *doc, const spm_ynode *node, const char *const *words,
                     int *index, spm_error *err)
{
	char list[512], q[SPM_QUOTE_BUFSZ];
	int rc;

	join_words(list, sizeof list, words);
	if (!node)
		return missing(doc, err);
	if (node->kind != SPM_YSCALAR || node->null) {
		char buf[SPM_QUOTE_BUFSZ + 32];
		return spm_ynode_error(doc, node, err, "expected one of: %s; not %s", list,
		                       found(node, buf, sizeof buf));
	}
	if (in_words(node->text, node->len, words, index))
		return SPM_OK;
	spm_quote(q, sizeof q, node->text, node->len);
	const char *hint = suggest(node->text, node->len, words);
	if (hint)
		rc = spm_ynode_error(doc, node, err,
		                     "unknown value %s (expected one of: %s); did you mean '%s'?",
		                     q, list, hint);
	else
		rc = spm_ynode_error(doc, node, err, "unknown value %s (expected one of: %s)", q,
		                     list);
	return rc;
}
