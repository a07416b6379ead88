/*
 * spm-import - load reps, territories, deals, credits, quotas, activities, survey answers, exchange
 * rates and more from CSV, JSON or JSON Lines into the store. The work is spm_import(); this file
 * reads options, opens the files and the store, and reports.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "spm/import.h"
#include "spm/kinds.h"
#include "spm/money.h"

enum {
	OPT_DELIMITER = 256,
	OPT_ENCODING,
	OPT_DATE_FORMAT,
	OPT_DECIMAL_COMMA,
	OPT_MAP_FILE,
	OPT_SET,
	OPT_CREATE_TERRITORIES,
	OPT_REJECT,
	OPT_ALLOW_EMPTY,
	OPT_COLUMNS
};

static const cli_option options[] = {
	{"db", 'd', "PATH", "the store (default: $SPM_DB, else ./spm.db)"},
	{"input-format", 'i', "FMT", "csv, tsv, json or jsonl (default: from the file name, else csv)"},
	{"delimiter", OPT_DELIMITER, "C", "CSV delimiter: , ; or tab (default: detected)"},
	{"encoding", OPT_ENCODING, "NAME", "input encoding, e.g. cp1252 (default: UTF-8)"},
	{"date-format", OPT_DATE_FORMAT, "FMT", "layout of dates, e.g. %m/%d/%Y (default: ISO 8601)"},
	{"decimal-comma", OPT_DECIMAL_COMMA, NULL, "numbers use ',' as the decimal separator"},
	{"map", 'm', "OURS=THEIRS", "read column OURS from the input's column THEIRS"},
	{"map-file", OPT_MAP_FILE, "FILE", "read OURS=THEIRS lines from FILE"},
	{"set", OPT_SET, "COL=VALUE", "use VALUE for COL where a record has none"},
	{"create-territories", OPT_CREATE_TERRITORIES, NULL,
	 "create territories that records name but the store lacks"},
	{"reject", OPT_REJECT, "FILE", "write bad records to FILE and import the rest"},
	{"check", 'n', NULL, "validate against the store, write nothing"},
	{"keep-going", 'k', NULL, "report every bad record, not only the first"},
	{"allow-empty", OPT_ALLOW_EMPTY, NULL, "an input without records is not an error"},
	{"columns", OPT_COLUMNS, NULL, "list the columns of KIND and exit"},
	{"format", 'f', "FMT", "summary as text (default), table, csv, tsv, json or jsonl"},
	{"output", 'o', "FILE", "write the summary to FILE (default: standard output)"},
	{"quiet", 'q', NULL, "no summary"},
	{"help", 'h', NULL, "show this help and exit"},
	{"version", 'V', NULL, "show the version and exit"},
	{NULL, 0, NULL, NULL},
};

static const char usage[] = "[options] KIND [FILE...]";
static const char about[] =
	"Load records of one KIND from CSV, JSON or JSON Lines files (or standard input) into the\n"
	"store, all or nothing. KIND is one of: reps, territories, stages, accounts, products,\n"
	"deals, credits, quotas, activities, survey, fx, assignments, adjustments.";
static const char after[] =
	"Columns are matched by name; other columns are kept as attributes. See spm-import(1),\n"
	"and 'spm-import --columns KIND' for the columns of a kind.\n"
	"Exit status: 0 success, 64 usage, 65 bad data, 70 store error, 71 out of memory,\n"
	"74 input/output error, 75 store busy (try again later).\n";

/* Options that accumulate. */
typedef struct maps {
	spm_import_map *items;
	size_t n, cap;
	char **owned; /* lines read from map files */
	size_t nowned, owned_cap;
} maps;

static int maps_add(maps *m, char *spec)
{
	char *eq = strchr(spec, '=');
	if (!eq || eq == spec)
		return -1;
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 8;
		spm_import_map *p = realloc(m->items, cap * sizeof *p);
		if (!p)
			return -2;
		m->items = p;
		m->cap = cap;
	}
	*eq = '\0';
	m->items[m->n].column = spec;
	m->items[m->n].value = eq + 1;
	m->n++;
	return 0;
}

static void maps_free(maps *m)
{
	for (size_t i = 0; i < m->nowned; i++)
		free(m->owned[i]);
	free(m->owned);
	free(m->items);
}

