/*
 * reader.c - the part of the record readers that is the same for every format: opening and
 * closing, the byte layer (block reads, SHA-256 of the raw bytes, iconv transcoding, BOM, NUL and
 * UTF-8 checks, cutting the text into pieces that know their physical line), the name table, the
 * queue of parsed records, and the dispatch to a format through its ops (reader_impl.h).
 *
 * Memory does not grow with the file or with a line: the text buffer holds at most one block not
 * yet handed out plus one decoded block, and a piece is at most a block long.
 */
#include "reader_impl.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Decoding one block into UTF-8 can make it longer: room for four times the block, plus what is
 * left over from the previous block (less than a block) and a NUL. */
#define TEXT_CAP (5 * SPM_READER_BLOCK + 1)

enum { DECODE_OK, DECODE_BAD_BYTE, DECODE_TRUNCATED };

int spm_reader_fail(spm_reader *r, long line, spm_status code, const char *fmt, ...)
{
	if (r->status == SPM_OK) {
		va_list ap;
		va_start(ap, fmt);
		spm_error_vset(&r->failure, code, fmt, ap);
		va_end(ap);
		spm_error_locate(&r->failure, r->source, line, NULL);
		r->status = code;
	}
	return r->status;
}

static int fail_nomem(spm_reader *r)
{
	return spm_reader_fail(r, 0, SPM_ENOMEM, "out of memory");
}

/* Makes room for need elements of size elem in *p (capacity *cap), doubling. 0 or -1. */
static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap : 16;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return -1;
		n *= 2;
	}
	if (n > SIZE_MAX / elem)
		return -1;
	void *q = realloc(*p, n * elem);
	if (!q)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

static char *dup_str(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* --- formats and their names --- */

int spm_input_format_parse(spm_input_format *out, const char *name)
{
	static const struct {
		const char *name;
		spm_input_format format;
	} names[] = {
		{"csv", SPM_IN_CSV},     {"tsv", SPM_IN_TSV},     {"json", SPM_IN_JSON},
		{"jsonl", SPM_IN_JSONL}, {"ndjson", SPM_IN_JSONL},
	};
	for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++) {
		if (strcasecmp(name, names[i].name) == 0) {
			*out = names[i].format;
			return SPM_OK;
		}
	}
	return SPM_EUSAGE;
}

spm_input_format spm_input_format_from_path(const char *path)
{
	static const struct {
		const char *ext;
		spm_input_format format;
	} exts[] = {
		{"csv", SPM_IN_CSV},   {"tsv", SPM_IN_TSV},     {"tab", SPM_IN_TSV},
		{"json", SPM_IN_JSON}, {"jsonl", SPM_IN_JSONL}, {"ndjson", SPM_IN_JSONL},
	};
	if (!path)
		return SPM_IN_AUTO;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strrchr(base, '.');
	if (!dot || dot == base)
		return SPM_IN_AUTO;
	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		if (strcasecmp(dot + 1, exts[i].ext) == 0)
			return exts[i].format;
	}
	return SPM_IN_AUTO;
}

const char *spm_input_format_name(spm_input_format f)
{
	switch (f) {
	case SPM_IN_AUTO: return "auto";
	case SPM_IN_CSV: return "csv";
	case SPM_IN_TSV: return "tsv";
	case SPM_IN_JSON: return "json";
	case SPM_IN_JSONL: return "jsonl";
	}
	return "unknown";
}

/* --- UTF-8 --- */

size_t spm_utf8_valid_prefix(const char *text, size_t n)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		if (c >= 0x01 && c < 0x80) {
			i++;
			continue;
		}
		size_t len;
		unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			if (c == 0xE0)
				lo = 0xA0; /* no overlong forms */
			else if (c == 0xED)
				hi = 0x9F; /* no surrogates */
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F; /* nothing above U+10FFFF */
		} else {
			return i; /* NUL, a continuation byte, or a byte never used */
		}
		if (n - i < len || s[i + 1] < lo || s[i + 1] > hi)
			return i;
		for (size_t k = 2; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
		}
		i += len;
	}
	return n;
}

/* --- the byte layer --- */

static size_t read_raw(spm_reader *r, char *dst, size_t want)
{
	size_t got = fread(dst, 1, want, r->fp);
	if (got > 0) {
		spm_sha256_update(&r->sha, dst, got);
		r->nbytes += got;
	}
	return got;
}

