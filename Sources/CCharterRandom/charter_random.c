// The functions are declared and documented in include/charter_random.h.

#include "charter_random.h"

#if defined(__linux__)
#include <errno.h>
#include <sys/random.h>

int charter_random_fill(void *buffer, size_t count) {
    unsigned char *out = buffer;
    while (count > 0) {
        // Never short for 256 bytes or less once the kernel's pool is ready; loop all the same.
        ssize_t got = getrandom(out, count, 0);
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        out += got;
        count -= (size_t)got;
    }
    return 0;
}
#else
#include <stdlib.h>

int charter_random_fill(void *buffer, size_t count) {
    arc4random_buf(buffer, count);
    return 0;
}
#endif
