#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
int chmod(const char *path, mode_t mode) { (void)mode; struct stat st; return stat(path, &st); }
char *realpath(const char *restrict path, char *restrict resolved) {
  char buf[PATH_MAX]; size_t n = 0;
  if (path == NULL) { errno = EINVAL; return NULL; }
  if (path[0] != '/') { if (getcwd(buf, sizeof buf) == NULL) return NULL; n = strlen(buf); if (n == 1) n = 0; }
  const char *p = path;
  while (*p) {
    while (*p == '/') p++;
    const char *s = p; while (*p && *p != '/') p++;
    size_t len = (size_t)(p - s);
    if (len == 0 || (len == 1 && s[0] == '.')) continue;
    if (len == 2 && s[0] == '.' && s[1] == '.') { while (n > 0 && buf[--n] != '/') {} continue; }
    if (n + 1 + len >= sizeof buf) { errno = ENAMETOOLONG; return NULL; }
    buf[n++] = '/'; memcpy(buf + n, s, len); n += len;
  }
  if (n == 0) buf[n++] = '/';
  buf[n] = 0;
  struct stat st; if (stat(buf, &st) != 0) return NULL;
  if (resolved == NULL) return strdup(buf);
  memcpy(resolved, buf, n + 1); return resolved;
}
