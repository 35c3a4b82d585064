#ifndef KVPLAN_CSHA256_H
#define KVPLAN_CSHA256_H

#include <stddef.h>
#include <stdint.h>

/// Whether this CPU has the SHA extensions (x86-64 SHA-NI with SSSE3 and SSE4.1).
int kvplan_sha256_hardware_available(void);

/// FIPS 180-4 §6.2.2 on `blocks` consecutive 64-byte blocks with the CPU's SHA instructions,
/// updating `state` (H0…H7). Call only when `kvplan_sha256_hardware_available()` is 1.
void kvplan_sha256_hardware_blocks(uint32_t state[8], const uint8_t *data, size_t blocks);

#endif
