/*
 * cli.c - the parts every spm tool shares: option tables for getopt_long and --help, the mapping
 * of library statuses to exit codes, messages on stderr, the store path, and progress output.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_OPTIONS 64

static const char *progname = "spm";
static bool progress_shown;

void cli_init(const char *name)
{
	const char *slash = strrchr(name, '/');
	progname = slash ? slash + 1 : name;
}

const char *cli_progname(void)
{
	return progname;
}

int cli_exit_code(int status)
{
	switch (status) {
	case SPM_OK: return SPM_EXIT_OK;
	case SPM_EUSAGE: return SPM_EXIT_USAGE;
	case SPM_EDATA:
	case SPM_ERANGE: return SPM_EXIT_DATA;
	case SPM_ECONFIG: return SPM_EXIT_CONFIG;
	case SPM_EBUSY: return SPM_EXIT_BUSY;
	case SPM_EIO: return SPM_EXIT_IO;
	case SPM_ENOMEM: return SPM_EXIT_NOMEM;
	default: return SPM_EXIT_STORE;
	}
}

void cli_print_error(const spm_error *err)
{
	char buf[2048];
	cli_progress_end();
	spm_error_format(err, buf, sizeof buf);
	fprintf(stderr, "%s: %s\n", progname, buf);
}

void cli_errorf(const char *fmt, ...)
{
	va_list ap;
	cli_progress_end();
	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", progname);
	return SPM_EXIT_USAGE;
}

int cli_getopt(int argc, char **argv, const cli_option *opts, const char **arg)
{
	static struct option longs[MAX_OPTIONS + 1];
	static char shorts[MAX_OPTIONS * 2 + 2];
	static const cli_option *built;

	if (built != opts) {
		size_t n = 0, s = 0;
		shorts[s++] = ':'; /* report a missing argument as ':' */
		for (; opts[n].name && n < MAX_OPTIONS; n++) {
			longs[n].name = opts[n].name;
			longs[n].has_arg = opts[n].arg ? required_argument : no_argument;
			longs[n].flag = NULL;
			longs[n].val = opts[n].short_name;
			if (opts[n].short_name < 256) {
				shorts[s++] = (char)opts[n].short_name;
				if (opts[n].arg)
					shorts[s++] = ':';
			}
		}
		memset(&longs[n], 0, sizeof longs[n]);
		shorts[s] = '\0';
		built = opts;
		opterr = 0;
	}
	int c = getopt_long(argc, argv, shorts, longs, NULL);
	*arg = optarg;
	if (c == ':') {
		cli_usage_error("option '%s' needs an argument", argv[optind - 1]);
		return '?';
	}
	if (c == '?') {
		if (optopt && optopt < 256)
			cli_usage_error("unknown option '-%c'", optopt);
		else
			cli_usage_error("unknown option '%s'", argv[optind - 1]);
		return '?';
	}
	return c;
}

void cli_print_help(FILE *fp, const char *usage, const char *about, const cli_option *opts,
		    const char *after)
{
	fprintf(fp, "usage: %s %s\n\n%s\n\noptions:\n", progname, usage, about);
	for (size_t i = 0; opts[i].name; i++) {
		char left[64];
		if (opts[i].short_name < 256)
			snprintf(left, sizeof left, "-%c, --%s%s%s", opts[i].short_name, opts[i].name,
				 opts[i].arg ? " " : "", opts[i].arg ? opts[i].arg : "");
		else
			snprintf(left, sizeof left, "    --%s%s%s", opts[i].name,
				 opts[i].arg ? " " : "", opts[i].arg ? opts[i].arg : "");
		if (strlen(left) > 26)
			fprintf(fp, "  %s\n  %-26s  %s\n", left, "", opts[i].help);
		else
			fprintf(fp, "  %-26s  %s\n", left, opts[i].help);
	}
	if (after)
		fprintf(fp, "\n%s", after);
}

void cli_print_version(void)
{
	printf("%s (spm) %s\n", progname, SPM_VERSION);
}

const char *cli_store_path(const char *from_option)
{
	if (from_option && *from_option)
		return from_option;
	const char *env = getenv("SPM_DB");
	if (env && *env)
		return env;
	return "spm.db";
}

