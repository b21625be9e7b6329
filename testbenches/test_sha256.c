/* SHA-256 against the FIPS 180-4 / NIST example vectors, the padding boundaries
 * (55, 56, 63, 64, 65 bytes), and incremental hashing: updates split anywhere
 * must give the one-shot digest. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sha256.h"

static void hex_of(const void *data, size_t n, char out[65])
{
    struct sha256 s;
    uint8_t d[32];
    sha256_init(&s);
    sha256_update(&s, data, n);
    sha256_final(&s, d);
    sha256_hex(d, out);
}

#define CHECK_HEX(got, want) \
    CHECK(strcmp((got), (want)) == 0, "got %s, want %s", (got), (want))

static void empty_message(void)
{
    char h[65];
    hex_of("", 0, h);
    CHECK_HEX(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    /* No update at all, and an update with NULL and zero length, are the same. */
    struct sha256 s;
    uint8_t d[32];
    sha256_init(&s);
    sha256_update(&s, NULL, 0);
    sha256_final(&s, d);
    sha256_hex(d, h);
    CHECK_HEX(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void abc(void)
{
    char h[65];
    hex_of("abc", 3, h);
    CHECK_HEX(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void two_block_448_bit_message(void)
{
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    char h[65];
    CHECK(strlen(m) == 56, "message is %zu bytes", strlen(m));
    hex_of(m, strlen(m), h);
    CHECK_HEX(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void two_block_896_bit_message(void)
{
    const char *m = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                    "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    char h[65];
    hex_of(m, strlen(m), h);
    CHECK_HEX(h, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void one_million_a(void)
{
    char h[65];
    /* In one update ... */
    char *m = malloc(1000000);
    CHECK(m != NULL, "malloc failed");
    if (!m) return;
    memset(m, 'a', 1000000);
    hex_of(m, 1000000, h);
    CHECK_HEX(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(m);
    /* ... and in odd-sized pieces that straddle block boundaries. */
    struct sha256 s;
    uint8_t d[32];
    char piece[997];
    memset(piece, 'a', sizeof piece);
    sha256_init(&s);
    size_t left = 1000000;
    while (left > 0) {
        size_t n = left < sizeof piece ? left : sizeof piece;
        sha256_update(&s, piece, n);
        left -= n;
    }
    CHECK(s.len == 1000000, "len %llu", (unsigned long long)s.len);
    sha256_final(&s, d);
    sha256_hex(d, h);
    CHECK_HEX(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void padding_boundaries(void)
{
    static const struct { size_t n; const char *hex; } v[] = {
        {55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072"},
        {56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e"},
        {63, "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2"},
        {64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c"},
        {65, "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9"},
    };
    char m[65], h[65];
    memset(m, 'x', sizeof m);
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        hex_of(m, v[i].n, h);
        CHECK(strcmp(h, v[i].hex) == 0, "%zu x's: got %s, want %s", v[i].n, h, v[i].hex);
    }
}

static void split_update_matches_one_shot(void)
{
    uint8_t m[200];
    for (int i = 0; i < 200; i++) m[i] = (uint8_t)(i * 7 + 3);
    char one[65], h[65];
    hex_of(m, sizeof m, one);
    CHECK_HEX(one, "2c7e18c942ef065b526a2d4e5546283749cd3ddfb51d8fc71f42717363685f46");
    /* Two pieces, split at every point 0..200. */
    for (size_t k = 0; k <= sizeof m; k++) {
        struct sha256 s;
        uint8_t d[32];
        sha256_init(&s);
        sha256_update(&s, m, k);
        sha256_update(&s, m + k, sizeof m - k);
        sha256_final(&s, d);
        sha256_hex(d, h);
        CHECK(strcmp(h, one) == 0, "split at %zu: got %s, want %s", k, h, one);
    }
    /* Three pieces, every pair of split points. */
    for (size_t a = 0; a <= sizeof m; a++)
        for (size_t b = a; b <= sizeof m; b++) {
            struct sha256 s;
            uint8_t d[32];
            sha256_init(&s);
            sha256_update(&s, m, a);
            sha256_update(&s, m + a, b - a);
            sha256_update(&s, m + b, sizeof m - b);
            sha256_final(&s, d);
            sha256_hex(d, h);
            if (strcmp(h, one) != 0) {
                CHECK(0, "split at %zu and %zu: got %s, want %s", a, b, h, one);
                return;
            }
        }
    /* One byte at a time. */
    struct sha256 s;
    uint8_t d[32];
    sha256_init(&s);
    for (size_t i = 0; i < sizeof m; i++) sha256_update(&s, m + i, 1);
    sha256_final(&s, d);
    sha256_hex(d, h);
    CHECK_HEX(h, one);
}

static void reinit_after_final(void)
{
    struct sha256 s;
    uint8_t d[32];
    char h[65];
    sha256_init(&s);
    sha256_update(&s, "something else", 14);
    sha256_final(&s, d);
    sha256_init(&s);
    sha256_update(&s, "abc", 3);
    sha256_final(&s, d);
    sha256_hex(d, h);
    CHECK_HEX(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

int main(void)
{
    RUN(empty_message);
    RUN(abc);
    RUN(two_block_448_bit_message);
    RUN(two_block_896_bit_message);
    RUN(one_million_a);
    RUN(padding_boundaries);
    RUN(split_update_matches_one_shot);
    RUN(reinit_after_final);
    CHECK_DONE();
}