static char *trim_blanks(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* A map file: "ours=theirs" lines; blank lines and lines starting with '#' are skipped. */
static int read_map_file(maps *m, const char *path)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	long lineno = 0;
	int rc = SPM_EXIT_OK;

	if (!fp) {
		cli_errorf("cannot open '%s': %s", path, strerror(errno));
		return SPM_EXIT_IO;
	}
	while (getline(&line, &cap, fp) > 0) {
		lineno++;
		char *s = trim_blanks(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			cli_errorf("%s:%ld: expected OURS=THEIRS: '%s'", path, lineno, s);
			rc = SPM_EXIT_USAGE;
			break;
		}
		*eq = '\0';
		char *ours = trim_blanks(s), *theirs = trim_blanks(eq + 1);
		size_t lo = strlen(ours), lt = strlen(theirs);
		char *copy = malloc(lo + lt + 2);
		char **owned = m->nowned == m->owned_cap
				       ? realloc(m->owned, (m->owned_cap * 2 + 8) * sizeof *owned)
				       : m->owned;
		if (!copy || !owned) {
			free(copy);
			cli_errorf("out of memory");
			rc = SPM_EXIT_NOMEM;
			break;
		}
		if (owned != m->owned) {
			m->owned = owned;
			m->owned_cap = m->owned_cap * 2 + 8;
		}
		memcpy(copy, ours, lo);
		copy[lo] = '=';
		memcpy(copy + lo + 1, theirs, lt + 1);
		m->owned[m->nowned++] = copy;
		if (maps_add(m, copy)) {
			cli_errorf("%s:%ld: expected OURS=THEIRS", path, lineno);
			rc = SPM_EXIT_USAGE;
			break;
		}
	}
	free(line);
	fclose(fp);
	return rc;
}

static int list_columns(const spm_kind *kind, const char *format, const char *output)
{
	static const spm_column cols[] = {
		{"column", SPM_COL_TEXT},   {"type", SPM_COL_TEXT},    {"required", SPM_COL_TEXT},
		{"key", SPM_COL_TEXT},      {"refers_to", SPM_COL_TEXT}, {"default", SPM_COL_TEXT},
		{"description", SPM_COL_TEXT},
	};
	enum { NCOLS = sizeof cols / sizeof cols[0] };
	const char *cells[SPM_KIND_MAX_COLUMNS * NCOLS];

	for (size_t i = 0; i < kind->ncolumns; i++) {
		const spm_kind_column *c = &kind->columns[i];
		const spm_kind *ref = c->refers < SPM_KIND_COUNT ? spm_kind_get(c->refers) : NULL;
		const char **row = cells + i * NCOLS;
		row[0] = c->name;
		row[1] = spm_field_type_name(c->type);
		row[2] = (c->flags & SPM_COL_REQUIRED) ? "yes" : "no";
		row[3] = (c->flags & SPM_COL_KEY) ? "yes" : "no";
		row[4] = ref ? ref->name : NULL;
		row[5] = c->fallback;
		row[6] = c->doc;
	}
	return cli_write_rows(format, output, cols, NCOLS, cells, kind->ncolumns);
}

static void on_error(void *ctx, const spm_error *err)
{
	(void)ctx;
	cli_print_error(err);
}

static void on_progress(void *ctx, const char *source, uint64_t records, uint64_t bytes,
			uint64_t size)
{
	(void)ctx;
	cli_progress(source, records, bytes, size);
}

