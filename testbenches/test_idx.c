/* IDX container: round trips (plain and gzip) and every way a file can be
 * malformed — each must give -1 with a message naming the file and offset,
 * never a crash or a leak. Fixtures live in a fresh mkdtemp directory. */
#include "check.h"
#include "scratch.h"

#include "idx.h"

#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

struct tmp {
    char dir[64];
    char path[160];
};

static const char *tmp_file(struct tmp *t, const char *name)
{
    path_in(t->path, sizeof t->path, t->dir, name);
    return t->path;
}

static void write_raw(const char *path, const void *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(bytes, 1, n, f) != n) {
        perror(path);
        exit(2);
    }
    fclose(f);
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) ? -1 : (long)st.st_size;
}

/* Deterministic bytes that do not compress (so a cut gzip file loses payload). */
static void fill_noise(uint8_t *p, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        p[i] = (uint8_t)(seed >> 24);
    }
}

static void round_trip(int gz)
{
    struct tmp t;
    scratch_make(t.dir, sizeof t.dir, "idx");
    const char *path = tmp_file(&t, gz ? "a.idx.gz" : "a.idx");
    uint32_t dims[3] = { 3, 4, 5 };
    uint8_t data[60];
    for (int i = 0; i < 60; i++) data[i] = (uint8_t)(i * 7 + 1);
    char err[512] = "";
    CHECK(idx_write(path, gz, 3, dims, data, err, sizeof err) == 0, "write: %s", err);

    uint8_t head[8] = { 0 };
    FILE *f = fopen(path, "rb");
    size_t got = f ? fread(head, 1, sizeof head, f) : 0;
    if (f) fclose(f);
    if (gz) {
        CHECK(got >= 2 && head[0] == 0x1f && head[1] == 0x8b, "not gzip: %02x %02x", head[0],
              head[1]);
    } else {
        static const uint8_t want[8] = { 0, 0, 8, 3, 0, 0, 0, 3 };
        CHECK(got == 8 && !memcmp(head, want, 8), "plain header %02x %02x %02x %02x ...",
              head[0], head[1], head[2], head[3]);
        CHECK(file_size(path) == 16 + 60, "plain size %ld, expected 76", file_size(path));
    }

    struct idx_array a;
    CHECK(idx_load(path, &a, err, sizeof err) == 0, "load: %s", err);
    CHECK(a.ndim == 3, "ndim %d", a.ndim);
    CHECK(a.dims[0] == 3 && a.dims[1] == 4 && a.dims[2] == 5, "dims %u %u %u", a.dims[0],
          a.dims[1], a.dims[2]);
    CHECK(a.count == 60, "count %zu", a.count);
    CHECK(a.data && !memcmp(a.data, data, 60), "payload differs");
    idx_free(&a);
    CHECK(a.data == NULL && a.count == 0, "idx_free left data");
    scratch_remove(t.dir);
}

static void idx_round_trips_plain_file(void) { round_trip(0); }
static void idx_round_trips_gzip_file(void) { round_trip(1); }

/* Loads path expecting failure; checks the message and that nothing is left. */
static void expect_error(const char *path, const char *want)
{
    struct idx_array a;
    char err[512] = "";
    int rc = idx_load(path, &a, err, sizeof err);
    CHECK(rc == -1, "loaded %s, expected error containing \"%s\"", path, want);
    CHECK(strstr(err, want), "message \"%s\" lacks \"%s\"", err, want);
    CHECK(!strncmp(err, path, strlen(path)), "message \"%s\" does not start with the path", err);
    CHECK(a.data == NULL && a.count == 0 && a.ndim == 0, "failed load left data");
    if (rc == 0) idx_free(&a);
}

static void idx_rejects_truncated_header(void)
{
    struct tmp t;
    scratch_make(t.dir, sizeof t.dir, "idx");
    const char *p = tmp_file(&t, "h.idx");
    write_raw(p, "", 0);
    expect_error(p, "offset 0: truncated: expected 4 bytes of header, file ends after 0");
    write_raw(p, "\0\0", 2);
    expect_error(p, "offset 0: truncated: expected 4 bytes of header, file ends after 2");
    static const uint8_t b[] = { 0, 0, 8, 3, 0, 0, 0, 9, 0, 0 };
    write_raw(p, b, sizeof b);
    expect_error(p, "offset 4: truncated: expected 12 bytes of dimensions, file ends after 6");
    scratch_remove(t.dir);
}

