/* Replays a fuzz corpus through a harness without libFuzzer, so every build
 * (gcc included) runs it under make check.  The corpus is
 * $top_srcdir/tests/corpus/<FUZZ_CORPUS>/; each file is one input.  A broken
 * invariant aborts (test failure); a missing or empty corpus fails too. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 0;
    }
    static uint8_t buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    LLVMFuzzerTestOneInput(buf, n);
    return 1;
}

int main(int argc, char **argv)
{
    const char *top = getenv("top_srcdir");
    char dir[4096];
    if (argc > 1)
        snprintf(dir, sizeof dir, "%s", argv[1]);
    else
        snprintf(dir, sizeof dir, "%s/tests/corpus/%s", top ? top : ".", FUZZ_CORPUS);
    DIR *d = opendir(dir);
    if (!d) {
        perror(dir);
        return EXIT_FAILURE;
    }
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        count += replay_file(path);
    }
    closedir(d);
    printf("%s: replayed %d inputs\n", dir, count);
    return count > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
