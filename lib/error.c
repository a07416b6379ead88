/*
 * error.c - the error record: setting, locating and formatting it, and quoting values for messages.
 * Nothing here allocates, so errors can be reported when memory is exhausted.
 */
#include "spm/error.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void spm_error_clear(spm_error *err)
{
	if (!err)
		return;
	err->code = SPM_OK;
	err->line = 0;
	err->col = 0;
	err->source[0] = '\0';
	err->column[0] = '\0';
	err->message[0] = '\0';
}

int spm_error_vset(spm_error *err, spm_status code, const char *fmt, va_list ap)
{
	if (err) {
		spm_error_clear(err);
		err->code = code;
		vsnprintf(err->message, sizeof err->message, fmt, ap);
	}
	return code;
}

int spm_error_set(spm_error *err, spm_status code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	spm_error_vset(err, code, fmt, ap);
	va_end(ap);
	return code;
}

void spm_error_locate(spm_error *err, const char *source, long line, const char *column)
{
	if (!err)
		return;
	if (source)
		copy_str(err->source, sizeof err->source, source);
	if (line > 0)
		err->line = line;
	if (column)
		copy_str(err->column, sizeof err->column, column);
}

void spm_error_locate_at(spm_error *err, const char *source, long line, long col)
{
	spm_error_locate(err, source, line, NULL);
	if (err && col > 0)
		err->col = col;
}

size_t spm_error_format(const spm_error *err, char *buf, size_t size)
{
	char where[512] = "";
	int n = 0;

	if (err->source[0] && err->line > 0 && err->col > 0)
		n = snprintf(where, sizeof where, "%s:%ld:%ld: ", err->source, err->line, err->col);
	else if (err->source[0] && err->line > 0)
		n = snprintf(where, sizeof where, "%s:%ld: ", err->source, err->line);
	else if (err->source[0])
		n = snprintf(where, sizeof where, "%s: ", err->source);
	else if (err->line > 0)
		n = snprintf(where, sizeof where, "line %ld: ", err->line);
	if (n < 0)
		where[0] = '\0';
	if (err->column[0])
		n = snprintf(buf, size, "%scolumn '%s': %s", where, err->column, err->message);
	else
		n = snprintf(buf, size, "%s%s", where, err->message[0] ? err->message
								     : spm_status_name(err->code));
	return n < 0 ? 0 : (size_t)n;
}

const char *spm_status_name(int status)
{
	switch (status) {
	case SPM_OK: return "success";
	case SPM_EUSAGE: return "usage error";
	case SPM_EDATA: return "bad data";
	case SPM_ECONFIG: return "bad plan or configuration";
	case SPM_EBUSY: return "store busy";
	case SPM_EIO: return "input/output error";
	case SPM_ENOMEM: return "out of memory";
	case SPM_ESTORE: return "store error";
	case SPM_ERANGE: return "value out of range";
	}
	return "unknown error";
}

char *spm_quote(char *buf, size_t size, const char *value, size_t len)
{
	const unsigned char *s = (const unsigned char *)value;
	size_t out = 0, shown = 0, i = 0;
	const size_t max_shown = 60;

	if (size < 16) {
		if (size)
			buf[0] = '\0';
		return buf;
	}
	buf[out++] = '\'';
	while (i < len && shown < max_shown && out + 8 < size) {
		uint32_t cp;
		size_t seq = spm_utf8_decode(s + i, len - i, &cp);
		if (seq == 1 && (s[i] < 0x20 || s[i] == 0x7F || s[i] == '\'' || s[i] == '\\')) {
			seq = 0;
		}
		if (seq == 0) {
			out += (size_t)snprintf(buf + out, size - out, "\\x%02X", s[i]);
			i++;
		} else {
			memcpy(buf + out, s + i, seq);
			out += seq;
			i += seq;
		}
		shown++;
	}
	if (i < len && out + 5 < size) {
		memcpy(buf + out, "...", 3);
		out += 3;
	}
	buf[out++] = '\'';
	buf[out] = '\0';
	return buf;
}