/* Decodes r->raw into the free end of r->text; a failure is kept in r->decode_fail for when the
 * text before it has been handed out. */
static void decode_raw(spm_reader *r)
{
	char *in = r->raw;
	size_t in_left = r->raw_len;
	char *out = r->text + r->text_len;
	size_t out_left = r->text_cap - 1 - r->text_len;

	size_t rc = iconv(r->cd, &in, &in_left, &out, &out_left);
	int e = errno;
	r->text_len = (size_t)(out - r->text);
	if (rc == (size_t)-1 && e == EILSEQ) {
		r->decode_fail = DECODE_BAD_BYTE;
		r->decode_byte = (unsigned char)*in;
	} else if (rc == (size_t)-1 && e == EINVAL && r->raw_eof) {
		r->decode_fail = DECODE_TRUNCATED;
	}
	/* EINVAL (a character cut by the block end) and E2BIG leave bytes for the next round. */
	memmove(r->raw, in, in_left);
	r->raw_len = in_left;
	if (r->raw_eof && r->raw_len == 0 && !r->decode_fail) {
		/* Let a stateful decoder emit what it holds. */
		out = r->text + r->text_len;
		out_left = r->text_cap - 1 - r->text_len;
		iconv(r->cd, NULL, NULL, &out, &out_left);
		r->text_len = (size_t)(out - r->text);
		r->eof = true;
	}
}

/*
 * Moves the text not handed out to the front and appends the next decoded block. Called only
 * when that text holds no complete line, so a failure here loses no record that could be read.
 */
static int refill(spm_reader *r)
{
	size_t avail = r->text_len - r->text_start;

	memmove(r->text, r->text + r->text_start, avail);
	r->text_start = 0;
	r->text_len = avail;

	if (r->decode_fail == DECODE_BAD_BYTE)
		return spm_reader_fail(r, r->line, SPM_EDATA, "byte 0x%02X is not valid in encoding '%s'",
				       r->decode_byte, r->encoding);
	if (r->decode_fail == DECODE_TRUNCATED)
		return spm_reader_fail(r, r->line, SPM_EDATA,
				       "incomplete character at end of input (encoding '%s')", r->encoding);

	if (r->cd == (iconv_t)-1) {
		size_t got = read_raw(r, r->text + r->text_len, SPM_READER_BLOCK);
		r->text_len += got;
		if (got < SPM_READER_BLOCK) {
			if (ferror(r->fp))
				return spm_reader_fail(r, r->line, SPM_EIO, "read error: %s",
						       strerror(errno));
			r->eof = true;
		}
		return SPM_OK;
	}

	if (!r->raw_eof && r->raw_len < SPM_READER_BLOCK) {
		size_t want = SPM_READER_BLOCK - r->raw_len;
		size_t got = read_raw(r, r->raw + r->raw_len, want);
		r->raw_len += got;
		if (got < want) {
			if (ferror(r->fp))
				return spm_reader_fail(r, r->line, SPM_EIO, "read error: %s",
						       strerror(errno));
			r->raw_eof = true;
		}
	}
	decode_raw(r);
	return SPM_OK;
}

static int refuse_bad_text(spm_reader *r, const char *bad, long line)
{
	unsigned char c = (unsigned char)*bad;
	if (c == 0)
		return spm_reader_fail(r, line, SPM_EDATA, "NUL byte in input");
	if (r->encoding)
		return spm_reader_fail(r, line, SPM_EDATA, "invalid UTF-8 (byte 0x%02X)", c);
	return spm_reader_fail(r, line, SPM_EDATA,
			       "invalid UTF-8 (byte 0x%02X); if the file is not UTF-8, give its "
			       "encoding, e.g. --encoding cp1252",
			       c);
}

