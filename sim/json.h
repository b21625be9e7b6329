/* A streaming JSON writer: the result file (--out) and anything else we emit as
 * JSON. Output is deterministic: keys appear in the order written, doubles are
 * printed with "%.17g" (round-trip exact), non-finite doubles become null.
 * The writer keeps its own nesting stack so commas and indentation are automatic. */
#ifndef JSON_H
#define JSON_H
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json {
    FILE *f;
    int depth;
    int count[JSON_MAX_DEPTH];   /* items written so far at each depth */
    int pending_key;             /* a key was written, its value comes next */
};

void json_init(struct json *j, FILE *f);
void json_begin_object(struct json *j);
void json_end_object(struct json *j);
void json_begin_array(struct json *j);
void json_end_array(struct json *j);
void json_key(struct json *j, const char *key);  /* inside an object, before a value */
void json_string(struct json *j, const char *s);
void json_int(struct json *j, int64_t v);
void json_uint(struct json *j, uint64_t v);
void json_double(struct json *j, double v);
void json_bool(struct json *j, int v);
void json_null(struct json *j);
/* Ends the document with a newline. */
void json_finish(struct json *j);
#endif
