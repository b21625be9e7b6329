/* An output file, made ready before a run starts: a training run of hours must not
 * end on "cannot create". Its directory is created when missing (as mkdir -p does),
 * and a new file must be creatable there, because results and checkpoints are
 * written to a temporary file beside it and renamed into place. An existing
 * directory or non-regular file (a device such as /dev/full, a FIFO, a socket) is
 * refused: the rename would replace it, and the files written directly (FILE.gtkw,
 * the energy table) would write into it. */
#ifndef OUTPUT_PATH_H
#define OUTPUT_PATH_H
#include <stddef.h>

/* 0, or -1 with why in err, worded to follow the path ("is a directory",
 * "results is not a directory", "cannot create a file in /proc: ..."). */
int output_path_prepare(const char *path, char *err, size_t errlen);

/* PATH with its suffix `ext` (".csv") replaced by `with` (".png"), or `with`
 * appended when PATH does not end in `ext`: the files written beside an output. */
const char *output_path_beside(const char *path, const char *ext, const char *with, char *buf, size_t n);
#endif
