/* The flowtag decoder's fuzz target, shared by the libFuzzer binary and the
 * corpus replay that make check runs. */
#ifndef VNFO_FUZZ_FLOWTAG_H
#define VNFO_FUZZ_FLOWTAG_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
