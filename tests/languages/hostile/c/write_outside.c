/* stdin: a host file's path. Try to change it and to leave a marker file in every folder that
   is not the run's own; print each folder where a write succeeded. */
#include <stdio.h>
#include <string.h>
static void try_write(const char *path, const char *label) {
  FILE *f = fopen(path, "a");
  if (!f) return;
  fputs("ADVMARK\n", f);
  fclose(f);
  printf("WROTE %s\n", label);
}
int main(void) {
  char victim[4096], dir[4096], path[8192];
  if (!fgets(victim, sizeof victim, stdin)) return 1;
  victim[strcspn(victim, "\n")] = 0;
  try_write(victim, victim);
  strcpy(dir, victim);
  *strrchr(dir, '/') = 0;
  const char *dirs[] = {dir, "/", "/etc", "/usr/bin", "/usr/lib", "/root", "/home", "..",
                        "/proc/1/root", "/tmp"};
  for (size_t i = 0; i < sizeof dirs / sizeof *dirs; ++i) {
    snprintf(path, sizeof path, "%s/ADVMARK-write-c", dirs[i]);
    try_write(path, dirs[i]);
  }
  return 0;
}
