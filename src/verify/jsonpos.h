/* Positions of values inside JSON text, for error messages that name
 * file:line:column.  jansson reports positions of syntax errors only; the
 * semantic checks of the bill find the place of a value again with this
 * small scanner over the (already validated) text. */
#ifndef VNFO_VERIFY_JSONPOS_H
#define VNFO_VERIFY_JSONPOS_H

#include <stddef.h>

/* One step of a JSON path: an object member (key != NULL) or an array
 * element (key == NULL, index). */
struct jsonpos_step {
    const char *key;
    size_t index;
};

/* Finds the value at path[0..depth) in text.  On success sets *line and
 * *col (1-based) to the value's first byte, or to its member key when
 * want_key is set and the last step is a member, and returns 1; returns 0
 * when the path is not there (then *line = *col = 0). */
int vnfo__json_locate(const char *text, size_t len, const struct jsonpos_step *path, size_t depth,
                      int want_key, int *line, int *col);

#endif
