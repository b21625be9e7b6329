/* Streaming JSON writer: see json.h. Output is pretty-printed with two spaces
 * per level, one item per line, "key": value inside objects; empty containers
 * print as {} and []. Every byte depends only on the calls made, never on the
 * locale, the clock or the machine. */
#include "json.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void json_init(struct json *j, FILE *f)
{
    memset(j, 0, sizeof *j);
    j->f = f;
}

static void indent(struct json *j, int depth)
{
    for (int i = 0; i < depth; i++) fputs("  ", j->f);
}

/* Called before every value and every key: writes the separator and the
 * indentation that belong in front of the next item at the current depth.
 * A value that follows its key gets nothing in front of it. */
static void before_item(struct json *j)
{
    if (j->pending_key) {
        j->pending_key = 0;
        return;
    }
    if (j->depth > 0) {
        if (j->count[j->depth] > 0) fputc(',', j->f);
        fputc('\n', j->f);
        indent(j, j->depth);
    }
    j->count[j->depth]++;
}

static void write_escaped(FILE *f, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc(c, f);
        } else if (c < 0x20) {
            fputs("\\u00", f);
            fputc(hex[c >> 4], f);
            fputc(hex[c & 15], f);
        } else {
            fputc(c, f);
        }
    }
    fputc('"', f);
}

static void begin(struct json *j, char open)
{
    before_item(j);
    if (j->depth + 1 >= JSON_MAX_DEPTH) {
        /* A fixed-depth writer nested too deep is a programming error. */
        fprintf(stderr, "json: nesting deeper than %d\n", JSON_MAX_DEPTH - 1);
        abort();
    }
    fputc(open, j->f);
    j->depth++;
    j->count[j->depth] = 0;
}

static void end(struct json *j, char close)
{
    if (j->depth <= 0) {
        fprintf(stderr, "json: '%c' without a matching open\n", close);
        abort();
    }
    if (j->pending_key) { /* a key without its value: keep the JSON valid */
        fputs("null", j->f);
        j->pending_key = 0;
    }
    int had_items = j->count[j->depth] > 0;
    j->depth--;
    if (had_items) {
        fputc('\n', j->f);
        indent(j, j->depth);
    }
    fputc(close, j->f);
}

void json_begin_object(struct json *j) { begin(j, '{'); }
void json_end_object(struct json *j) { end(j, '}'); }
void json_begin_array(struct json *j) { begin(j, '['); }
void json_end_array(struct json *j) { end(j, ']'); }

void json_key(struct json *j, const char *key)
{
    if (j->pending_key) { /* a key after a key: the first one gets null */
        fputs("null", j->f);
        j->pending_key = 0;
    }
    before_item(j);
    write_escaped(j->f, key ? key : "");
    fputs(": ", j->f);
    j->pending_key = 1;
}

void json_string(struct json *j, const char *s)
{
    before_item(j);
    if (s) write_escaped(j->f, s);
    else fputs("null", j->f);
}

void json_int(struct json *j, int64_t v)
{
    before_item(j);
    fprintf(j->f, "%" PRId64, v);
}

void json_uint(struct json *j, uint64_t v)
{
    before_item(j);
    fprintf(j->f, "%" PRIu64, v);
}

void json_double(struct json *j, double v)
{
    before_item(j);
    if (!isfinite(v)) {
        fputs("null", j->f);
        return;
    }
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", v);
    /* Whatever the locale, JSON's decimal point is '.'. */
    for (char *p = buf; *p; p++)
        if (*p == ',') *p = '.';
    fputs(buf, j->f);
}

void json_bool(struct json *j, int v)
{
    before_item(j);
    fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j)
{
    before_item(j);
    fputs("null", j->f);
}

void json_finish(struct json *j)
{
    fputc('\n', j->f);
}
