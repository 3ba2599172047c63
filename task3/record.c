/* record.c - state files are plain "key=value" lines (readable with cat, easy to check). */
#include "conductor.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int record_load(struct record *rec, const char *path)
{
    memset(rec, 0, sizeof(*rec));
    rec->text = read_file(path);
    if (!rec->text)
        return -1;
    char *save = NULL;
    for (char *line = strtok_r(rec->text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *eq = strchr(line, '=');
        if (!eq || rec->count == (int)(sizeof(rec->keys) / sizeof(rec->keys[0])))
            continue;
        *eq = '\0';
        rec->keys[rec->count] = line;
        rec->values[rec->count] = eq + 1;
        rec->count++;
    }
    return 0;
}

const char *record_get(const struct record *rec, const char *key)
{
    for (int i = 0; i < rec->count; i++)
        if (strcmp(rec->keys[i], key) == 0)
            return rec->values[i];
    return NULL;
}

void record_free(struct record *rec)
{
    free(rec->text);
    memset(rec, 0, sizeof(*rec));
}
