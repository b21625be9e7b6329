/* IDX reader and writer: see idx.h. The file is read through zlib, so a .gz file
 * and a plain one take the same path (gzread passes uncompressed bytes through).
 * Layout: 0x00 0x00, element type, ndim, ndim big-endian uint32 dims, payload.
 * Every failure names the file and the byte offset (of the decompressed stream)
 * where the problem starts; nothing the file contains can make us crash or leak. */
#include "idx.h"
#include "input_file.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* Largest payload we accept: our datasets are well under 100 MB, and keeping
 * every count below 2^31 lets callers hold counts and indices in an int. */
#define IDX_MAX_BYTES 0x7fffffffULL
#define IDX_TYPE_UBYTE 0x08
#define GZ_CHUNK (1u << 30)   /* gzread/gzwrite take an unsigned and return an int */
/* Bytes after the payload are counted up to this many for the message: the file is
 * refused either way, and a small gzip file can inflate to gigabytes of them. */
#define IDX_MAX_TRAILING (1u << 20)

struct reader {
    gzFile gz;
    const char *path;
    char *err;
    size_t errlen;
    uint64_t file_size;     /* on disk: the payload's size when the file is not gzip */
};

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void fail_at(const struct reader *r, size_t offset, const char *fmt, ...)
{
    if (!r->err || r->errlen == 0) return;
    int n = snprintf(r->err, r->errlen, "%s: offset %zu: ", r->path, offset);
    if (n < 0 || (size_t)n >= r->errlen) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
    va_end(ap);
}

/* zlib's message without the "<fd:N>: " it puts in front for the descriptor it
 * reads (ours names the file already). */
static const char *gz_message(const struct reader *r)
{
    const char *msg = gzerror(r->gz, NULL);
    const char *end = !strncmp(msg, "<fd:", 4) ? strstr(msg, ">: ") : NULL;
    return end ? end + 3 : msg;
}

/* zlib's pending complaint about the stream (a truncated or corrupt gzip
 * member, a failed read), or NULL when there is none. */
static const char *gz_problem(const struct reader *r)
{
    int errnum = Z_OK;
    gzerror(r->gz, &errnum);
    return errnum == Z_OK ? NULL : gz_message(r);
}

/* "gzip error" for a corrupt stream, "read error" for a failed read(2). */
static const char *error_kind(gzFile gz)
{
    int errnum = Z_OK;
    gzerror(gz, &errnum);
    return errnum == Z_ERRNO ? "read error" : "gzip error";
}

/* Reads exactly n bytes of `what`, which starts at `offset`. A short read is
 * reported as truncation; zlib's note (e.g. "unexpected end of file" from a cut
 * gzip file) is appended so the two kinds of truncation can be told apart. */
static int read_field(struct reader *r, void *buf, size_t n, size_t offset, const char *what)
{
    size_t got = 0;
    while (got < n) {
        size_t want = n - got < GZ_CHUNK ? n - got : GZ_CHUNK;
        int k = gzread(r->gz, (uint8_t *)buf + got, (unsigned)want);
        if (k < 0) {
            fail_at(r, offset + got, "%s in %s: %s", error_kind(r->gz), what, gz_message(r));
            return -1;
        }
        if (k == 0) break;
        got += (size_t)k;
    }
    if (got == n) return 0;
    const char *why = gz_problem(r);
    fail_at(r, offset, "truncated: expected %zu bytes of %s, file ends after %zu%s%s%s", n, what,
            got, why ? " (gzip: " : "", why ? why : "", why ? ")" : "");
    return -1;
}

static const char *type_name(int t)
{
    switch (t) {
    case 0x08: return "unsigned byte";
    case 0x09: return "signed byte";
    case 0x0B: return "16-bit int";
    case 0x0C: return "32-bit int";
    case 0x0D: return "32-bit float";
    case 0x0E: return "64-bit float";
    default: return "unknown type";
    }
}

/* The IDX header field by field in file order, each refusal naming its offset:
 * kept whole so that the order of the checks reads as the format. */
