/* The JSON writer: exact pretty-printed text for a nested document, string
 * escaping, numbers at their limits, non-finite doubles as null, and the same
 * calls always giving the same bytes. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "json.h"

typedef void (*writer_fn)(struct json *j);

/* Runs fn against a fresh writer on a memory stream; returns the text (malloc'd). */
static char *render(writer_fn fn)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    struct json j;
    json_init(&j, f);
    fn(&j);
    fclose(f);
    return buf;
}

/* Prints both texts when they differ, so a failure shows what changed. */
#define CHECK_TEXT(got, want)                                                   \
    CHECK((got) && strcmp((got), (want)) == 0, "text differs\n--- got:\n%s\n--- want:\n%s", \
          (got) ? (got) : "(null)", (want))

static void nested_doc(struct json *j)
{
    json_begin_object(j);
    json_key(j, "name");
    json_string(j, "mnist");
    json_key(j, "epochs");
    json_int(j, 3);
    json_key(j, "seed");
    json_uint(j, 42);
    json_key(j, "accuracy");
    json_double(j, 0.5);
    json_key(j, "ok");
    json_bool(j, 1);
    json_key(j, "failed");
    json_bool(j, 0);
    json_key(j, "note");
    json_null(j);
    json_key(j, "per_epoch");
    json_begin_array(j);
    for (int e = 0; e < 2; e++) {
        json_begin_object(j);
        json_key(j, "epoch");
        json_int(j, e + 1);
        json_key(j, "spikes");
        json_begin_array(j);
        json_int(j, 10 * e);
        json_int(j, -7);
        json_end_array(j);
        json_end_object(j);
    }
    json_end_array(j);
    json_key(j, "empty_object");
    json_begin_object(j);
    json_end_object(j);
    json_key(j, "empty_array");
    json_begin_array(j);
    json_end_array(j);
    json_key(j, "matrix");
    json_begin_array(j);
    json_begin_array(j);
    json_double(j, 1.5);
    json_end_array(j);
    json_begin_array(j);
    json_end_array(j);
    json_end_array(j);
    json_end_object(j);
    json_finish(j);
}

static const char nested_text[] =
    "{\n"
    "  \"name\": \"mnist\",\n"
    "  \"epochs\": 3,\n"
    "  \"seed\": 42,\n"
    "  \"accuracy\": 0.5,\n"
    "  \"ok\": true,\n"
    "  \"failed\": false,\n"
    "  \"note\": null,\n"
    "  \"per_epoch\": [\n"
    "    {\n"
    "      \"epoch\": 1,\n"
    "      \"spikes\": [\n"
    "        0,\n"
    "        -7\n"
    "      ]\n"
    "    },\n"
    "    {\n"
    "      \"epoch\": 2,\n"
    "      \"spikes\": [\n"
    "        10,\n"
    "        -7\n"
    "      ]\n"
    "    }\n"
    "  ],\n"
    "  \"empty_object\": {},\n"
    "  \"empty_array\": [],\n"
    "  \"matrix\": [\n"
    "    [\n"
    "      1.5\n"
    "    ],\n"
    "    []\n"
    "  ]\n"
    "}\n";

static void nested_document_exact_text(void)
{
    char *got = render(nested_doc);
    CHECK_TEXT(got, nested_text);
    free(got);
}

static void deterministic(void)
{
    char *a = render(nested_doc);
    char *b = render(nested_doc);
    CHECK(a && b && strcmp(a, b) == 0, "two renderings differ:\n%s\n---\n%s", a ? a : "",
          b ? b : "");
    free(a);
    free(b);
}

static void escapes_doc(struct json *j)
{
    json_begin_object(j);
    json_key(j, "quote\"key");
    json_string(j, "say \"hi\"");
    json_key(j, "backslash");
    json_string(j, "C:\\dir\\");
    json_key(j, "newline");
    json_string(j, "a\nb");
    json_key(j, "controls");
    json_string(j, "\x01\t\r\x1f");
    json_key(j, "utf8");
    json_string(j, "\xc3\xa9t\xc3\xa9 / \x7f");
    json_key(j, "null_string");
    json_string(j, NULL);
    json_key(j, "");
    json_string(j, "");
    json_end_object(j);
    json_finish(j);
}

