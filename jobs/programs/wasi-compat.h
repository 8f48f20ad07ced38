#include <sys/types.h>
int chmod(const char *path, mode_t mode);
char *realpath(const char *restrict path, char *restrict resolved);
