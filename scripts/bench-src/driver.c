/* The floor for bar (a): spawns the plugins named on the command line, one after the other,
 * each with the config file on its stdin through a pipe and CNI_COMMAND=argv[1], and reads
 * its output. Usage: driver [-e] ADD|DEL CONFIG PLUGIN...
 * The plugins get the five CNI variables only; with -e, the driver's own environment too (its
 * CNI_* variables replaced), as libcni and cnictl give it, for the bench's informational case. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
extern char **environ;
int main(int argc, char **argv) {
    int inherit = argc > 1 && !strcmp(argv[1], "-e");
    if (inherit) { argv++; argc--; }
    if (argc < 4) return 2;
    char conf[65536]; int fd = open(argv[2], O_RDONLY); ssize_t n = read(fd, conf, sizeof conf); close(fd);
    if (n < 0) return 2;
    char cmd[64]; snprintf(cmd, sizeof cmd, "CNI_COMMAND=%s", argv[1]);
    char *cni[] = { cmd, "CNI_CONTAINERID=bench", "CNI_NETNS=/var/run/netns/x", "CNI_IFNAME=eth0", "CNI_PATH=/nonexistent" };
    int ne = 0; for (char **e = environ; inherit && *e; e++) ne++;
    char **env = calloc(ne + 6, sizeof *env); if (!env) return 2;
    int k = 0;
    for (char **e = environ; inherit && *e; e++) if (strncmp(*e, "CNI_", 4)) env[k++] = *e;
    for (int i = 0; i < 5; i++) env[k++] = cni[i];
    for (int i = 3; i < argc; i++) {
        int in[2], out[2]; if (pipe(in) || pipe(out)) return 2;
        posix_spawn_file_actions_t fa; posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, in[0], 0); posix_spawn_file_actions_adddup2(&fa, out[1], 1);
        posix_spawn_file_actions_addclose(&fa, in[1]); posix_spawn_file_actions_addclose(&fa, out[0]);
        pid_t pid; char *av[] = { argv[i], NULL };
        if (posix_spawn(&pid, argv[i], &fa, NULL, av, env)) return 2;
        close(in[0]); close(out[1]);
        if (write(in[1], conf, n) != n) return 2;
        close(in[1]);
        char buf[65536]; while (read(out[0], buf, sizeof buf) > 0) {}
        close(out[0]);
        int st; if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) return 1;
        posix_spawn_file_actions_destroy(&fa);
    }
    return 0;
}