static int write_summary(const spm_import_options *o, const spm_kind *kind,
			 const spm_import_summary *s, const char *what, const char *format,
			 const char *output)
{
	if (format && strcmp(format, "text") != 0) {
		static const spm_column cols[] = {
			{"kind", SPM_COL_TEXT},
			{"sources", SPM_COL_TEXT},
			{"read", SPM_COL_NUMBER},
			{"new", SPM_COL_NUMBER},
			{"updated", SPM_COL_NUMBER},
			{"unchanged", SPM_COL_NUMBER},
			{"rejected", SPM_COL_NUMBER},
			{"created_managers", SPM_COL_NUMBER},
			{"created_territories", SPM_COL_NUMBER},
			{"attributes", SPM_COL_TEXT},
			{"checked_only", SPM_COL_BOOL},
		};
		const int64_t counts[7] = {s->read,	s->added,	     s->updated,
					   s->unchanged, s->rejected,	     s->created_managers,
					   s->created_territories};
		char num[7][24];
		for (int i = 0; i < 7; i++)
			snprintf(num[i], sizeof num[i], "%lld", (long long)counts[i]);
		const char *row[] = {kind->name, what,	 num[0], num[1],
				     num[2],	 num[3], num[4], num[5],
				     num[6],	 s->attributes[0] ? s->attributes : NULL,
				     o->check_only ? "true" : "false"};
		return cli_write_rows(format, output, cols, sizeof cols / sizeof cols[0], row, 1);
	}
	FILE *out = cli_open_output(output);
	if (!out)
		return SPM_EXIT_IO;
	fprintf(out, "%s: %s%lld records from %s: %lld %s, %lld %s, %lld unchanged, %lld rejected",
		kind->name, o->check_only ? "checked " : "", (long long)s->read, what,
		(long long)s->added, o->check_only ? "would be new" : "new", (long long)s->updated,
		o->check_only ? "would be updated" : "updated", (long long)s->unchanged,
		(long long)s->rejected);
	if (s->created_managers)
		fprintf(out, "; created %lld managers", (long long)s->created_managers);
	if (s->created_territories)
		fprintf(out, "; created %lld territories", (long long)s->created_territories);
	if (s->attributes[0])
		fprintf(out, "; kept as attributes: %s", s->attributes);
	fputc('\n', out);
	return cli_close_output(out, output);
}