int spm_reader_next_piece(spm_reader *r, spm_text_piece *p)
{
	if (r->status)
		return r->status;
	for (;;) {
		size_t avail = r->text_len - r->text_start;
		char *s = r->text + r->text_start;

		if (!r->bom_checked) {
			if (avail < 3 && !r->eof && !r->decode_fail) {
				if (refill(r) < 0)
					return r->status;
				continue;
			}
			r->bom_checked = true;
			if (avail >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
				r->text_start += 3;
				continue;
			}
		}

		size_t scan = avail < SPM_READER_BLOCK ? avail : SPM_READER_BLOCK;
		const char *nl = memchr(s, '\n', scan);
		size_t n;
		if (nl) {
			n = (size_t)(nl - s) + 1;
		} else if (avail > SPM_READER_BLOCK) {
			/* A very long line: cut it at a character boundary (at most 3 bytes back). */
			n = SPM_READER_BLOCK;
			for (int k = 0; k < 3 && ((unsigned char)s[n] & 0xC0) == 0x80; k++)
				n--;
		} else if (r->eof) {
			if (avail == 0)
				return 0;
			n = avail;
		} else {
			if (refill(r) < 0)
				return r->status;
			continue;
		}

		size_t ok = spm_utf8_valid_prefix(s, n);
		if (ok < n)
			return refuse_bad_text(r, s + ok, r->line);
		p->text = s;
		p->len = n;
		p->line = r->line;
		p->ends_line = s[n - 1] == '\n' || (r->eof && n == avail);
		r->text_start += n;
		if (s[n - 1] == '\n' && r->line < LONG_MAX)
			r->line++;
		return 1;
	}
}

/* --- the name table --- */

static uint64_t hash_name(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603u; /* FNV-1a */
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211u;
	}
	return h;
}

static size_t *find_slot(size_t *slots, size_t nslots, char *const *names, const size_t *lens,
			 const char *name, size_t len)
{
	size_t mask = nslots - 1;
	size_t i = (size_t)hash_name(name, len) & mask;
	while (slots[i] != 0) {
		size_t k = slots[i] - 1;
		if (lens[k] == len && memcmp(names[k], name, len) == 0)
			break;
		i = (i + 1) & mask;
	}
	return &slots[i];
}

static int rehash(spm_reader *r)
{
	size_t n = r->nslots ? r->nslots * 2 : 64;
	size_t *slots = calloc(n, sizeof *slots);
	if (!slots)
		return -1;
	for (size_t k = 0; k < r->nnames; k++)
		*find_slot(slots, n, r->names, r->name_lens, r->names[k], r->name_lens[k]) = k + 1;
	free(r->slots);
	r->slots = slots;
	r->nslots = n;
	return 0;
}

int spm_reader_intern(spm_reader *r, const char *name, size_t len, long line, size_t *index,
		      bool *added)
{
	*added = false;
	if (r->nslots) {
		size_t *slot = find_slot(r->slots, r->nslots, r->names, r->name_lens, name, len);
		if (*slot) {
			*index = *slot - 1;
			return SPM_OK;
		}
	}
	if (r->nnames >= SPM_READER_MAX_NAMES)
		return spm_reader_fail(r, line, SPM_EDATA, "too many distinct names (more than %zu)",
				       SPM_READER_MAX_NAMES);
	if ((r->nnames + 1) * 2 > r->nslots && rehash(r) < 0)
		return fail_nomem(r);
	if (r->nnames == r->names_cap) {
		size_t cap = r->names_cap ? r->names_cap * 2 : 16;
		char **names = realloc(r->names, cap * sizeof *names);
		if (names)
			r->names = names;
		size_t *lens = realloc(r->name_lens, cap * sizeof *lens);
		if (lens)
			r->name_lens = lens;
		uint64_t *stamps = realloc(r->name_stamps, cap * sizeof *stamps);
		if (stamps)
			r->name_stamps = stamps;
		if (!names || !lens || !stamps)
			return fail_nomem(r);
		r->names_cap = cap;
	}
	char *copy = dup_str(name, len);
	if (!copy)
		return fail_nomem(r);
	size_t k = r->nnames++;
	r->names[k] = copy;
	r->name_lens[k] = len;
	r->name_stamps[k] = 0;
	*find_slot(r->slots, r->nslots, r->names, r->name_lens, name, len) = k + 1;
	*index = k;
	*added = true;
	return SPM_OK;
}

/* --- the record queue --- */

int spm_reader_push_field(spm_reader *r, size_t name, const char *value, size_t len, bool is_null)
{
	if (len > SIZE_MAX - r->arena_len - 1 ||
	    grow((void **)&r->arena, &r->arena_cap, r->arena_len + len + 1, 1) < 0 ||
	    grow((void **)&r->fields, &r->fields_cap, r->nfields + 1, sizeof *r->fields) < 0)
		return fail_nomem(r);
	if (len)
		memcpy(r->arena + r->arena_len, value, len);
	r->arena[r->arena_len + len] = '\0';
	r->fields[r->nfields++] = (spm_queued_field){name, r->arena_len, len, is_null};
	r->arena_len += len + 1;
	return SPM_OK;
}

