/*
 * sha256.c — the Asyncify-tax benchmark: SHA-256 over 64 MiB, a CPU kernel
 * with no suspend point of its own. build.sh builds it three ways:
 *   sha256.mjs            weft-cc: hashed by main() -- coroutine #1 -- which
 *                         yields to the scheduler after every 1 MiB
 *   sha256-noasyncify.mjs the same program and runtime, linked without the
 *                         Asyncify pass (it runs as long as nothing yields)
 *   sha256-plain.mjs      -DSHA_PLAIN: the kernel alone, plain emcc, no weft
 * Usage: main [yield|noyield] [MiB] [rounds]. The last round is the one
 * bench/harness.mjs measures (bench.h); the earlier ones let the engine
 * tier the kernel up. Prints one line:
 *   sha256 mib=64 best_ms=... mb_per_s=... digest=<hex>
 */
#include <stdint.h>
#include <string.h>
#include <emscripten.h>
#include "bench.h"
#ifndef SHA_PLAIN
#include "weft.h"
#endif

/* ---- the kernel (FIPS 180-4) ---------------------------------------------- */
typedef struct {
  uint32_t h[8];
  uint64_t length;
  uint8_t block[64];
  uint32_t fill;
} sha256;

static const uint32_t K[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void compress(uint32_t h[8], const uint8_t *p) {
  uint32_t w[64];
  for (int i = 0; i < 16; i++)
    w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
  for (int i = 0; i < 64; i++) {
    uint32_t t1 = k + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
    uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    k = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += k;
}

static void sha256_init(sha256 *s) {
  static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  memcpy(s->h, iv, sizeof iv);
  s->length = 0;
  s->fill = 0;
}

static void sha256_update(sha256 *s, const uint8_t *p, size_t n) {
  s->length += n;
  while (n) {
    if (s->fill == 0 && n >= 64) {
      compress(s->h, p);
      p += 64, n -= 64;
      continue;
    }
    uint32_t take = 64 - s->fill < n ? 64 - s->fill : (uint32_t)n;
    memcpy(s->block + s->fill, p, take);
    s->fill += take, p += take, n -= take;
    if (s->fill == 64) compress(s->h, s->block), s->fill = 0;
  }
}

static void sha256_final(sha256 *s, uint8_t out[32]) {
  uint64_t bits = s->length * 8;
  uint8_t pad[72] = {0x80};
  size_t padlen = (s->fill < 56 ? 56 : 120) - s->fill;
  for (int i = 0; i < 8; i++) pad[padlen + i] = (uint8_t)(bits >> (56 - 8 * i));
  sha256_update(s, pad, padlen + 8);
  for (int i = 0; i < 32; i++) out[i] = (uint8_t)(s->h[i / 4] >> (24 - 8 * (i % 4)));
}

/* ---- the driver ------------------------------------------------------------ */
#define CHUNK (1u << 20)

static struct {
  uint8_t *data;
  size_t size;
  int yield;
  uint8_t digest[32];
} job;

/* Hash the buffer in 1 MiB steps; a weft build may yield between steps,
 * which is how a long computation shares a page with everything else. */
static void *hasher(void *unused) {
  sha256 s;
  sha256_init(&s);
  for (size_t at = 0; at < job.size; at += CHUNK) {
    sha256_update(&s, job.data + at, job.size - at < CHUNK ? job.size - at : CHUNK);
#ifndef SHA_PLAIN
    if (job.yield) weft_yield();
#endif
  }
  sha256_final(&s, job.digest);
  return NULL;
}

int main(int argc, char **argv) {
  job.yield = argc > 1 && !strcmp(argv[1], "yield");
  size_t mib = argc > 2 ? (size_t)atoi(argv[2]) : 64;
  int rounds = argc > 3 ? atoi(argv[3]) : 3;
  job.size = mib << 20;
  job.data = malloc(job.size);
  if (!job.data) return 1;
  uint32_t x = 2463534242u; /* xorshift32: the runner regenerates it to check the digest */
  for (size_t i = 0; i < job.size; i++) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    job.data[i] = (uint8_t)x;
  }
  double best = 1e300;
  for (int r = 0; r < rounds; r++) {
    if (r == rounds - 1) bench_begin();
    double t0 = emscripten_get_now();
    hasher(NULL); /* in a weft build, main() is coroutine #1 */
    double ms = emscripten_get_now() - t0;
    if (r == rounds - 1) bench_end();
    if (ms < best) best = ms;
  }
  char hex[65];
  for (int i = 0; i < 32; i++) sprintf(hex + 2 * i, "%02x", job.digest[i]);
  printf("sha256 mib=%zu best_ms=%.2f mb_per_s=%.1f digest=%s\n", mib, best, (double)job.size / 1048576.0 / (best / 1000.0), hex);
  free(job.data);
  return 0;
}
