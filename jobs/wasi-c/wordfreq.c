/* jobs/wasi-c — an ordinary C program (stdio, malloc, qsort, printf with floats) built for wasm32-wasi
 * by clang. It reads text on stdin and prints the 10 most frequent words with their share.
 * Nothing in it knows about Tabmesh: it shows that an unmodified WASI command runs as a job. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry { char *word; unsigned long count; };

static struct entry *table;
static size_t capacity = 1024, used;

static unsigned long hash(const char *s) {
  unsigned long h = 5381;
  while (*s) h = h * 33 + (unsigned char)*s++;
  return h;
}

static void grow(void);

static void add(const char *word) {
  if (used * 2 >= capacity) grow();
  size_t i = hash(word) & (capacity - 1);
  while (table[i].word) {
    if (strcmp(table[i].word, word) == 0) { table[i].count++; return; }
    i = (i + 1) & (capacity - 1);
  }
  table[i].word = strdup(word);
  table[i].count = 1;
  used++;
}

static void grow(void) {
  struct entry *old = table;
  size_t old_capacity = capacity;
  capacity *= 2;
  table = calloc(capacity, sizeof *table);
  if (!table) { fprintf(stderr, "wordfreq: out of memory\n"); exit(3); }
  used = 0;
  for (size_t i = 0; i < old_capacity; i++) {
    if (!old[i].word) continue;
    size_t j = hash(old[i].word) & (capacity - 1);
    while (table[j].word) j = (j + 1) & (capacity - 1);
    table[j] = old[i];
    used++;
  }
  free(old);
}

static int by_count(const void *a, const void *b) {
  const struct entry *x = a, *y = b;
  if (x->count != y->count) return x->count < y->count ? 1 : -1;
  return strcmp(x->word, y->word);
}

int main(void) {
  table = calloc(capacity, sizeof *table);
  char word[256];
  size_t len = 0;
  unsigned long total = 0;
  int c;
  while ((c = getchar()) != EOF) {
    if (isalnum(c) && len < sizeof word - 1) {
      word[len++] = (char)tolower(c);
    } else if (len > 0) {
      word[len] = 0; add(word); total++; len = 0;
    }
  }
  if (len > 0) { word[len] = 0; add(word); total++; }
  if (total == 0) { fprintf(stderr, "wordfreq: no words on stdin\n"); return 1; }
  struct entry *list = malloc(used * sizeof *list);
  size_t n = 0;
  for (size_t i = 0; i < capacity; i++) if (table[i].word) list[n++] = table[i];
  qsort(list, n, sizeof *list, by_count);
  printf("%lu words, %zu distinct\n", total, n);
  for (size_t i = 0; i < n && i < 10; i++)
    printf("%-16s %6lu %6.2f%%\n", list[i].word, list[i].count, 100.0 * list[i].count / total);
  return 0;
}