spm_store *cli_open_store(const char *path, unsigned flags, int *exit_code)
{
	spm_store *st = NULL;
	spm_error err;
	int rc = spm_store_open(&st, path, flags, &err);
	if (rc) {
		cli_print_error(&err);
		*exit_code = cli_exit_code(rc);
		return NULL;
	}
	return st;
}

int cli_output_format(const char *name, FILE *out, spm_output_format *fmt)
{
	if (!name) {
		*fmt = isatty(fileno(out)) ? SPM_OUT_TABLE : SPM_OUT_CSV;
		return SPM_OK;
	}
	return spm_output_format_parse(fmt, name);
}

FILE *cli_open_output(const char *path)
{
	if (!path || strcmp(path, "-") == 0)
		return stdout;
	FILE *fp = fopen(path, "w");
	if (!fp)
		cli_errorf("cannot write '%s': %s", path, strerror(errno));
	return fp;
}

int cli_close_output(FILE *fp, const char *path)
{
	const char *name = path && strcmp(path, "-") != 0 ? path : "standard output";
	bool failed = fflush(fp) != 0 || ferror(fp);
	int saved = errno;
	if (fp != stdout)
		failed |= fclose(fp) != 0;
	if (failed) {
		cli_errorf("cannot write '%s': %s", name, strerror(saved ? saved : EIO));
		return SPM_EXIT_IO;
	}
	return SPM_EXIT_OK;
}

