// Live logs and progress (worker-runtime/task-log.ts): does N steps of work (argv[1], default 5) of
// M million hash rounds each (argv[2], default 2), writing "step i of N" and a "#progress i/N" line
// to stderr after each, and the checksum to stdout.
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 5;
  long rounds = (argc > 2 ? atol(argv[2]) : 2) * 1000000L;
  unsigned long long x = 1469598103934665603ULL;
  for (int i = 1; i <= n; i++) {
    for (long k = 0; k < rounds; k++) x = (x ^ (unsigned long long)k) * 1099511628211ULL;
    fprintf(stderr, "step %d of %d\n", i, n);
    fprintf(stderr, "#progress %d/%d\n", i, n);
  }
  printf("%llx\n", x);
  return 0;
}
