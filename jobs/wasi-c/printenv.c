/* jobs/wasi-c/printenv — prints its arguments, then its environment, then what came on stdin, one
 * item a line ("arg <i> <value>", "env <NAME=value>", "stdin <bytes>"): a job that shows what each
 * task was given (per-task args and env, `tabmesh submit --tasks`). */
#include <stdio.h>

extern char **environ;

int main(int argc, char **argv) {
  for (int i = 0; i < argc; i++) printf("arg %d %s\n", i, argv[i]);
  for (char **e = environ; *e != NULL; e++) printf("env %s\n", *e);
  char buf[4096];
  size_t n = fread(buf, 1, sizeof buf, stdin);
  printf("stdin %.*s\n", (int)n, buf);
  return 0;
}
