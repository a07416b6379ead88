/*
 * util.c - the growable buffer, the string set and JSON string escaping that several library
 * modules share.
 */
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spm/error.h"

int spm_buf_reserve(spm_buf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1) {
		if (cap > SIZE_MAX / 2)
			return SPM_ENOMEM;
		cap *= 2;
	}
	char *p = realloc(b->data, cap);
	if (!p)
		return SPM_ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int spm_buf_append(spm_buf *b, const char *s, size_t n)
{
	if (spm_buf_reserve(b, n))
		return SPM_ENOMEM;
	if (n)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int spm_buf_append_str(spm_buf *b, const char *s)
{
	return spm_buf_append(b, s, strlen(s));
}

int spm_buf_append_char(spm_buf *b, char c)
{
	return spm_buf_append(b, &c, 1);
}

int spm_buf_printf(spm_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || spm_buf_reserve(b, (size_t)n))
		return SPM_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void spm_buf_clear(spm_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void spm_buf_free(spm_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int spm_buf_append_json_string(spm_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	if (spm_buf_reserve(b, n + 2))
		return SPM_ENOMEM;
	b->data[b->len++] = '"';
	size_t i = 0;
	while (i < n) {
		/* a run of characters that need no escape goes in at once */
		size_t start = i;
		while (i < n && (unsigned char)s[i] >= 0x20 && s[i] != '"' && s[i] != '\\')
			i++;
		if (i > start && spm_buf_append(b, s + start, i - start))
			return SPM_ENOMEM;
		if (i == n)
			break;
		unsigned char c = (unsigned char)s[i++];
		char esc[7] = {'\\', 0, 0, 0, 0, 0, 0};
		size_t elen = 2;
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		default:
			esc[1] = 'u', esc[2] = '0', esc[3] = '0';
			esc[4] = hex[c >> 4], esc[5] = hex[c & 15];
			elen = 6;
		}
		if (spm_buf_append(b, esc, elen))
			return SPM_ENOMEM;
	}
	return spm_buf_append_char(b, '"');
}

/* FNV-1a: short keys, no adversary that matters (the input is the user's own file). */
static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = UINT64_C(14695981039346656037);
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= UINT64_C(1099511628211);
	}
	return h;
}

static size_t find_slot(char *const *slots, size_t cap, const char *s, size_t n)
{
	size_t i = (size_t)hash_bytes(s, n) & (cap - 1);
	/* Keys hold no NUL byte: a stored key equals s when its first n bytes do and it ends there. */
	while (slots[i] && !(strncmp(slots[i], s, n) == 0 && slots[i][n] == '\0'))
		i = (i + 1) & (cap - 1);
	return i;
}

bool spm_strset_contains(const spm_strset *set, const char *s, size_t n)
{
	if (!set->cap)
		return false;
	return set->slots[find_slot(set->slots, set->cap, s, n)] != NULL;
}

static int grow(spm_strset *set)
{
	size_t cap = set->cap ? set->cap * 2 : 64;
	char **slots = calloc(cap, sizeof *slots);
	if (!slots)
		return SPM_ENOMEM;
	for (size_t i = 0; i < set->cap; i++) {
		char *k = set->slots[i];
		if (k)
			slots[find_slot(slots, cap, k, strlen(k))] = k;
	}
	free(set->slots);
	set->slots = slots;
	set->cap = cap;
	return 0;
}

int spm_strset_add(spm_strset *set, const char *s, size_t n)
{
	if ((set->count + 1) * 2 > set->cap && grow(set))
		return SPM_ENOMEM;
	size_t i = find_slot(set->slots, set->cap, s, n);
	if (set->slots[i])
		return 0;
	char *copy = spm_strndup(s, n);
	if (!copy)
		return SPM_ENOMEM;
	set->slots[i] = copy;
	set->count++;
	return 0;
}

void spm_strset_free(spm_strset *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->slots[i]);
	free(set->slots);
	set->slots = NULL;
	set->cap = set->count = 0;
}

char *spm_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/*
 * Length of the well-formed UTF-8 sequence at s (at most n bytes, n >= 1), or 0 when the bytes
 * there are not one (overlong forms, surrogates, values past U+10FFFF). *cp gets the code point.
 */
size_t spm_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t min, c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		len = 2, min = 0x80, c = s[0] & 0x1Fu;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		len = 3, min = 0x800, c = s[0] & 0x0Fu;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		len = 4, min = 0x10000, c = s[0] & 0x07u;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3Fu);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

int spm_buf_append_int(spm_buf *b, int64_t v)
{
	char digits[24];
	size_t n = sizeof digits;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		digits[--n] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		digits[--n] = '-';
	return spm_buf_append(b, digits + n, sizeof digits - n);
}

int spm_buf_json_member(spm_buf *b, const char *key, const char *value)
{
	int rc = 0;
	if (b->len && b->data[b->len - 1] != '{' && b->data[b->len - 1] != '[')
		rc |= spm_buf_append_char(b, ',');
	rc |= spm_buf_append_char(b, '"') | spm_buf_append_str(b, key);
	rc |= spm_buf_append_str(b, "\":\"") | spm_buf_append_str(b, value);
	rc |= spm_buf_append_char(b, '"');
	return rc ? SPM_ENOMEM : SPM_OK;
}

size_t spm_find_sorted(const void *base, size_t n, size_t size, size_t offset, const char *key)
{
	const char *bytes = base;
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *id;
		memcpy(&id, bytes + mid * size + offset, sizeof id);
		int c = strcmp(id, key);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (size_t)-1;
}
