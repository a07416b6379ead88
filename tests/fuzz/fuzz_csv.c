/*
 * fuzz_csv.c - libFuzzer target for the CSV reader and the byte layer under it.
 *
 * The first byte picks the options (format csv or tsv, a delimiter or detection, UTF-8 or a
 * transcoded encoding); the rest is read through fmemopen until the end or an error. Every record
 * must hold as many fields as the header, each NUL-terminated at its length, with names inside
 * the name table and lines that never go backwards; any broken promise aborts.
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
		fprintf(stderr, "fuzz_csv: broken: %s\n", what);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char delimiters[] = {0, ',', ';', '\t'};
	static const char *const encodings[] = {NULL, "UTF-8", "CP1252", "UTF-16LE"};

	if (size < 2)
		return 0;
	spm_reader_options options = {
		.format = (data[0] & 0x10) ? SPM_IN_TSV : SPM_IN_CSV,
		.delimiter = (data[0] & 0x10) ? 0 : delimiters[data[0] & 3],
		.encoding = encodings[(data[0] >> 2) & 3],
	};
	FILE *fp = fmemopen((void *)(uintptr_t)(data + 1), size - 1, "r");
	if (!fp)
		return 0;
	spm_reader *r = NULL;
	spm_error err;
	if (spm_reader_open(&r, "fuzz.csv", fp, &options, &err) == SPM_OK) {
		const char *const *names;
		size_t ncols = spm_reader_names(r, &names);
		check(ncols > 0, "a header without columns");
		spm_record rec;
		long last_line = 0;
		int rc;
		while ((rc = spm_reader_next(r, &rec, &err)) == 1) {
			check(rec.nfields == ncols, "a record unlike the header");
			/* >=: with CR line ends several records share a line */
			check(rec.line >= last_line, "lines going backwards");
			last_line = rec.line;
			for (size_t i = 0; i < rec.nfields; i++) {
				check(rec.fields[i].name == i, "a field out of its column");
				check(rec.fields[i].value[rec.fields[i].len] == '\0', "unterminated field");
				check(strlen(rec.fields[i].value) == rec.fields[i].len, "NUL in a field");
				check(!rec.fields[i].is_null, "a null CSV field");
			}
		}
		check(rc == 0 || err.message[0] != '\0', "an error without a message");
		check(spm_reader_names(r, &names) == ncols, "the header changed");
		char hex[65];
		spm_reader_sha256(r, hex);
		check(strlen(hex) == 64, "a short digest");
		check(spm_reader_bytes(r) <= size - 1, "more bytes than given");
	} else {
		check(r == NULL, "a reader left after a failed open");
		check(err.message[0] != '\0', "an open error without a message");
	}
	spm_reader_close(r);
	fclose(fp);
	return 0;
}
