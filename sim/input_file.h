/* Opening a file the run reads (a config and what it includes, a sweep file, a
 * dataset, a checkpoint). Only a regular file, or a symlink to one, is read: a FIFO
 * would block the run forever waiting for a writer, a device such as /dev/zero never
 * ends, and a directory is no input. Each reader bounds what it reads by what its
 * format allows (yaml_tree.h, idx.h, checkpoint.h). */
#ifndef INPUT_FILE_H
#define INPUT_FILE_H
#include <stddef.h>
#include <sys/stat.h>

/* A read-only descriptor of `path` (blocking, close-on-exec), or -1: with *kind set
 * to what the path is instead ("fifo", "character device", "directory", ...) when
 * it is not a regular file, else NULL and errno saying why it did not open. *st
 * (when given) gets the open file's status: its size, device and inode. */
int input_open(const char *path, const char **kind, struct stat *st);

/* Reads up to `max` bytes of fd into a new NUL-terminated buffer (*buf, *len):
 * 0; 1 when the file holds more than max bytes (*buf then holds the first max);
 * -1 on a read error (errno) or out of memory. */
int input_read_max(int fd, size_t max, char **buf, size_t *len);
#endif
