/* Checkpoint file format (little-endian, see checkpoint.h):
 *   "SSNNCKP2"  magic and version ("SSNNCKP1" files, without the settings, still load)
 *   32 B        config hash
 *   u64 settings_size, bytes: the hashed settings as "key=value" lines (version 2)
 *   u32 epochs_done, u64 sample_in_epoch, u64 correct, u64 ann_correct
 *   u32 n_records, then n_records x (i32 epoch, 5 x f64)
 *   u64 ssnn_size, bytes; u64 ann_size, bytes
 *   32 B        SHA-256 of everything above */
#include "checkpoint.h"
#include "sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int atomic_write(const char *path, const void *data, size_t n, char *err, size_t errlen)
{
    int call = crash_call();
    char tmp[4096];
#ifdef PLANT_BUG_CKPT_IN_PLACE
    /* Planted bug (test_kill's teeth): overwrite the file in place. A crash in the
     * middle leaves neither the old nor the new contents. */
    snprintf(tmp, sizeof tmp, "%s", path);
#else
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
#endif
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
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

int checkpoint_read(const char *path, struct checkpoint *c, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open checkpoint: %s", path, strerror(errno));
        return -1;
    }
    struct buf b = { 0 };
    uint8_t chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) put(&b, chunk, got);
    fclose(f);
    struct reader r = { b.p, b.n, 0, path, err, errlen };
    int rc = -1;
    char magic[8];
    if (get(&r, magic, 8, "magic")) goto out;
    int v1 = !memcmp(magic, MAGIC_V1, 8);
    if (!v1 && memcmp(magic, MAGIC, 8)) {
        snprintf(err, errlen, "%s: offset 0: not an ssnnsim checkpoint (bad magic)", path);
        goto out;
    }
    if (b.n < 8 + 32) {
        snprintf(err, errlen, "%s: offset %zu: truncated checkpoint", path, b.n);
        goto out;
    }
    struct sha256 h;
    uint8_t dig[32];
    sha256_init(&h);
    sha256_update(&h, b.p, b.n - 32);
    sha256_final(&h, dig);
    if (memcmp(dig, b.p + b.n - 32, 32)) {
        snprintf(err, errlen, "%s: offset %zu: checksum mismatch (corrupt or truncated checkpoint)", path, b.n - 32);
        goto out;
    }
    r.n = b.n - 32;
    if (get(&r, c->config_hash, 32, "config hash")) goto out;
    if (!v1) {
        if (get(&r, &c->settings_size, 8, "settings size")) goto out;
        if (c->settings_size > SETTINGS_MAX || c->settings_size > r.n - r.off) {
            snprintf(err, errlen, "%s: offset %zu: settings of %llu bytes run past the end", path, r.off - 8,
                     (unsigned long long)c->settings_size);
            goto out;
        }
        c->settings = calloc(c->settings_size + 1, 1);
        if (get(&r, c->settings, c->settings_size, "settings")) goto out;
    }
    if (get(&r, &c->epochs_done, 4, "epoch") ||
        get(&r, &c->sample_in_epoch, 8, "sample") || get(&r, &c->correct_in_epoch, 8, "counts") ||
        get(&r, &c->ann_correct_in_epoch, 8, "counts") || get(&r, &c->n_records, 4, "records"))
        goto out;
    if (c->n_records > CKPT_MAX_EPOCHS) {
        snprintf(err, errlen, "%s: offset %zu: %u epoch records is more than %d", path, r.off - 4,
                 c->n_records, CKPT_MAX_EPOCHS);
        goto out;
    }
    c->records = calloc(c->n_records + 1, sizeof *c->records);
    for (uint32_t i = 0; i < c->n_records; i++) {
        struct epoch_record *e = &c->records[i];
        int32_t ep;
        if (get(&r, &ep, 4, "record") || get(&r, &e->train_wta, 8, "record") ||
            get(&r, &e->test_wta, 8, "record") || get(&r, &e->test_rate, 8, "record") ||
            get(&r, &e->ann_train, 8, "record") || get(&r, &e->ann_test, 8, "record"))
            goto out;
        e->epoch = ep;
    }
    if (get(&r, &c->ssnn_size, 8, "state size")) goto out;
    if (c->ssnn_size > r.n - r.off) {
        snprintf(err, errlen, "%s: offset %zu: state of %llu bytes runs past the end", path, r.off - 8,
                 (unsigned long long)c->ssnn_size);
        goto out;
    }
    c->ssnn_state = malloc(c->ssnn_size + 1);
    if (get(&r, c->ssnn_state, c->ssnn_size, "state") || get(&r, &c->ann_size, 8, "ann size")) goto out;
    if (c->ann_size > r.n - r.off) {
        snprintf(err, errlen, "%s: offset %zu: ANN state of %llu bytes runs past the end", path, r.off - 8,
                 (unsigned long long)c->ann_size);
        goto out;
    }
    c->ann_state = malloc(c->ann_size + 1);
    if (get(&r, c->ann_state, c->ann_size, "ann state")) goto out;
    if (r.off != r.n) {
        snprintf(err, errlen, "%s: offset %zu: %zu unexpected bytes before the checksum", path, r.off, r.n - r.off);
        goto out;
    }
    rc = 0;
out:
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
