/* Where the files a workload reads are: a name as written in a config file (or on
 * the command line) turned into a path to open (see path.c for the rule). */
#ifndef PATH_H
#define PATH_H
#include <stddef.h>

/* The file `name` as named in the config file `from`, or on the command line when
 * from is NULL. Returns 0, or -1 when the result does not fit in n bytes. */
int path_resolve(const char *from, const char *name, char *out, size_t n);

/* For a path inside the directory tools/get-datasets fills ($SSNNSIM_DATA when it is
 * set, else ROOT/data/ of a checkout), the part after that directory
 * ("mnist/train-images-idx3-ubyte"); NULL for a path anywhere else. */
const char *path_in_data_dir(const char *path);
#endif
