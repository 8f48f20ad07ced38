/* bench/kernels/primes.c — the jobs/primes kernel (segmented odd-only sieve of Eratosthenes) in C, built
 * twice by the benchmark: natively with gcc -O2, and for wasm32-wasi with clang -O2 to run in Tabmesh's
 * worker runtime. stdin: "LO HI"; stdout: the count of primes p with LO <= p < HI. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEGMENT_ODDS (1u << 18)

static uint64_t isqrt_u64(uint64_t n) {
  uint64_t r = (uint64_t)sqrt((double)n);
  while (r * r > n) r--;
  while ((r + 1) * (r + 1) <= n) r++;
  return r;
}

static uint64_t count_primes(uint64_t lo, uint64_t hi) {
  uint64_t count = 0;
  if (lo <= 2 && hi > 2) count++;
  uint64_t start = lo < 3 ? 3 : lo;
  if ((start & 1) == 0) start++;
  if (start >= hi) return count;
  uint64_t limit = isqrt_u64(hi - 1);
  uint32_t *base = malloc(sizeof(uint32_t) * (limit / 2 + 2));
  size_t nbase = 0;
  if (limit >= 3) {
    size_t size = (limit - 1) / 2;
    uint8_t *composite = calloc(size + 1, 1);
    for (size_t i = 1; i <= size; i++) {
      if (composite[i]) continue;
      uint64_t p = 2 * i + 1;
      base[nbase++] = (uint32_t)p;
      for (uint64_t m = (p * p - 1) / 2; m <= size; m += p) composite[m] = 1;
    }
    free(composite);
  }
  uint8_t *segment = malloc(SEGMENT_ODDS);
  for (uint64_t s = start; s < hi; s += 2 * (uint64_t)SEGMENT_ODDS) {
    uint64_t e = s + 2 * (uint64_t)SEGMENT_ODDS;
    if (e > hi) e = hi;
    uint64_t n = (e - s + 1) / 2;
    memset(segment, 0, n);
    for (size_t k = 0; k < nbase; k++) {
      uint64_t p = base[k];
      if (p * p >= e) break;
      uint64_t m = p * p;
      if (m < s) {
        m = ((s + p - 1) / p) * p;
        if ((m & 1) == 0) m += p;
      }
      for (uint64_t j = (m - s) / 2; j < n; j += p) segment[j] = 1;
    }
    for (uint64_t j = 0; j < n; j++) if (!segment[j]) count++;
  }
  free(segment);
  free(base);
  return count;
}

int main(void) {
  unsigned long long lo, hi;
  if (scanf("%llu %llu", &lo, &hi) != 2 || lo >= hi) {
    fprintf(stderr, "primes: expected 'LO HI' with LO < HI\n");
    return 2;
  }
  printf("%llu\n", (unsigned long long)count_primes(lo, hi));
  return 0;
}
