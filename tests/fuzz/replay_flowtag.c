/* Replays every file of tests/corpus/flowtag through the decoder's fuzz
 * target (make check; a crash or abort fails the test). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_flowtag.h"

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    static uint8_t buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    int more = fgetc(f) != EOF;
    fclose(f);
    if (more) {
        fprintf(stderr, "%s: larger than %zu bytes, not replayed\n", path, sizeof buf);
        return -1;
    }
    LLVMFuzzerTestOneInput(buf, n);
    return 0;
}

int main(int argc, char **argv)
{
    const char *top = getenv("top_srcdir");
    char dir[4096];
    if (argc > 1)
        snprintf(dir, sizeof dir, "%s", argv[1]);
    else
        snprintf(dir, sizeof dir, "%s/tests/corpus/flowtag", top ? top : ".");
    DIR *d = opendir(dir);
    if (!d) {
        perror(dir);
        return 1;
    }
    int count = 0, failed = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        failed |= replay_file(path) != 0;
        count++;
    }
    closedir(d);
    printf("replayed %d inputs from %s\n", count, dir);
    return failed || count == 0;
}