int spm_reader_end_record(spm_reader *r, long line)
{
	if (grow((void **)&r->records, &r->records_cap, r->nrecords + 1, sizeof *r->records) < 0)
		return fail_nomem(r);
	r->records[r->nrecords++] =
		(spm_queued_record){line, r->open_first, r->nfields - r->open_first};
	r->open_first = r->nfields;
	r->open_text = r->arena_len;
	return SPM_OK;
}

void spm_reader_drop_record(spm_reader *r)
{
	r->nfields = r->open_first;
	r->arena_len = r->open_text;
}

int spm_reader_pop(spm_reader *r, spm_record *rec)
{
	if (r->head >= r->nrecords)
		return 0;
	const spm_queued_record *q = &r->records[r->head++];
	if (grow((void **)&r->out, &r->out_cap, q->nfields, sizeof *r->out) < 0) {
		fail_nomem(r);
		return r->status;
	}
	for (size_t i = 0; i < q->nfields; i++) {
		const spm_queued_field *f = &r->fields[q->first + i];
		r->out[i] = (spm_field){f->name, r->arena + f->offset, f->len, f->is_null};
	}
	rec->line = q->line;
	rec->nfields = q->nfields;
	rec->fields = r->out;
	return 1;
}

/* Called when every queued record has been handed out: keeps only the record in progress. */
static void compact_queue(spm_reader *r)
{
	size_t nopen = r->nfields - r->open_first;
	size_t text = r->arena_len - r->open_text;

	if (nopen)
		memmove(r->fields, r->fields + r->open_first, nopen * sizeof *r->fields);
	for (size_t i = 0; i < nopen; i++)
		r->fields[i].offset -= r->open_text;
	if (text)
		memmove(r->arena, r->arena + r->open_text, text);
	r->nfields = nopen;
	r->arena_len = text;
	r->open_first = 0;
	r->open_text = 0;
	r->nrecords = 0;
	r->head = 0;
}

size_t spm_reader_memory(const spm_reader *r)
{
	size_t n = r->text_cap + (r->raw ? SPM_READER_BLOCK : 0) + r->arena_cap +
		   r->fields_cap * sizeof *r->fields + r->records_cap * sizeof *r->records +
		   r->out_cap * sizeof *r->out + r->nslots * sizeof *r->slots;
	for (size_t k = 0; k < r->nnames; k++)
		n += r->name_lens[k] + 1 + sizeof(char *) + sizeof(size_t) + sizeof(uint64_t);
	if (r->ops && r->ops->buffered && r->state)
		n += r->ops->buffered(r);
	return n;
}

/* --- the public API --- */

static bool is_utf8_name(const char *enc)
{
	return strcasecmp(enc, "UTF-8") == 0 || strcasecmp(enc, "UTF8") == 0;
}