int cli_write_rows(const char *format, const char *output, const spm_column *cols, size_t ncols,
		   const char *const *cells, size_t nrows)
{
	spm_output_format fmt;
	spm_writer *w = NULL;
	spm_error err;
	FILE *out;
	int rc;

	if (format && spm_output_format_parse(&fmt, format))
		return cli_usage_error("unknown format '%s'", format);
	if (!(out = cli_open_output(output)))
		return SPM_EXIT_IO;
	if (!format)
		cli_output_format(NULL, out, &fmt);
	rc = spm_writer_open(&w, out, fmt, cols, ncols, &err);
	for (size_t i = 0; rc == SPM_OK && i < nrows; i++)
		rc = spm_writer_row(w, cells + i * ncols, &err);
	if (rc == SPM_OK)
		rc = spm_writer_close(w, &err);
	else
		spm_writer_free(w);
	if (rc) {
		cli_print_error(&err);
		if (out != stdout)
			fclose(out);
		return cli_exit_code(rc);
	}
	return cli_close_output(out, output);
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_progress(const char *what, uint64_t count, uint64_t done, uint64_t total)
{
	static double last;
	if (!isatty(STDERR_FILENO))
		return;
	double t = now_seconds();
	if (t - last < 0.2)
		return;
	last = t;
	if (total)
		fprintf(stderr, "\r%s: %s: %llu records (%d%%)\033[K", progname, what,
			(unsigned long long)count, (int)(done * 100 / total));
	else
		fprintf(stderr, "\r%s: %s: %llu records\033[K", progname, what,
			(unsigned long long)count);
	progress_shown = true;
}

void cli_progress_end(void)
{
	if (progress_shown)
		fputs("\r\033[K", stderr);
	progress_shown = false;
}

int cli_rows_begin(cli_rows *r, const char *format, const char *output, const spm_column *cols,
		   size_t ncols)
{
	spm_output_format fmt;
	spm_error err;
	bool to_stdout = !output || strcmp(output, "-") == 0;

	memset(r, 0, sizeof *r);
	r->output = output;
	if (format && spm_output_format_parse(&fmt, format) != SPM_OK)
		return cli_usage_error("unknown format '%s'", format);
	if (!format && to_stdout)
		cli_output_format(NULL, stdout, &fmt);
	else if (!format)
		fmt = SPM_OUT_CSV; /* a file is no terminal */
	if (!(r->mem = open_memstream(&r->text, &r->len))) {
		cli_errorf("out of memory");
		return SPM_EXIT_NOMEM;
	}
	if (spm_writer_open(&r->w, r->mem, fmt, cols, ncols, &err)) {
		cli_print_error(&err);
		fclose(r->mem);
		free(r->text);
		r->mem = NULL;
		return cli_exit_code(err.code);
	}
	return SPM_EXIT_OK;
}

int cli_rows_add(cli_rows *r, const char *const *values)
{
	spm_error err;
	return spm_writer_row(r->w, values, &err);
}

int cli_rows_finish(cli_rows *r, int rc, spm_error *err)
{
	int status = rc ? cli_library_error(rc, err) : SPM_EXIT_OK;
	int end = cli_rows_end(r, rc == SPM_OK);
	return status ? status : end;
}

int cli_rows_end(cli_rows *r, bool ok)
{
	spm_error err;
	int status = SPM_EXIT_OK;
	if (!r->mem)
		return SPM_EXIT_OK;
	if (ok && spm_writer_close(r->w, &err)) {
		cli_print_error(&err);
		status = cli_exit_code(err.code);
	} else if (!ok) {
		spm_writer_free(r->w);
	}
	if (fclose(r->mem) && ok && status == SPM_EXIT_OK) {
		cli_errorf("out of memory");
		status = SPM_EXIT_NOMEM;
	}
	if (ok && status == SPM_EXIT_OK) {
		FILE *out = cli_open_output(r->output);
		if (!out)
			status = SPM_EXIT_IO;
		else {
			fwrite(r->text, 1, r->len, out);
			status = cli_close_output(out, r->output);
		}
	}
	free(r->text);
	memset(r, 0, sizeof *r);
	return status;
}

char *cli_read_file(const char *path, size_t *len, const char *what)
{
	enum { MAX_FILE = 1 << 20 };
	FILE *fp = fopen(path, "rb");
	char *text;
	if (!fp) {
		cli_errorf("cannot open '%s': %s", path, strerror(errno));
		return NULL;
	}
	text = malloc(MAX_FILE + 1);
	*len = text ? fread(text, 1, MAX_FILE + 1, fp) : 0;
	if (!text)
		cli_errorf("out of memory");
	else if (ferror(fp))
		cli_errorf("cannot read '%s': %s", path, strerror(errno));
	else if (*len > MAX_FILE)
		cli_errorf("'%s' is larger than 1 MiB: not %s", path, what);
	if (!text || ferror(fp) || *len > MAX_FILE) {
		free(text);
		fclose(fp);
		return NULL;
	}
	fclose(fp);
	return text;
}

int cli_open_period(const char *command, const char *db, unsigned flags, const char *name,
                    spm_store **st, spm_period *out)
{
	spm_fiscal fiscal;
	spm_error err;
	int status = SPM_EXIT_OK, rc;

	*st = NULL;
	if (!name)
		return cli_usage_error("%s: give the period with --period", command);
	if (!(*st = cli_open_store(cli_store_path(db), flags, &status)))
		return status;
	if ((rc = spm_store_fiscal(*st, &fiscal, &err))) {
		cli_print_error(&err);
		return cli_exit_code(rc);
	}
	if (spm_period_parse(out, name, strlen(name), &fiscal, &err))
		return cli_usage_error("--period: %s", err.message);
	return SPM_EXIT_OK;
}

int cli_library_error(int rc, spm_error *err)
{
	if (rc == SPM_ENOMEM && !err->message[0])
		spm_error_set(err, SPM_ENOMEM, "out of memory");
	cli_print_error(err);
	return cli_exit_code(rc);
}

/* Whether `name` is a word of the space-separated list. */
static bool listed(const char *list, const char *name)
{
	size_t len = strlen(name);
	for (const char *w = list; (w = strstr(w, name)); w += len)
		if ((w == list || w[-1] == ' ') && (w[len] == ' ' || !w[len]))
			return true;
	return false;
}

int cli_check_options(const cli_command_help *helps, size_t n, const char *command,
                      const char *const (*given)[2], size_t ngiven)
{
	for (size_t h = 0; h < n; h++) {
		if (strcmp(helps[h].name, command) != 0)
			continue;
		for (size_t i = 0; i < ngiven; i++)
			if (given[i][1] && !listed(helps[h].options, given[i][0]))
				return cli_usage_error("%s: --%s is not one of its options", command,
				                       given[i][0]);
		return SPM_EXIT_OK;
	}
	return cli_usage_error("unknown command '%s'", command);
}

spm_date cli_today(void)
{
	time_t now = time(NULL);
	struct tm tm;
	spm_date d = {0};
	gmtime_r(&now, &tm);
	spm_date_from_ymd(&d, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	return d;
}

int cli_parse_levels(const char *text, unsigned *out)
{
	*out = 0;
	if (!text) {
		*out = 1u << SPM_LEVEL_REP;
		return SPM_EXIT_OK;
	}
	if (strcmp(text, "all") == 0) {
		*out = (1u << SPM_LEVEL_COUNT) - 1;
		return SPM_EXIT_OK;
	}
	for (const char *p = text;;) {
		const char *end = strchr(p, ',');
		char word[32];
		snprintf(word, sizeof word, "%.*s", (int)(end ? (size_t)(end - p) : strlen(p)), p);
		int l = spm_level_parse(word);
		if (l < 0)
			return cli_usage_error("--level: expected rep, manager, team, territory, company "
			                       "or all, not '%s'",
			                       word);
		*out |= 1u << l;
		if (!end)
			break;
		p = end + 1;
	}
	return SPM_EXIT_OK;
}

bool cli_print_command_help(const cli_command_help *helps, size_t n, const cli_option *options,
                            const char *after, const char *command)
{
	size_t nopts = 0;
	while (options[nopts].name)
		nopts++;
	for (size_t i = 0; i < n; i++) {
		const cli_command_help *h = &helps[i];
		if (strcmp(h->name, command) != 0)
			continue;
		cli_option *opts = calloc(nopts + 1, sizeof *opts);
		size_t k = 0;
		if (!opts)
			return false;
		for (size_t o = 0; options[o].name; o++)
			if (strcmp(options[o].name, "help") == 0 || listed(h->options, options[o].name))
				opts[k++] = options[o];
		cli_print_help(stdout, h->usage, h->about, opts, after);
		free(opts);
		return true;
	}
	return false;
}

void cli_plan_set_free(cli_plan_set *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		spm_plan_free((spm_plan *)ps->plans[i].plan);
		free(ps->texts[i]);
	}
	free(ps->plans);
	free(ps->texts);
	memset(ps, 0, sizeof *ps);
}

/* Reads and parses the plan files; returns an exit status, with the message printed. */
int cli_plan_set_load(cli_plan_set *ps, int npaths, char **paths)
{
	spm_error err;
	int rc;
	memset(ps, 0, sizeof *ps);
	ps->plans = calloc((size_t)npaths, sizeof *ps->plans);
	ps->texts = calloc((size_t)npaths, sizeof *ps->texts);
	if (!ps->plans || !ps->texts) {
		cli_errorf("out of memory");
		return SPM_EXIT_NOMEM;
	}
	for (int i = 0; i < npaths; i++) {
		size_t len;
		spm_plan *p = NULL;
		if (!(ps->texts[i] = cli_read_file(paths[i], &len, "a plan")))
			return SPM_EXIT_IO;
		ps->n = (size_t)i + 1;
		if ((rc = spm_plan_parse(&p, paths[i], ps->texts[i], len, &err))) {
			cli_print_error(&err);
			return cli_exit_code(rc);
		}
		ps->plans[i] = (spm_run_plan){p, ps->texts[i], len};
	}
	return SPM_EXIT_OK;
}


const char *cli_plural(size_t n)
{
	return n == 1 ? "" : "s";
}

int cli_parse_count(const char *option, const char *text, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < lo || v > hi)
		return cli_usage_error("--%s: expected a whole number from %ld to %ld, not '%s'",
		                       option, lo, hi, text);
	*out = v;
	return SPM_EXIT_OK;
}

int cli_period_as_of(const char *text, const spm_period *period, spm_date *out)
{
	spm_error err;
	char name[SPM_PERIOD_BUFSZ], day[SPM_DATE_BUFSZ];
	if (text && spm_date_parse(out, text, strlen(text), NULL, &err))
		return cli_usage_error("--as-of: %s", err.message);
	if (!text) {
		*out = cli_today();
		if (out->days > period->last.days)
			*out = period->last;
	}
	if (out->days < period->first.days) {
		spm_period_format(name, sizeof name, period);
		spm_date_format(day, sizeof day, *out);
		return cli_usage_error("%s has not started on %s: give --as-of", name, day);
	}
	return SPM_EXIT_OK;
}