static void idx_rejects_truncated_payload_plain(void)
{
    struct tmp t;
    scratch_make(t.dir, sizeof t.dir, "idx");
    const char *p = tmp_file(&t, "p.idx");
    uint32_t dims[3] = { 10, 10, 10 };
    uint8_t data[1000];
    fill_noise(data, sizeof data, 1);
    char err[512], want[512];
    CHECK(idx_write(p, 0, 3, dims, data, err, sizeof err) == 0, "write: %s", err);
    CHECK(truncate(p, 16 + 500) == 0, "truncate failed");
    snprintf(want, sizeof want, "%s: offset 16: truncated: expected 1000 bytes of pixels, "
             "file ends after 500", p);
    struct idx_array a;
    CHECK(idx_load(p, &a, err, sizeof err) == -1, "truncated file loaded");
    CHECK(!strcmp(err, want), "got \"%s\"\n     want \"%s\"", err, want);
    CHECK(a.data == NULL, "failed load left data");
    scratch_remove(t.dir);
}

static void idx_rejects_truncated_payload_gzip(void)
{
    struct tmp t;
    scratch_make(t.dir, sizeof t.dir, "idx");
    const char *p = tmp_file(&t, "p.idx.gz");
    uint32_t dims[3] = { 20, 20, 50 };
    static uint8_t data[20000];
    fill_noise(data, sizeof data, 2);
    char err[512];
    CHECK(idx_write(p, 1, 3, dims, data, err, sizeof err) == 0, "write: %s", err);
    long size = file_size(p);
    CHECK(size > 20000, "noise compressed to %ld bytes; the test needs it incompressible", size);
    CHECK(truncate(p, size / 2) == 0, "truncate failed");
    expect_error(p, "offset 16: truncated: expected 20000 bytes of pixels, file ends after ");
    expect_error(p, "(gzip: unexpected end of file)");
    scratch_remove(t.dir);
}

/* Cutting only the CRC/length trailer leaves every payload byte readable. */
static void idx_rejects_gzip_missing_trailer(void)
{
    struct tmp t;
    scratch_make(t.dir, sizeof t.dir, "idx");
    const char *p = tmp_file(&t, "t.idx.gz");
    uint32_t dims[1] = { 300 };
    uint8_t data[300];
    fill_noise(data, sizeof data, 3);
    char err[512];
    CHECK(idx_write(p, 1, 1, dims, data, err, sizeof err) == 0, "write: %s", err);
    CHECK(truncate(p, file_size(p) - 4) == 0, "truncate failed");
    expect_error(p, "offset 308: gzip: unexpected end of file");
    scratch_remove(t.dir);
}

static void idx_rejects_corrupt_gzip(void)
{
    struct tmp t;
    scratch_make(t.dir, sizeof t.dir, "idx");
    const char *p = tmp_file(&t, "c.idx.gz");
    uint32_t dims[2] = { 100, 100 };
    static uint8_t data[10000];
    for (int i = 0; i < 10000; i++) data[i] = (uint8_t)(i % 97 < 50 ? 0 : i % 13);
    char err[512];
    CHECK(idx_write(p, 1, 2, dims, data, err, sizeof err) == 0, "write: %s", err);
    long size = file_size(p);
    FILE *f = fopen(p, "r+b");
    CHECK(f != NULL, "reopen failed");
    if (!f) {
        scratch_remove(t.dir);
        return;
    }
    /* Overwrite the middle of the deflate stream (after the 10-byte gzip header). */
    for (long i = 10 + (size - 18) / 3; i < 10 + 2 * (size - 18) / 3; i++) {
        fseek(f, i, SEEK_SET);
        fputc(0xA5, f);
    }
    fclose(f);
    expect_error(p, "gzip error");
    scratch_remove(t.dir);
}

static void idx_rejects_bad_magic(void)
{
    struct tmp t;
    scratch_make(t.dir, sizeof t.dir, "idx");
    const char *p = tmp_file(&t, "m.idx");
    static const uint8_t b[] = { 0x12, 0x34, 8, 1, 0, 0, 0, 1, 7 };
    write_raw(p, b, sizeof b);
    char want[256];
    snprintf(want, sizeof want, "%s: offset 0: bad magic 0x1234 (not an IDX file)", p);
    expect_error(p, want);
    /* A text file is not an IDX file either. */
    write_raw(p, "hello world\n", 12);
    expect_error(p, "offset 0: bad magic 0x6865");
    scratch_remove(t.dir);
}

static void idx_rejects_non_byte_element_type(void)
{
    struct tmp t;
    scratch_make(t.dir, sizeof t.dir, "idx");
    const char *p = tmp_file(&t, "f.idx");
    static const uint8_t b[] = { 0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0x80, 0x3f };
    write_raw(p, b, sizeof b);
    expect_error(p, "offset 2: element type 0x0d (32-bit float) not supported");
    scratch_remove(t.dir);
}