static void string_escaping(void)
{
    char *got = render(escapes_doc);
    const char *want = "{\n"
                       "  \"quote\\\"key\": \"say \\\"hi\\\"\",\n"
                       "  \"backslash\": \"C:\\\\dir\\\\\",\n"
                       "  \"newline\": \"a\\u000ab\",\n"
                       "  \"controls\": \"\\u0001\\u0009\\u000d\\u001f\",\n"
                       "  \"utf8\": \"\xc3\xa9t\xc3\xa9 / \x7f\",\n"
                       "  \"null_string\": null,\n"
                       "  \"\": \"\"\n"
                       "}\n";
    CHECK_TEXT(got, want);
    free(got);
}

static void numbers_doc(struct json *j)
{
    json_begin_array(j);
    json_double(j, NAN);
    json_double(j, INFINITY);
    json_double(j, -INFINITY);
    json_double(j, 3.0);
    json_double(j, 0.1);
    json_double(j, -0.0);
    json_double(j, 1e20);
    json_double(j, 1.0 / 3.0);
    json_double(j, 5e-324);
    json_int(j, INT64_MIN);
    json_int(j, INT64_MAX);
    json_uint(j, UINT64_MAX);
    json_uint(j, 0);
    json_end_array(j);
    json_finish(j);
}

static void numbers_and_non_finite(void)
{
    char *got = render(numbers_doc);
    const char *want = "[\n"
                       "  null,\n"
                       "  null,\n"
                       "  null,\n"
                       "  3,\n"
                       "  0.10000000000000001,\n"
                       "  -0,\n"
                       "  1e+20,\n"
                       "  0.33333333333333331,\n"
                       "  4.9406564584124654e-324,\n"
                       "  -9223372036854775808,\n"
                       "  9223372036854775807,\n"
                       "  18446744073709551615,\n"
                       "  0\n"
                       "]\n";
    CHECK_TEXT(got, want);
    free(got);
}

static void doubles_round_trip(void)
{
    const double v[] = {0.1, 1.0 / 3.0, 2.5e-8, 123456789.123456789, -1e300, 6.02214076e23};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        struct json j;
        json_init(&j, f);
        json_double(&j, v[i]);
        fclose(f);
        double back = strtod(buf, NULL);
        CHECK(back == v[i], "%s reads back as %.17g, want %.17g", buf, back, v[i]);
        free(buf);
    }
}

static void scalar_doc(struct json *j)
{
    json_string(j, "just a string");
    json_finish(j);
}

static void top_level_scalar(void)
{
    char *got = render(scalar_doc);
    CHECK_TEXT(got, "\"just a string\"\n");
    free(got);
}

static void empty_top_doc(struct json *j)
{
    json_begin_object(j);
    json_end_object(j);
    json_finish(j);
}

static void empty_top_level_object(void)
{
    char *got = render(empty_top_doc);
    CHECK_TEXT(got, "{}\n");
    free(got);
}

static void deep_doc(struct json *j)
{
    for (int i = 0; i < JSON_MAX_DEPTH - 1; i++) json_begin_array(j);
    json_int(j, 1);
    for (int i = 0; i < JSON_MAX_DEPTH - 1; i++) json_end_array(j);
    json_finish(j);
}

static void deepest_nesting_allowed(void)
{
    char *got = render(deep_doc);
    CHECK(got != NULL, "no output");
    if (!got) return;
    /* The value sits on its own line, indented two spaces per level. */
    char want_line[128];
    int n = snprintf(want_line, sizeof want_line, "\n%*s1\n", 2 * (JSON_MAX_DEPTH - 1), "");
    CHECK(n > 0 && strstr(got, want_line) != NULL, "innermost value not found at depth %d",
          JSON_MAX_DEPTH - 1);
    size_t len = strlen(got);
    CHECK(len >= 2 && got[len - 2] == ']' && got[len - 1] == '\n', "does not end in \"]\\n\"");
    free(got);
}

int main(void)
{
    RUN(nested_document_exact_text);
    RUN(deterministic);
    RUN(string_escaping);
    RUN(numbers_and_non_finite);
    RUN(doubles_round_trip);
    RUN(top_level_scalar);
    RUN(empty_top_level_object);
    RUN(deepest_nesting_allowed);
    CHECK_DONE();
}
