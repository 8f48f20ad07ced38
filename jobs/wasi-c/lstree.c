/* jobs/wasi-c/lstree — lists the directory tree under argv[1] (default "/") with each entry's inode
 * number, size and modification time, then appends a line to argv[1]/log.txt and prints that
 * file: a job that shows what a mounted tree looks like from inside a task (deterministic inode
 * numbers and times; a task's writes stay in its own copy). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *dir, int depth) {
  DIR *d = opendir(dir);
  if (d == NULL) { printf("cannot open %s\n", dir); return; }
  char *names[256]; int n = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL && n < 256;) {
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof names[0], by_name);
  for (int i = 0; i < n; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, names[i]);
    struct stat st;
    if (stat(path, &st) != 0) { printf("cannot stat %s\n", path); continue; }
    printf("%*s%s ino=%llu size=%lld mtime=%lld%s\n", depth * 2, "", names[i], (unsigned long long)st.st_ino,
           (long long)st.st_size, (long long)st.st_mtim.tv_sec, S_ISDIR(st.st_mode) ? "/" : "");
    if (S_ISDIR(st.st_mode)) list(path, depth + 1);
    free(names[i]);
  }
}

int main(int argc, char **argv) {
  const char *root = argc > 1 ? argv[1] : "/";
  list(root, 0);
  char log[1024];
  snprintf(log, sizeof log, "%s/log.txt", strcmp(root, "/") == 0 ? "" : root);
  FILE *f = fopen(log, "a");
  if (f == NULL) { printf("cannot append to %s\n", log); return 1; }
  fputs("appended by this task\n", f);
  fclose(f);
  f = fopen(log, "r");
  char buf[4096];
  size_t got = fread(buf, 1, sizeof buf, f);
  fclose(f);
  printf("log.txt: %.*s", (int)got, buf);
  return 0;
}