static void idx_rejects_bad_dimension_count(void)
{
    struct tmp t;
    scratch_make(t.dir, sizeof t.dir, "idx");
    const char *p = tmp_file(&t, "d.idx");
    static const uint8_t zero[] = { 0, 0, 8, 0, 5 };
    write_raw(p, zero, sizeof zero);
    expect_error(p, "offset 3: 0 dimensions, expected 1 to 4");
    static const uint8_t five[] = { 0, 0, 8, 5, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1,
                                    0, 0, 0, 1, 0, 0, 0, 1, 9 };
    write_raw(p, five, sizeof five);
    expect_error(p, "offset 3: 5 dimensions, expected 1 to 4");
    scratch_remove(t.dir);
}

static void idx_rejects_zero_dimension(void)
{
    struct tmp t;
    scratch_make(t.dir, sizeof t.dir, "idx");
    const char *p = tmp_file(&t, "z.idx");
    static const uint8_t b[] = { 0, 0, 8, 2, 0, 0, 0, 5, 0, 0, 0, 0 };
    write_raw(p, b, sizeof b);
    expect_error(p, "offset 8: dimension 1 is 0");
    uint32_t dims[2] = { 5, 0 };
    char err[256] = "";
    CHECK(idx_write(tmp_file(&t, "w.idx"), 0, 2, dims, (const uint8_t *)"", err, sizeof err) == -1,
          "idx_write accepted a zero dimension");
    CHECK(strstr(err, "dimension 1"), "write message \"%s\"", err);
    scratch_remove(t.dir);
}

/* Shapes whose product is huge or overflows 64 bits must be refused before
 * any allocation, however short the file is. */