static int parse_delimiter(const char *arg, char *out)
{
	if (strcmp(arg, "tab") == 0 || strcmp(arg, "\\t") == 0 || strcmp(arg, "\t") == 0)
		*out = '\t';
	else if (strcmp(arg, ",") == 0 || strcmp(arg, ";") == 0 || strcmp(arg, "|") == 0)
		*out = arg[0];
	else
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	const char *db = NULL, *format = NULL, *output = NULL, *reject_path = NULL, *arg;
	bool quiet = false, columns = false;
	maps map = {0}, set = {0};
	spm_import_options o;
	spm_import_source *src = NULL;
	size_t nsrc = 0;
	FILE *reject = NULL;
	spm_store *st = NULL;
	char scratch_dir[] = "/tmp/spm-check.XXXXXX", scratch_db[64] = "";
	int c, rc, status = SPM_EXIT_OK;

	cli_init(argv[0]);
	spm_import_options_init(&o, SPM_KIND_COUNT);
	while ((c = cli_getopt(argc, argv, options, &arg)) != -1) {
		switch (c) {
		case 'd': db = arg; break;
		case 'i':
			if (spm_input_format_parse(&o.reader.format, arg)) {
				status = cli_usage_error("unknown input format '%s'", arg);
				goto out;
			}
			break;
		case OPT_DELIMITER:
			if (parse_delimiter(arg, &o.reader.delimiter)) {
				status = cli_usage_error("delimiter must be , ; | or tab, not '%s'", arg);
				goto out;
			}
			break;
		case OPT_ENCODING: o.reader.encoding = arg; break;
		case OPT_DATE_FORMAT: o.date_layout = arg; break;
		case OPT_DECIMAL_COMMA: o.number_flags |= SPM_NUM_DECIMAL_COMMA; break;
		case 'm':
		case OPT_SET:
			if ((rc = maps_add(c == 'm' ? &map : &set, (char *)arg))) {
				status = rc == -2 ? SPM_EXIT_NOMEM
						  : cli_usage_error("%s: expected %s, not '%s'",
								    c == 'm' ? "--map" : "--set",
								    c == 'm' ? "OURS=THEIRS" : "COL=VALUE",
								    arg);
				goto out;
			}
			break;
		case OPT_MAP_FILE:
			if ((status = read_map_file(&map, arg)))
				goto out;
			break;
		case OPT_CREATE_TERRITORIES: o.create_territories = true; break;
		case OPT_REJECT: reject_path = arg; break;
		case 'n': o.check_only = true; break;
		case 'k': o.keep_going = true; break;
		case OPT_ALLOW_EMPTY: o.allow_empty = true; break;
		case OPT_COLUMNS: columns = true; break;
		case 'f': format = arg; break;
		case 'o': output = arg; break;
		case 'q': quiet = true; break;
		case 'h':
			cli_print_help(stdout, usage, about, options, after);
			goto out;
		case 'V':
			cli_print_version();
			goto out;
		default:
			status = SPM_EXIT_USAGE;
			goto out;
		}
	}
	if (optind >= argc) {
		status = cli_usage_error("no KIND given");
		goto out;
	}
	const spm_kind *kind = spm_kind_find(argv[optind]);
	if (!kind) {
		status = cli_usage_error("unknown kind '%s'", argv[optind]);
		goto out;
	}
	o.kind = kind->id;
	if (columns) {
		status = list_columns(kind, format, output);
		goto out;
	}
	if (format && strcmp(format, "text") != 0) {
		spm_output_format f;
		if (spm_output_format_parse(&f, format)) {
			status = cli_usage_error("unknown format '%s'", format);
			goto out;
		}
	}
	o.maps = map.items;
	o.nmaps = map.n;
	o.sets = set.items;
	o.nsets = set.n;

	/* The files, or standard input. */
	int nfiles = argc - optind - 1;
	src = calloc(nfiles > 0 ? (size_t)nfiles : 1, sizeof *src);
	if (!src) {
		cli_errorf("out of memory");
		status = SPM_EXIT_NOMEM;
		goto out;
	}
	for (int i = optind + 1; i < argc || (nfiles == 0 && nsrc == 0); i++) {
		const char *path = i < argc ? argv[i] : "-";
		spm_import_source *s = &src[nsrc];
		if (strcmp(path, "-") == 0) {
			s->name = "stdin";
			s->fp = stdin;
		} else {
			s->name = path;
			s->fp = fopen(path, "rb");
			if (!s->fp) {
				cli_errorf("cannot open '%s': %s", path, strerror(errno));
				status = SPM_EXIT_IO;
				goto out;
			}
			struct stat sb;
			if (fstat(fileno(s->fp), &sb) == 0 && S_ISREG(sb.st_mode))
				s->size = (uint64_t)sb.st_size;
		}
		nsrc++;
	}
	if (reject_path) {
		reject = fopen(reject_path, "w");
		if (!reject) {
			cli_errorf("cannot write '%s': %s", reject_path, strerror(errno));
			status = SPM_EXIT_IO;
			goto out;
		}
		o.reject = reject;
	}
	o.on_error = on_error;
	o.on_progress = on_progress;

	/* A check writes nothing, not even a new store: it checks against an empty one instead. */
	const char *path = cli_store_path(db);
	if (o.check_only && access(path, F_OK) != 0) {
		char *dir = mkdtemp(scratch_dir);
		if (!dir) {
			cli_errorf("cannot make a scratch directory: %s", strerror(errno));
			status = SPM_EXIT_IO;
			goto out;
		}
		snprintf(scratch_db, sizeof scratch_db, "%s/check.db", dir);
		path = scratch_db;
	}
	if (!(st = cli_open_store(path, SPM_STORE_CREATE, &status)))
		goto out;

	spm_import_summary sum;
	spm_error err;
	rc = spm_import(st, &o, src, nsrc, &sum, &err);
	cli_progress_end();
	if (rc) {
		/* Bad records were printed as they were found; other failures are printed here. */
		if (rc != SPM_EDATA || sum.errors == 0)
			cli_print_error(&err);
		else if (sum.errors > 1)
			cli_errorf("%lld bad records; nothing was imported", (long long)sum.errors);
		status = cli_exit_code(rc);
		goto out;
	}
	if (reject && fflush(reject) != 0) {
		cli_errorf("cannot write '%s': %s", reject_path, strerror(errno));
		status = SPM_EXIT_IO;
		goto out;
	}
	if (!quiet) {
		char what[300];
		if (nsrc == 1)
			snprintf(what, sizeof what, "%s", src[0].name);
		else
			snprintf(what, sizeof what, "%zu files", nsrc);
		status = write_summary(&o, kind, &sum, what, format, output);
	}
out:
	spm_store_close(st);
	if (scratch_db[0]) {
		static const char *const suffixes[] = {"", "-wal", "-shm"};
		char file[80];
		for (size_t i = 0; i < 3; i++) {
			snprintf(file, sizeof file, "%s%s", scratch_db, suffixes[i]);
			unlink(file);
		}
		rmdir(scratch_dir);
	}
	for (size_t i = 0; i < nsrc; i++)
		if (src[i].fp && src[i].fp != stdin)
			fclose(src[i].fp);
	free(src);
	if (reject && fclose(reject) != 0 && status == SPM_EXIT_OK) {
		cli_errorf("cannot write '%s': %s", reject_path, strerror(errno));
		status = SPM_EXIT_IO;
	}
	maps_free(&map);
	maps_free(&set);
	return status;
}
