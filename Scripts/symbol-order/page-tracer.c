// Loaded with LD_PRELOAD into a Charter server: makes the executable's code inaccessible, then
// logs the address of each first touch of each 4 KB page and gives the page back.
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static uintptr_t text_start, text_end;
static int out = -1;

static void on_fault(int sig, siginfo_t *info, void *context) {
    uintptr_t address = (uintptr_t)info->si_addr;
    if (address < text_start || address >= text_end) {
        signal(sig, SIG_DFL);
        return;
    }
    char line[24];
    int n = 0;
    for (int shift = 60; shift >= 0; shift -= 4) line[n++] = "0123456789abcdef"[(address >> shift) & 15];
    line[n++] = '\n';
    (void)!write(out, line, n);
    mprotect((void *)(address & ~(uintptr_t)4095), 4096, PROT_READ | PROT_EXEC);
}

__attribute__((constructor)) static void start(void) {
    const char *path = getenv("CHARTER_PAGE_TRACE");
    if (!path) return;
    char exe[4096];
    ssize_t length = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (length <= 0) return;
    exe[length] = 0;
    FILE *maps = fopen("/proc/self/maps", "r");
    char line[8192];
    unsigned long offset = 0;
    while (maps && fgets(line, sizeof line, maps)) {
        unsigned long start, end;
        char permissions[8], file[4096] = "";
        if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %4095s", &start, &end, permissions, &offset, file) >= 4 &&
            permissions[2] == 'x' && strcmp(file, exe) == 0) {
            text_start = start;
            text_end = end;
            break;
        }
    }
    if (maps) fclose(maps);
    if (!text_start) return;
    out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
    char header[64];
    snprintf(header, sizeof header, "base %lx %lx\n", (unsigned long)text_start, offset);
    (void)!write(out, header, strlen(header));
    struct sigaction action = {0};
    action.sa_sigaction = on_fault;
    action.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &action, NULL);
    mprotect((void *)text_start, text_end - text_start, PROT_NONE);
}
