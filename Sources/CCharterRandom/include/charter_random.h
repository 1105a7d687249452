// Random bytes from the operating system in one call for any length up to 256 bytes: the standard
// library's generator (and swift-crypto's keys, built on it) ask the kernel once per 8 bytes.

#ifndef CHARTER_RANDOM_H
#define CHARTER_RANDOM_H

#include <stddef.h>

/// Fills `buffer` with `count` bytes from the kernel's generator; 0 on success, -1 otherwise.
int charter_random_fill(void *buffer, size_t count);

#endif
