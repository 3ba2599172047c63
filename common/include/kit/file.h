/* file.h - small file helpers. */
#ifndef KIT_FILE_H
#define KIT_FILE_H

/* Copy everything from IN to OUT (open file descriptors) until end of file, retrying reads
 * interrupted by a signal and finishing short writes.  0, or -1 with errno. */
int kit_copy_fd(int in, int out);

#endif