static bool delimiter_allowed(char c)
{
	/* Tab or ASCII punctuation; never the quote, which would make every field ambiguous. */
	return c == '\t' || (c > 0x20 && c < 0x7F && c != '"' && !(c >= '0' && c <= '9') &&
			     !(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z'));
}

static int check_options(spm_reader *r, const spm_reader_options *o, spm_error *err)
{
	char q[SPM_QUOTE_BUFSZ];
	spm_input_format f = o ? o->format : SPM_IN_AUTO;
	char delim = o ? o->delimiter : 0;
	const char *enc = o ? o->encoding : NULL;

	if (f == SPM_IN_AUTO)
		f = spm_input_format_from_path(r->source);
	if (f == SPM_IN_AUTO)
		f = SPM_IN_CSV;
	if (f != SPM_IN_CSV && f != SPM_IN_TSV && f != SPM_IN_JSON && f != SPM_IN_JSONL)
		return spm_error_set(err, SPM_EUSAGE, "unknown input format (%d)", (int)f);
	if (f == SPM_IN_CSV || f == SPM_IN_TSV) {
		if (delim && !delimiter_allowed(delim))
			return spm_error_set(err, SPM_EUSAGE, "invalid delimiter %s",
					     spm_quote(q, sizeof q, &delim, 1));
		if (f == SPM_IN_TSV && delim && delim != '\t')
			return spm_error_set(err, SPM_EUSAGE,
					     "delimiter %s does not go with format 'tsv'",
					     spm_quote(q, sizeof q, &delim, 1));
		r->delimiter = f == SPM_IN_TSV ? '\t' : delim;
	}
	r->format = f;

	if (enc && *enc && !is_utf8_name(enc)) {
		r->cd = iconv_open("UTF-8", enc);
		if (r->cd == (iconv_t)-1) {
			if (errno == EINVAL)
				return spm_error_set(err, SPM_EUSAGE, "unknown encoding %s",
						     spm_quote(q, sizeof q, enc, strlen(enc)));
			return spm_error_set(err, SPM_ENOMEM, "out of memory");
		}
		r->encoding = dup_str(enc, strlen(enc));
		r->raw = malloc(SPM_READER_BLOCK);
		if (!r->encoding || !r->raw)
			return spm_error_set(err, SPM_ENOMEM, "out of memory");
	}
	return SPM_OK;
}

int spm_reader_open(spm_reader **out, const char *source, FILE *fp,
		    const spm_reader_options *options, spm_error *err)
{
	int rc;

	spm_error_clear(err);
	if (!out)
		return spm_error_set(err, SPM_EUSAGE, "reader: no place for the result");
	*out = NULL;
	if (!fp)
		return spm_error_set(err, SPM_EUSAGE, "reader: no input stream");
	if (!source)
		source = "-";

	spm_reader *r = calloc(1, sizeof *r);
	if (!r)
		return spm_error_set(err, SPM_ENOMEM, "out of memory");
	r->cd = (iconv_t)-1;
	r->fp = fp;
	r->line = 1;
	spm_sha256_init(&r->sha);
	r->source = dup_str(source, strlen(source));
	r->text_cap = TEXT_CAP;
	r->text = malloc(r->text_cap);
	if (!r->source || !r->text) {
		rc = spm_error_set(err, SPM_ENOMEM, "out of memory");
		goto fail;
	}
	rc = check_options(r, options, err);
	if (rc < 0) {
		spm_error_locate(err, r->source, 0, NULL);
		goto fail;
	}
	r->ops = (r->format == SPM_IN_JSON || r->format == SPM_IN_JSONL) ? &spm_reader_json_ops
									  : &spm_reader_csv_ops;
	rc = r->ops->open(r);
	if (rc < 0) {
		if (err)
			*err = r->failure;
		goto fail;
	}
	*out = r;
	return SPM_OK;
fail:
	spm_reader_close(r);
	return rc;
}

int spm_reader_next(spm_reader *r, spm_record *rec, spm_error *err)
{
	spm_error_clear(err);
	if (!r || !rec)
		return spm_error_set(err, SPM_EUSAGE, "reader: no reader or record");
	for (;;) {
		/* Records queued before a failure are still handed out, in order. */
		int got = spm_reader_pop(r, rec);
		if (got == 1)
			return 1;
		if (r->status) {
			if (err)
				*err = r->failure;
			return r->status;
		}
		if (r->done)
			return 0;
		compact_queue(r);
		r->ops->fill(r);
	}
}

size_t spm_reader_names(const spm_reader *r, const char *const **names)
{
	if (names)
		*names = r ? (const char *const *)r->names : NULL;
	return r ? r->nnames : 0;
}

spm_input_format spm_reader_format(const spm_reader *r)
{
	return r ? r->format : SPM_IN_AUTO;
}

char spm_reader_delimiter(const spm_reader *r)
{
	return r && (r->format == SPM_IN_CSV || r->format == SPM_IN_TSV) ? r->delimiter : 0;
}

uint64_t spm_reader_bytes(const spm_reader *r)
{
	return r ? r->nbytes : 0;
}

void spm_reader_sha256(const spm_reader *r, char hex[65])
{
	spm_sha256 copy;
	unsigned char digest[SPM_SHA256_DIGEST_SIZE];

	if (r) {
		copy = r->sha;
	} else {
		spm_sha256_init(&copy);
	}
	spm_sha256_final(&copy, digest);
	spm_sha256_hex(digest, hex);
}

void spm_reader_close(spm_reader *r)
{
	if (!r)
		return;
	if (r->ops && r->ops->close)
		r->ops->close(r);
	if (r->cd != (iconv_t)-1)
		iconv_close(r->cd);
	for (size_t k = 0; k < r->nnames; k++)
		free(r->names[k]);
	free(r->names);
	free(r->name_lens);
	free(r->name_stamps);
	free(r->slots);
	free(r->arena);
	free(r->fields);
	free(r->records);
	free(r->out);
	free(r->raw);
	free(r->text);
	free(r->encoding);
	free(r->source);
	free(r);
}
