/*
 * fuzz_json.c - libFuzzer target for the JSON and JSON Lines readers and the byte layer under them.
 *
 * The first byte picks the format (array or lines) and the encoding; the rest is read through
 * fmemopen until the end or an error. Every field must be NUL-terminated at its length with no NUL
 * inside, be valid UTF-8 text as far as a quick check can tell, name a key in the name table and
 * appear once per record; any broken promise aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spm/reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_json: broken: %s\n", what);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const encodings[] = {NULL, "UTF-8", "CP1252", "UTF-16LE"};
	static unsigned char seen[10001];

	if (size < 2)
		return 0;
	spm_reader_options options = {
		.format = (data[0] & 1) ? SPM_IN_JSONL : SPM_IN_JSON,
		.delimiter = 0,
		.encoding = encodings[(data[0] >> 1) & 3],
	};
	FILE *fp = fmemopen((void *)(uintptr_t)(data + 1), size - 1, "r");
	if (!fp)
		return 0;
	spm_reader *r = NULL;
	spm_error err;
	if (spm_reader_open(&r, "fuzz.json", fp, &options, &err) == SPM_OK) {
		spm_record rec;
		long last_line = 0;
		int rc;
		while ((rc = spm_reader_next(r, &rec, &err)) == 1) {
			const char *const *names;
			size_t nnames = spm_reader_names(r, &names);
			check(rec.line >= last_line, "lines going backwards");
			last_line = rec.line;
			check(rec.nfields <= nnames, "more fields than names");
			for (size_t i = 0; i < rec.nfields; i++) {
				const spm_field *f = &rec.fields[i];
				check(f->name < nnames && f->name < sizeof seen, "a name out of the table");
				check(!seen[f->name], "a key twice in one record");
				seen[f->name] = 1;
				check(f->value[f->len] == '\0', "unterminated field");
				check(strlen(f->value) == f->len, "NUL in a field");
				check(!f->is_null || f->len == 0, "a null with text");
				for (size_t k = 0; k < f->len; k++)
					check((unsigned char)f->value[k] < 0xF8, "a byte never in UTF-8");
			}
			for (size_t i = 0; i < rec.nfields; i++)
				seen[rec.fields[i].name] = 0;
		}
		check(rc == 0 || err.message[0] != '\0', "an error without a message");
		char hex[65];
		spm_reader_sha256(r, hex);
		check(strlen(hex) == 64, "a short digest");
	} else {
		check(r == NULL, "a reader left after a failed open");
	}
	spm_reader_close(r);
	fclose(fp);
	return 0;
}
