/* Checkpoint file format (little-endian, see checkpoint.h):
 *   "SSNNCKP2"  magic and version ("SSNNCKP1" files, without the settings, still load)
 *   32 B        config hash
 *   u64 settings_size, bytes: the hashed settings as "key=value" lines (version 2)
 *   u32 epochs_done, u64 sample_in_epoch, u64 correct, u64 ann_correct
 *   u32 n_records, then n_records x (i32 epoch, 5 x f64)
 *   u64 ssnn_size, bytes; u64 ann_size, bytes
 *   32 B        SHA-256 of everything above */
#include "checkpoint.h"
#include "input_file.h"
#include "sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char MAGIC[8] = { 'S', 'S', 'N', 'N', 'C', 'K', 'P', '2' };
static const char MAGIC_V1[8] = { 'S', 'S', 'N', 'N', 'C', 'K', 'P', '1' };
/* Settings text larger than this is not a checkpoint of ours (the schema's lines). */
#define SETTINGS_MAX (1u << 20)

struct buf { uint8_t *p; size_t n, cap; };

static void put(struct buf *b, const void *d, size_t n)
{
    if (b->n + n > b->cap) {
        while (b->n + n > b->cap) b->cap = b->cap ? 2 * b->cap : 4096;
        b->p = realloc(b->p, b->cap);
        if (!b->p) { perror("realloc"); exit(1); }
    }
    memcpy(b->p + b->n, d, n);
    b->n += n;
}

/* Crash-point test hook (testbenches/test_kill.c): SSNNSIM_CRASH_POINT=N:PHASE makes
 * the N-th atomic_write of the process kill itself with SIGKILL at PHASE:
 *   write   half of the bytes are in the temporary file
 *   fsync   the temporary file is complete and synced, not yet renamed
 *   rename  renamed into place, the directory not yet synced
 * so that a test can stop a run inside a checkpoint write every time, which a
 * kill from outside at a random moment rarely does. Unset: no effect. */
static int crash_call(void)
{
    static int calls;   /* atomic_write calls so far: a process-wide count by design */
    return ++calls;
}

static void crash_point(int call, const char *phase)
{
    const char *s = getenv("SSNNSIM_CRASH_POINT");
    if (!s || !*s) return;
    char *end;
    long n = strtol(s, &end, 10);
    if (n == call && *end == ':' && !strcmp(end + 1, phase)) raise(SIGKILL);
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* A new file beside `path` that no other writer uses, FILE.PID-N.tmp: created with
 * O_EXCL, so a writer never writes into, nor renames, another's half-written file
 * (two runs on one output are refused at start, output_lock.h; this holds even
 * without the lock). Not mkstemp, which creates the file 0600: a result or a
 * checkpoint gets the mode any new file gets (0644 under the usual umask). */
#ifndef PLANT_BUG_CKPT_IN_PLACE
static int create_temporary(const char *path, char *tmp, size_t n)
{
    static unsigned serial;     /* per process, as the pid in the name */
    for (int tries = 0; tries < 100; tries++) {
        snprintf(tmp, n, "%s.%ld-%u.tmp", path, (long)getpid(), serial++);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd >= 0 || errno != EEXIST) return fd;  /* EEXIST: left by a killed run of a reused pid */
    }
    return -1;
}
#endif

