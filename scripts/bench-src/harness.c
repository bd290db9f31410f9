/* Paired timing harness for scripts/bench: runs case A and case B alternately, run by run,
 * each case a sequence of commands (one per line of its file, words split on spaces,
 * leading NAME=VALUE words set in the environment), and prints medians and ratios.
 * Options before the files: -r ROUNDS, -w WARMUP, -n NETNS (setns into it first),
 * -t DIR (a private mount namespace with a tmpfs on DIR first). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <spawn.h>

extern char **environ;
struct cmd { char **argv; char **envp; };
struct cas { struct cmd *c; int n; const char *file; };

static void die(const char *m) { perror(m); exit(2); }

static struct cas load(const char *file) {
    struct cas k = { 0, 0, file };
    FILE *f = fopen(file, "r");
    if (!f) die(file);
    char *line = NULL; size_t cap = 0; ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0) {
        if (line[len - 1] == '\n') line[--len] = 0;
        if (!len || line[0] == '#') continue;
        int ne = 0; for (char **e = environ; *e; e++) ne++;
        char **argv = calloc(len + 2, sizeof *argv), **envp = calloc(ne + len + 2, sizeof *envp);
        int na = 0, nenv = 0;
        for (char *w = strtok(strdup(line), " "); w; w = strtok(NULL, " ")) {
            if (!na && strchr(w, '=') && w[0] != '/') envp[nenv++] = w; else argv[na++] = w;
        }
        for (char **e = environ; *e; e++) envp[nenv++] = *e;
        k.c = realloc(k.c, (k.n + 1) * sizeof *k.c);
        k.c[k.n++] = (struct cmd){ argv, envp };
    }
    fclose(f);
    if (!k.n) { fprintf(stderr, "harness: %s has no command\n", file); exit(2); }
    return k;
}

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

/* Runs the case once: wall seconds, peak RSS (KiB) of its largest process in *rss. */
static double run(struct cas *k, long *rss) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    *rss = 0;
    double t0 = now();
    for (int i = 0; i < k->n; i++) {
        pid_t pid; int st; struct rusage ru;
        int e = posix_spawn(&pid, k->c[i].argv[0], &fa, NULL, k->c[i].argv, k->c[i].envp);
        if (e) { errno = e; die(k->c[i].argv[0]); }
        if (wait4(pid, &st, 0, &ru) < 0) die("wait4");
        if (!WIFEXITED(st) || WEXITSTATUS(st)) {
            fprintf(stderr, "harness: command %d of %s failed (status %d):", i + 1, k->file, st);
            for (char **a = k->c[i].argv; *a; a++) fprintf(stderr, " %s", *a);
            fputc('\n', stderr);
            exit(1);
        }
        if (ru.ru_maxrss > *rss) *rss = ru.ru_maxrss;
    }
    double t = now() - t0;
    posix_spawn_file_actions_destroy(&fa);
    return t;
}

static int cmpd(const void *a, const void *b) { double x = *(double *)a, y = *(double *)b; return (x > y) - (x < y); }
static double median(double *v, int n) { qsort(v, n, sizeof *v, cmpd); return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2; }

int main(int argc, char **argv) {
    int rounds = 20, warm = 3, o;
    while ((o = getopt(argc, argv, "r:w:n:t:")) != -1) {
        if (o == 'r') rounds = atoi(optarg);
        else if (o == 'w') warm = atoi(optarg);
        else if (o == 'n') { int fd = open(optarg, O_RDONLY | O_CLOEXEC); if (fd < 0 || setns(fd, CLONE_NEWNET)) die(optarg); close(fd); }
        else if (o == 't') {
            if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) die("unshare");
            if (mount("bench", optarg, "tmpfs", 0, "size=256m")) die(optarg);
        } else exit(2);
    }
    if (argc - optind != 2) { fprintf(stderr, "usage: harness [-r N] [-w N] [-n NETNS] [-t DIR] CASE_A CASE_B\n"); return 2; }
    struct cas a = load(argv[optind]), b = load(argv[optind + 1]);
    long ra, rb, ma = 0, mb = 0;
    for (int i = 0; i < warm; i++) { run(&a, &ra); run(&b, &rb); }
    double *ta = calloc(rounds, sizeof(double)), *tb = calloc(rounds, sizeof(double)), *q = calloc(rounds, sizeof(double));
    for (int i = 0; i < rounds; i++) {
        /* Alternate which case goes first, so neither always runs on a warmer cache. */
        if (i % 2) { tb[i] = run(&b, &rb); ta[i] = run(&a, &ra); }
        else { ta[i] = run(&a, &ra); tb[i] = run(&b, &rb); }
        q[i] = ta[i] / tb[i];
        if (ra > ma) ma = ra;
        if (rb > mb) mb = rb;
    }
    double mq = median(q, rounds), xa = median(ta, rounds), xb = median(tb, rounds);
    printf("A %.3f ms  B %.3f ms  ratio of medians %.3f  median ratio %.3f  peak RSS A %.1f MiB B %.1f MiB  (%d rounds)\n",
           xa * 1e3, xb * 1e3, xa / xb, mq, ma / 1024.0, mb / 1024.0, rounds);
    return 0;
}
