/*
 * util.h (private) - small pieces the library modules share: a growable byte buffer, a set of
 * strings, and JSON string escaping. Not part of the public API.
 */
#ifndef SPM_LIB_UTIL_H
#define SPM_LIB_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ASCII character classes: nothing in the library depends on the locale. */
static inline bool spm_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool spm_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static inline char spm_ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static inline char spm_ascii_upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/*
 * The index of the element of base[0..n-1] (each `size` bytes, in byte order of the string
 * pointer found `offset` bytes into each) whose string is key; (size_t)-1 when there is none.
 */
size_t spm_find_sorted(const void *base, size_t n, size_t size, size_t offset, const char *key);

/* A growable, always NUL-terminated byte buffer. Zero-initialise, then use; spm_buf_free releases. */
typedef struct spm_buf {
	char *data;
	size_t len;
	size_t cap;
} spm_buf;

/* Each returns 0, or SPM_ENOMEM leaving the buffer as it was. */
int spm_buf_reserve(spm_buf *b, size_t extra);
int spm_buf_append(spm_buf *b, const char *s, size_t n);
int spm_buf_append_str(spm_buf *b, const char *s);
int spm_buf_append_char(spm_buf *b, char c);
int spm_buf_printf(spm_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void spm_buf_clear(spm_buf *b); /* length 0, memory kept */
void spm_buf_free(spm_buf *b);

/* Appends s as a JSON string literal, quotes included (RFC 8259 escaping; UTF-8 passed through). */
int spm_buf_append_json_string(spm_buf *b, const char *s, size_t n);
/* v in decimal, as printf's %" PRId64 " would write it, without printf. */
int spm_buf_append_int(spm_buf *b, int64_t v);
/*
 * Appends "key":"value" to the JSON object being written in b, after a comma unless b ends with
 * '{' or '['. Neither is escaped: for spm's own keys and formatted numbers.
 */
int spm_buf_json_member(spm_buf *b, const char *key, const char *value);

/* A set of byte strings (open addressing). Zero-initialise; spm_strset_free releases. */
typedef struct spm_strset {
	char **slots;
	size_t cap;   /* power of two, or 0 */
	size_t count;
} spm_strset;

bool spm_strset_contains(const spm_strset *set, const char *s, size_t n);
/* Adds a copy of s; 0 (also when already present) or SPM_ENOMEM. */
int spm_strset_add(spm_strset *set, const char *s, size_t n);
void spm_strset_free(spm_strset *set);

/*
 * Length of the well-formed UTF-8 sequence at s (at most n bytes, n >= 1), or 0 when the bytes
 * there are not one (overlong forms, surrogates, values past U+10FFFF). *cp gets the code point.
 */
size_t spm_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Duplicates n bytes plus a NUL; NULL when out of memory. */
char *spm_strndup(const char *s, size_t n);

#endif
