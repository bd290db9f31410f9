/* The floor for bars (b) and (c): lists a directory, sorts the names, reads every file whole. */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
static int cmp(const void *a, const void *b) { return strcmp(*(char **)a, *(char **)b); }
int main(int argc, char **argv) {
    if (argc != 2 || chdir(argv[1])) return 2;
    DIR *d = opendir("."); if (!d) return 2;
    char **names = NULL; size_t n = 0, cap = 0; struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        if (n == cap) names = realloc(names, (cap = cap ? cap * 2 : 1024) * sizeof *names);
        names[n++] = strdup(e->d_name);
    }
    qsort(names, n, sizeof *names, cmp);
    char buf[65536]; long total = 0;
    for (size_t i = 0; i < n; i++) {
        int fd = open(names[i], O_RDONLY); if (fd < 0) return 1;
        ssize_t r; while ((r = read(fd, buf, sizeof buf)) > 0) total += r;
        close(fd);
    }
    return total > 0 ? 0 : 1;
}