int atomic_write(const char *path, const void *data, size_t n, char *err, size_t errlen)
{
    int call = crash_call();
    char tmp[4096];
#ifdef PLANT_BUG_CKPT_IN_PLACE
    /* Planted bug (test_kill's teeth): overwrite the file in place. A crash in the
     * middle leaves neither the old nor the new contents. */
    snprintf(tmp, sizeof tmp, "%s", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
#else
    int fd = create_temporary(path, tmp, sizeof tmp);
#endif
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot create: %s", tmp, strerror(errno));
        return -1;
    }
    /* Written in two halves so that the crash hook can stop between them. */
    const uint8_t *p = data;
    int bad = write_all(fd, p, n / 2);
    if (!bad) crash_point(call, "write");
    if (!bad) bad = write_all(fd, p + n / 2, n - n / 2);
    if (bad) {
        snprintf(err, errlen, "%s: write failed: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        return -1;
    }
    if (fsync(fd) || close(fd)) {
        snprintf(err, errlen, "%s: fsync failed: %s", tmp, strerror(errno));
        unlink(tmp);
        return -1;
    }
    crash_point(call, "fsync");
#ifndef PLANT_BUG_CKPT_IN_PLACE
    if (rename(tmp, path)) {
        snprintf(err, errlen, "%s: cannot rename into place: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
#endif
    crash_point(call, "rename");
    /* The rename itself is durable only once the directory is synced. */
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = 0;
    else snprintf(dir, sizeof dir, ".");
    int dfd = open(dir, O_RDONLY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
}

int checkpoint_write(const char *path, const struct checkpoint *c, char *err, size_t errlen)
{
    struct buf b = { 0 };
    put(&b, MAGIC, 8);
    put(&b, c->config_hash, 32);
    put(&b, &c->settings_size, 8);
    put(&b, c->settings, c->settings_size);
    put(&b, &c->epochs_done, 4);
    put(&b, &c->sample_in_epoch, 8);
    put(&b, &c->correct_in_epoch, 8);
    put(&b, &c->ann_correct_in_epoch, 8);
    put(&b, &c->n_records, 4);
    for (uint32_t i = 0; i < c->n_records; i++) {
        const struct epoch_record *r = &c->records[i];
        int32_t e = r->epoch;
        put(&b, &e, 4);
        put(&b, &r->train_wta, 8);
        put(&b, &r->test_wta, 8);
        put(&b, &r->test_rate, 8);
        put(&b, &r->ann_train, 8);
        put(&b, &r->ann_test, 8);
    }
    put(&b, &c->ssnn_size, 8);
    put(&b, c->ssnn_state, c->ssnn_size);
    put(&b, &c->ann_size, 8);
    put(&b, c->ann_state, c->ann_size);
    struct sha256 h;
    uint8_t dig[32];
    sha256_init(&h);
    sha256_update(&h, b.p, b.n);
    sha256_final(&h, dig);
    put(&b, dig, 32);
    int r = atomic_write(path, b.p, b.n, err, errlen);
    free(b.p);
    return r;
}

struct reader { const uint8_t *p; size_t n, off; const char *path; char *err; size_t errlen; };

static int get(struct reader *r, void *d, size_t n, const char *what)
{
    if (n > r->n - r->off) {
        snprintf(r->err, r->errlen, "%s: offset %zu: truncated checkpoint (reading %s)", r->path, r->off, what);
        return -1;
    }
    memcpy(d, r->p + r->off, n);
    r->off += n;
    return 0;
}

static int pread_all(int fd, void *d, size_t n, uint64_t off)
{
    while (n) {
        ssize_t k = pread(fd, d, n, (off_t)off);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return -1;
        d = (uint8_t *)d + k;
        n -= (size_t)k;
        off += (uint64_t)k;
    }
    return 0;
}

/* How many bytes of the file to read: what its header gives (the sizes of the
 * settings, the records, the states, and the checksum), so that nothing past
 * that is read. Its size fields are read where they stand, each refused when the
 * format does not allow it. A size running past the end of the file means a
 * truncated one: the file is read whole, and its checksum says so. 0, or -1 with
 * why: a size over its limit, or bytes after the end the header gives. */
static int bytes_to_read(int fd, uint64_t size, uint64_t *want, const char *path, char *err, size_t errlen)
{
    char magic[8];
    *want = size;
    if (size < 8 || pread_all(fd, magic, 8, 0)) return 0;
    int v1 = !memcmp(magic, MAGIC_V1, 8);
    if (!v1 && memcmp(magic, MAGIC, 8)) {
        *want = 8;                      /* enough to refuse the magic */
        return 0;
    }
    uint64_t off = 8 + 32, settings = 0, ssnn, ann;
    uint32_t records;
    if (!v1) {
        if (off + 8 > size || pread_all(fd, &settings, 8, off)) return 0;
        if (settings > SETTINGS_MAX) {
            snprintf(err, errlen, "%s: offset %llu: settings of %llu bytes, more than the %u a checkpoint holds", path,
                     (unsigned long long)off, (unsigned long long)settings, SETTINGS_MAX);
            return -1;
        }
        off += 8 + settings;
    }
    off += 4 + 8 + 8 + 8;               /* epochs done, sample, the two counts */
    if (off + 4 > size || pread_all(fd, &records, 4, off)) return 0;
    if (records > CKPT_MAX_EPOCHS) {
        snprintf(err, errlen, "%s: offset %llu: %u epoch records is more than %d", path, (unsigned long long)off,
                 records, CKPT_MAX_EPOCHS);
        return -1;
    }
    off += 4 + (uint64_t)records * (4 + 5 * 8);
    if (off + 8 > size || pread_all(fd, &ssnn, 8, off)) return 0;
    off += 8;
    if (ssnn > size - off) return 0;
    off += ssnn;
    if (off + 8 > size || pread_all(fd, &ann, 8, off)) return 0;
    off += 8;
    if (ann > size - off) return 0;
    off += ann + 32;
    if (off > size) return 0;
    if (size > off) {
        snprintf(err, errlen, "%s: offset %llu: %llu bytes after the end of the checkpoint (its header gives %llu bytes)",
                 path, (unsigned long long)off, (unsigned long long)(size - off), (unsigned long long)off);
        return -1;
    }
    *want = off;
    return 0;
}

/* The checkpoint's bytes (as many as its header promises, no more): b->p
 * allocated, b->n read. 0, or -1 with a message. */
static int slurp(const char *path, struct buf *b, char *err, size_t errlen)
{
    const char *kind;
    struct stat st;
    int fd = input_open(path, &kind, &st);
    if (fd < 0) {
        if (kind) snprintf(err, errlen, "%s: not a regular file (%s)", path, kind);
        else snprintf(err, errlen, "%s: cannot open checkpoint: %s", path, strerror(errno));
        return -1;
    }
    uint64_t want;
    if (bytes_to_read(fd, (uint64_t)st.st_size, &want, path, err, errlen)) {
        close(fd);
        return -1;
    }
    /* want is at most the file's size: what is allocated is there to be read. */
    *b = (struct buf){ malloc(want ? (size_t)want : 1), 0, (size_t)want };
    if (!b->p) {
        snprintf(err, errlen, "%s: cannot allocate %llu bytes", path, (unsigned long long)want);
        close(fd);
        return -1;
    }
    while (b->n < want) {
        ssize_t k = read(fd, b->p + b->n, (size_t)want - b->n);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) {
            snprintf(err, errlen, "%s: offset %zu: cannot read: %s", path, b->n, strerror(errno));
            close(fd);
            free(b->p);
            b->p = NULL;
            return -1;
        }
        if (k == 0) break;
        b->n += (size_t)k;
    }
    close(fd);
    return 0;
}

/* Magic and checksum; *v1 says whether it is the first format (no settings). */
static int check_envelope(const struct buf *b, struct reader *r, int *v1)
{
    char magic[8];
    if (get(r, magic, 8, "magic")) return -1;
    *v1 = !memcmp(magic, MAGIC_V1, 8);
    if (!*v1 && memcmp(magic, MAGIC, 8)) {
        snprintf(r->err, r->errlen, "%s: offset 0: not an ssnnsim checkpoint (bad magic)", r->path);
        return -1;
    }
    if (b->n < 8 + 32) {
        snprintf(r->err, r->errlen, "%s: offset %zu: truncated checkpoint", r->path, b->n);
        return -1;
    }
    struct sha256 h;
    uint8_t dig[32];
    sha256_init(&h);
    sha256_update(&h, b->p, b->n - 32);
    sha256_final(&h, dig);
    if (memcmp(dig, b->p + b->n - 32, 32)) {
        snprintf(r->err, r->errlen, "%s: offset %zu: checksum mismatch (corrupt or truncated checkpoint)", r->path,
                 b->n - 32);
        return -1;
    }
    r->n = b->n - 32;
    return 0;
}

/* A size field followed by that many bytes (allocated into *dst, one spare). */
static int get_sized(struct reader *r, uint64_t *size, void **dst, const char *size_what, const char *what,
                     const char *label)
{
    if (get(r, size, 8, size_what)) return -1;
    if (*size > r->n - r->off) {
        snprintf(r->err, r->errlen, "%s: offset %zu: %s of %llu bytes runs past the end", r->path, r->off - 8, label,
                 (unsigned long long)*size);
        return -1;
    }
    *dst = malloc(*size + 1);
    return get(r, *dst, *size, what);
}

/* Everything between the checksum envelope's magic and checksum. */
static int read_body(struct reader *r, struct checkpoint *c, int v1)
{
    if (get(r, c->config_hash, 32, "config hash")) return -1;
    if (!v1) {
        if (get(r, &c->settings_size, 8, "settings size")) return -1;
        if (c->settings_size > SETTINGS_MAX || c->settings_size > r->n - r->off) {
            snprintf(r->err, r->errlen, "%s: offset %zu: settings of %llu bytes run past the end", r->path, r->off - 8,
                     (unsigned long long)c->settings_size);
            return -1;
        }
        c->settings = calloc(c->settings_size + 1, 1);
        if (get(r, c->settings, c->settings_size, "settings")) return -1;
    }
    if (get(r, &c->epochs_done, 4, "epoch") || get(r, &c->sample_in_epoch, 8, "sample") ||
        get(r, &c->correct_in_epoch, 8, "counts") || get(r, &c->ann_correct_in_epoch, 8, "counts") ||
        get(r, &c->n_records, 4, "records"))
        return -1;
    if (c->n_records > CKPT_MAX_EPOCHS) {
        snprintf(r->err, r->errlen, "%s: offset %zu: %u epoch records is more than %d", r->path, r->off - 4,
                 c->n_records, CKPT_MAX_EPOCHS);
        return -1;
    }
    c->records = calloc(c->n_records + 1, sizeof *c->records);
    for (uint32_t i = 0; i < c->n_records; i++) {
        struct epoch_record *e = &c->records[i];
        int32_t ep;
        if (get(r, &ep, 4, "record") || get(r, &e->train_wta, 8, "record") || get(r, &e->test_wta, 8, "record") ||
            get(r, &e->test_rate, 8, "record") || get(r, &e->ann_train, 8, "record") ||
            get(r, &e->ann_test, 8, "record"))
            return -1;
        e->epoch = ep;
    }
    void *ssnn = NULL, *ann = NULL;
    int rc = get_sized(r, &c->ssnn_size, &ssnn, "state size", "state", "state") ||
             get_sized(r, &c->ann_size, &ann, "ann size", "ann state", "ANN state");
    c->ssnn_state = ssnn;
    c->ann_state = ann;
    if (rc) return -1;
    if (r->off != r->n) {
        snprintf(r->err, r->errlen, "%s: offset %zu: %zu unexpected bytes before the checksum", r->path, r->off,
                 r->n - r->off);
        return -1;
    }
    return 0;
}

int checkpoint_read(const char *path, struct checkpoint *c, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    struct buf b;
    if (slurp(path, &b, err, errlen)) return -1;
    struct reader r = { b.p, b.n, 0, path, err, errlen };
    int v1 = 0;
    int rc = check_envelope(&b, &r, &v1) || read_body(&r, c, v1) ? -1 : 0;
    free(b.p);
    if (rc) checkpoint_free(c);
    return rc;
}

void checkpoint_free(struct checkpoint *c)
{
    free(c->settings);
    free(c->records);
    free(c->ssnn_state);
    free(c->ann_state);
    memset(c, 0, sizeof *c);
}
