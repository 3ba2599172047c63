/* conductorfile.h - reading a Conductorfile: its instructions, and the steps that only change
 * the image's record (ENV, WORKDIR, CMD).  Pure text work, no state touched: what the fuzzer
 * (task3/fuzz/) drives with arbitrary bytes. */
#ifndef CONDUCTORFILE_H
#define CONDUCTORFILE_H

#include "conductor.h"

#define MAX_INSTRUCTIONS 256
/* A Conductorfile larger than this is refused before it is parsed (/dev/zero, a log file). */
#define CONDUCTORFILE_MAX (1 << 20)

struct instruction {
    int line;
    char keyword[16]; /* upper case */
    char *args;       /* the rest of the line, trimmed */
};

struct conductorfile {
    const char *path;
    char context[PATH_MAX];
    int count;
    struct instruction ins[MAX_INSTRUCTIONS];
    char *text;
    size_t length; /* bytes of TEXT (more than strlen if the file holds a NUL) */
};

/* Read cf->path (at most CONDUCTORFILE_MAX bytes, no NUL) and parse it.  -1 after a message. */
int conductorfile_read(struct conductorfile *cf);
/* Parse cf->text (cf->length bytes, NUL-terminated) into cf->ins.  -1 after a message. */
int conductorfile_parse(struct conductorfile *cf);
/* Split ARGS into words at blanks, in place (no quoting). */
int split_words(char *args, char **words, int max);
/* ENV, WORKDIR and CMD: change IMG's record.  -1 after a message. */
int conductorfile_env(const struct conductorfile *cf, const struct instruction *in, struct image *img);
int conductorfile_workdir(const struct conductorfile *cf, const struct instruction *in,
                          struct image *img);
int conductorfile_cmd(const struct conductorfile *cf, const struct instruction *in, struct image *img);

#endif