static void idx_rejects_absurd_size(void)
{
    struct tmp t;
    scratch_make(t.dir, sizeof t.dir, "idx");
    const char *p = tmp_file(&t, "big.idx");
    static const uint8_t two[] = { 0, 0, 8, 2, 0, 1, 0, 0, 0, 1, 0, 0 };   /* 2^32 bytes */
    write_raw(p, two, sizeof two);
    expect_error(p, "over the 2 GiB limit");
    static const uint8_t four[] = { 0, 0, 8, 4, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    write_raw(p, four, sizeof four);
    expect_error(p, "over the 2 GiB limit");
    /* Exactly 2^31 bytes is one over the limit. */
    static const uint8_t edge[] = { 0, 0, 8, 2, 0, 0, 0x80, 0, 0, 1, 0, 0 };
    write_raw(p, edge, sizeof edge);
    expect_error(p, "over the 2 GiB limit");
    scratch_remove(t.dir);
}

static void idx_rejects_trailing_bytes(void)
{
    struct tmp t;
    scratch_make(t.dir, sizeof t.dir, "idx");
    const char *p = tmp_file(&t, "x.idx");
    uint32_t dims[3] = { 2, 2, 2 };
    uint8_t data[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    char err[256];
    CHECK(idx_write(p, 0, 3, dims, data, err, sizeof err) == 0, "write: %s", err);
    FILE *f = fopen(p, "ab");
    CHECK(f != NULL, "append open failed");
    if (!f) {
        scratch_remove(t.dir);
        return;
    }
    fputs("abc", f);
    fclose(f);
    char want[256];
    snprintf(want, sizeof want, "%s: offset 24: 3 unexpected trailing bytes", p);
    expect_error(p, want);
    scratch_remove(t.dir);
}

/* A gzip file of a few kilobytes can inflate to gigabytes after its payload: those
 * are counted only up to a limit, and the file refused all the same. */
static void idx_counts_trailing_bytes_up_to_a_limit(void)
{
    struct tmp t;
    scratch_make(t.dir, sizeof t.dir, "idx");
    const char *p = tmp_file(&t, "bomb.idx.gz");
    static const uint8_t head[8] = { 0, 0, 8, 1, 0, 0, 0, 4 };
    static uint8_t zeros[1 << 16];
    gzFile gz = gzopen(p, "wb9");
    CHECK(gz != NULL, "gzopen %s", p);
    if (!gz) return;
    gzwrite(gz, head, sizeof head);
    gzwrite(gz, "\1\2\3\4", 4);
    for (int i = 0; i < 64; i++) gzwrite(gz, zeros, sizeof zeros);    /* 4 MiB after the payload */
    gzclose(gz);
    char want[256];
    snprintf(want, sizeof want, "%s: offset 12: more than 1048576 unexpected trailing bytes", p);
    expect_error(p, want);
    CHECK(file_size(p) < 65536, "the fixture is %ld bytes on disk", file_size(p));
    scratch_remove(t.dir);
}

static void idx_rejects_missing_file(void)
{
    struct tmp t;
    scratch_make(t.dir, sizeof t.dir, "idx");
    const char *p = tmp_file(&t, "nope.idx");
    char want[256];
    snprintf(want, sizeof want, "%s: cannot open: No such file or directory", p);
    expect_error(p, want);
    scratch_remove(t.dir);
}

/* Headers made of random bytes (mostly near-valid) must load or fail cleanly:
 * a success must be self-consistent, a failure must say where. */
static void idx_survives_random_headers(void)
{
    struct tmp t;
    scratch_make(t.dir, sizeof t.dir, "idx");
    const char *p = tmp_file(&t, "r.idx");
    uint32_t s = 12345;
    int loaded = 0, failed = 0;
    for (int iter = 0; iter < 3000; iter++) {
        uint8_t b[48];
        fill_noise(b, sizeof b, s);
        s = s * 747796405u + 2891336453u;
        b[0] = (iter % 7) ? 0 : b[0];
        b[1] = (iter % 11) ? 0 : b[1];
        b[2] = (iter % 5) ? 8 : b[2];
        b[3] = (uint8_t)((iter % 13) ? 1 + iter % 4 : b[3]);
        for (int i = 4; i < 20; i += 4) {   /* small dims so some files are complete */
            b[i] = b[i + 1] = 0;
            b[i + 2] = (iter % 3) ? 0 : b[i + 2];
            b[i + 3] %= 4;
        }
        size_t len = s % (sizeof b + 1);
        if (iter % 2 && b[3] >= 1 && b[3] <= 4) {   /* half the time: exactly the right size */
            size_t whole = 1;
            for (int i = 0; i < b[3]; i++) whole *= (size_t)b[6 + 4 * i] << 8 | b[7 + 4 * i];
            whole += 4 + 4 * (size_t)b[3];
            if (whole <= sizeof b) len = whole;
        }
        write_raw(p, b, len);
        struct idx_array a;
        char err[128] = "";
        if (idx_load(p, &a, err, sizeof err) == 0) {
            size_t prod = 1;
            for (int i = 0; i < a.ndim; i++) prod *= a.dims[i];
            CHECK(a.ndim >= 1 && a.ndim <= 4 && a.count == prod && a.data &&
                  len == 4 + 4 * (size_t)a.ndim + a.count, "iter %d: inconsistent load", iter);
            CHECK(!memcmp(a.data, b + 4 + 4 * a.ndim, a.count), "iter %d: payload", iter);
            loaded++;
            idx_free(&a);
        } else {
            CHECK(strstr(err, "offset ") && a.data == NULL, "iter %d: error \"%s\"", iter, err);
            failed++;
        }
    }
    CHECK(loaded > 100 && failed > 1000, "only %d loads and %d failures: fuzz not exercising both",
          loaded, failed);
    scratch_remove(t.dir);
}

/* A message longer than the buffer is cut, never overrun (ASan watches). */
static void idx_error_fits_small_buffer(void)
{
    char err[12];
    memset(err, 'x', sizeof err);
    struct idx_array a;
    CHECK(idx_load("/nonexistent/dir/file.idx", &a, err, 8) == -1, "loaded a missing file");
    CHECK(err[7] == '\0' && err[8] == 'x', "buffer not cut at 8 bytes");
    CHECK(idx_load("/nonexistent/dir/file.idx", &a, NULL, 0) == -1, "missing file, no buffer");
}

int main(void)
{
    RUN(idx_round_trips_plain_file);
    RUN(idx_round_trips_gzip_file);
    RUN(idx_rejects_truncated_header);
    RUN(idx_rejects_truncated_payload_plain);
    RUN(idx_rejects_truncated_payload_gzip);
    RUN(idx_rejects_gzip_missing_trailer);
    RUN(idx_rejects_corrupt_gzip);
    RUN(idx_rejects_bad_magic);
    RUN(idx_rejects_non_byte_element_type);
    RUN(idx_rejects_bad_dimension_count);
    RUN(idx_rejects_zero_dimension);
    RUN(idx_rejects_absurd_size);
    RUN(idx_rejects_trailing_bytes);
    RUN(idx_counts_trailing_bytes_up_to_a_limit);
    RUN(idx_rejects_missing_file);
    RUN(idx_survives_random_headers);
    RUN(idx_error_fits_small_buffer);
    CHECK_DONE();
}
