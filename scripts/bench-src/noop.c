/* A no-op CNI plugin: reads its config, answers ADD with a minimal result, VERSION with its versions. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main(void) {
    char buf[65536];
    while (read(0, buf, sizeof buf) > 0) {}
    const char *c = getenv("CNI_COMMAND"), *out = "";
    if (c && !strcmp(c, "ADD")) out = "{\"cniVersion\":\"1.0.0\",\"interfaces\":[],\"ips\":[]}\n";
    else if (c && !strcmp(c, "VERSION")) out = "{\"cniVersion\":\"1.0.0\",\"supportedVersions\":[\"0.4.0\",\"1.0.0\"]}\n";
    if (*out && write(1, out, strlen(out)) < 0) return 1;
    return 0;
}