static int parse(struct reader *r, struct idx_array *out)
{
    uint8_t head[4], raw[4 * IDX_MAX_DIMS];
    if (read_field(r, head, 4, 0, "header")) return -1;
    if (head[0] != 0 || head[1] != 0) {
        fail_at(r, 0, "bad magic 0x%02x%02x (not an IDX file)", head[0], head[1]);
        return -1;
    }
    if (head[2] != IDX_TYPE_UBYTE) {
        fail_at(r, 2, "element type 0x%02x (%s) not supported: only 0x08 (unsigned byte)",
                head[2], type_name(head[2]));
        return -1;
    }
    int ndim = head[3];
    if (ndim < 1 || ndim > IDX_MAX_DIMS) {
        fail_at(r, 3, "%d dimensions, expected 1 to %d", ndim, IDX_MAX_DIMS);
        return -1;
    }
    size_t hlen = 4 + 4 * (size_t)ndim;
    if (read_field(r, raw, 4 * (size_t)ndim, 4, "dimensions")) return -1;

    /* Each dim is < 2^32 and the running product stays <= IDX_MAX_BYTES < 2^31,
     * so the 64-bit product cannot overflow before we compare it. */
    uint64_t count = 1;
    for (int i = 0; i < ndim; i++) {
        const uint8_t *p = raw + 4 * i;
        uint32_t d = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
        if (d == 0) {
            fail_at(r, 4 + 4 * (size_t)i, "dimension %d is 0", i);
            return -1;
        }
        count *= d;
        if (count > IDX_MAX_BYTES) {
            fail_at(r, 4, "dimensions 0..%d already multiply to %llu bytes, over the 2 GiB limit",
                    i, (unsigned long long)count);
            return -1;
        }
        out->dims[i] = d;
    }
    out->ndim = ndim;
    out->count = (size_t)count;
    const char *what = ndim == 1 ? "labels" : ndim == 3 ? "pixels" : "data";
    /* A plain file's size says whether the payload is all there before any of it
     * is allocated (gzdirect: zlib passes the file through). */
    if (gzdirect(r->gz) && r->file_size < hlen + count) {
        fail_at(r, hlen, "truncated: expected %zu bytes of %s, file ends after %llu", out->count, what,
                (unsigned long long)(r->file_size > hlen ? r->file_size - hlen : 0));
        return -1;
    }
    out->data = malloc(out->count);
    if (!out->data) {
        fail_at(r, hlen, "cannot allocate %zu bytes", out->count);
        return -1;
    }
    if (read_field(r, out->data, out->count, hlen, what)) return -1;

    /* Anything after the payload means the header lies about the shape. */
    uint8_t extra[1 << 14];
    size_t trailing = 0;
    int k = 0;
    while (trailing <= IDX_MAX_TRAILING && (k = gzread(r->gz, extra, sizeof extra)) > 0) trailing += (size_t)k;
    size_t end = hlen + out->count;
    if (k < 0) {
        fail_at(r, end + trailing, "%s after the payload: %s", error_kind(r->gz), gz_message(r));
        return -1;
    }
    if (trailing > IDX_MAX_TRAILING) {
        fail_at(r, end, "more than %u unexpected trailing bytes", IDX_MAX_TRAILING);
        return -1;
    }
    if (trailing) {
        fail_at(r, end, "%zu unexpected trailing bytes", trailing);
        return -1;
    }
    /* A gzip file cut inside its 8-byte trailer still yields every byte. */
    const char *why = gz_problem(r);
    if (why) {
        fail_at(r, end, "gzip: %s", why);
        return -1;
    }
    return 0;
}

int idx_load(const char *path, struct idx_array *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    const char *kind;
    struct stat st;
    int fd = input_open(path, &kind, &st);
    if (fd < 0) {
        if (err && errlen && kind) snprintf(err, errlen, "%s: not a regular file (%s)", path, kind);
        else if (err && errlen) snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    gzFile gz = gzdopen(fd, "rb");      /* owns fd from here */
    if (!gz) {
        close(fd);
        if (err && errlen) snprintf(err, errlen, "%s: cannot open: out of memory", path);
        return -1;
    }
    gzbuffer(gz, 1 << 17);
    struct reader r = { gz, path, err, errlen, (uint64_t)st.st_size };
    int rc = parse(&r, out);
    gzclose(gz);   /* its only complaint, a truncated stream, was reported above */
    if (rc) idx_free(out);
    return rc;
}

void idx_free(struct idx_array *a)
{
    free(a->data);
    memset(a, 0, sizeof *a);
}

static int write_all(gzFile gz, const uint8_t *p, size_t n)
{
    while (n) {
        unsigned want = n < GZ_CHUNK ? (unsigned)n : GZ_CHUNK;
        int k = gzwrite(gz, p, want);
        if (k <= 0) return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

int idx_write(const char *path, int gz, int ndim, const uint32_t *dims,
              const uint8_t *data, char *err, size_t errlen)
{
    /* Refuse to write anything idx_load would refuse to read. */
    if (ndim < 1 || ndim > IDX_MAX_DIMS) {
        if (err && errlen) snprintf(err, errlen, "%s: cannot write %d dimensions (1 to %d)",
                                    path, ndim, IDX_MAX_DIMS);
        return -1;
    }
    uint8_t head[4 + 4 * IDX_MAX_DIMS] = { 0, 0, IDX_TYPE_UBYTE, (uint8_t)ndim };
    uint64_t count = 1;
    for (int i = 0; i < ndim; i++) {
        count *= dims[i];
        if (dims[i] == 0 || count > IDX_MAX_BYTES) {
            if (err && errlen) snprintf(err, errlen, "%s: cannot write dimension %d = %u "
                                        "(zero or over the 2 GiB limit)", path, i, dims[i]);
            return -1;
        }
        for (int b = 0; b < 4; b++) head[4 + 4 * i + b] = (uint8_t)(dims[i] >> (24 - 8 * b));
    }
    errno = 0;
    gzFile f = gzopen(path, gz ? "wb" : "wbT");   /* "T": plain, no gzip wrapper */
    if (!f) {
        if (err && errlen) snprintf(err, errlen, "%s: cannot open for writing: %s", path,
                                    errno ? strerror(errno) : "out of memory");
        return -1;
    }
    int rc = 0;
    if (write_all(f, head, 4 + 4 * (size_t)ndim) || write_all(f, data, (size_t)count)) {
        if (err && errlen) snprintf(err, errlen, "%s: write failed: %s", path, gzerror(f, NULL));
        rc = -1;
    }
    errno = 0;
    if (gzclose(f) != Z_OK && rc == 0) {
        if (err && errlen) snprintf(err, errlen, "%s: write failed on close: %s", path,
                                    errno ? strerror(errno) : "zlib error");
        rc = -1;
    }
    return rc;
}
