/* conductorfile.c - a Conductorfile's text into instructions, and ENV, WORKDIR and CMD (the
 * instructions that make no layer).  Every message shows the file's text escaped and cut
 * short (printable): the file may hold anything. */
#include "conductorfile.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kit/err.h"

static const char *const keywords[] = {"FROM", "COPY", "RUN", "ENV", "WORKDIR", "CMD"};

/* Split ARGS into words at blanks (no quoting: COPY paths with spaces are not supported). */
int split_words(char *args, char **words, int max)
{
    int n = 0;
    for (char *w = strtok(args, " \t"); w && n < max; w = strtok(NULL, " \t"))
        words[n++] = w;
    return n;
}

int conductorfile_read(struct conductorfile *cf)
{
    cf->text = read_file_limited(cf->path, CONDUCTORFILE_MAX, &cf->length);
    if (!cf->text && errno == EFBIG)
        return kit_fail("%s: larger than %d bytes: not a Conductorfile", cf->path, CONDUCTORFILE_MAX);
    if (!cf->text)
        return kit_fail_errno("%s", cf->path);
    return conductorfile_parse(cf);
}

/* The text: '#' comments, blank lines, a trailing '\' continues a line. */
int conductorfile_parse(struct conductorfile *cf)
{
    const char *nul = memchr(cf->text, '\0', cf->length);
    if (nul) {
        int line = 1;
        for (const char *q = cf->text; q < nul; q++)
            line += *q == '\n';
        return kit_fail("%s:%d: a NUL byte: not a text file", cf->path, line);
    }
    char *p = cf->text;
    int lineno = 0;
    while (*p) {
        char *line = p;
        int first = ++lineno;
        /* Find the end of the logical line, joining continuations in place. */
        char *w = p;
        for (;;) {
            char *nl = strchr(p, '\n');
            char *end = nl ? nl : p + strlen(p);
            size_t len = (size_t)(end - p);
            memmove(w, p, len);
            w += len;
            p = nl ? nl + 1 : end;
            char *last = w;
            while (last > line && isspace((unsigned char)last[-1]))
                last--;
            if (last > line && last[-1] == '\\' && *p) {
                w = last - 1;
                *w++ = ' ';
                lineno++;
                continue;
            }
            break;
        }
        *w = '\0';
        while (isspace((unsigned char)*line))
            line++;
        char *end = line + strlen(line);
        while (end > line && isspace((unsigned char)end[-1]))
            *--end = '\0';
        if (*line == '\0' || *line == '#')
            continue;
        if (cf->count == MAX_INSTRUCTIONS)
            return kit_fail("%s:%d: more than %d instructions", cf->path, first, MAX_INSTRUCTIONS);
        struct instruction *in = &cf->ins[cf->count];
        size_t klen = strcspn(line, " \t");
        bool known = false;
        for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]) && !known; i++)
            known = strlen(keywords[i]) == klen && strncasecmp(line, keywords[i], klen) == 0;
        if (!known)
        {
            char shown[64];
            line[klen] = '\0';
            return kit_fail("%s:%d: unknown instruction '%s'", cf->path, first,
                            printable(line, shown, sizeof(shown)));
        }
        for (size_t i = 0; i < klen; i++)
            in->keyword[i] = (char)toupper((unsigned char)line[i]);
        in->keyword[klen] = '\0';
        in->args = line + klen;
        while (isspace((unsigned char)*in->args))
            in->args++;
        in->line = first;
        if (*in->args == '\0')
            return kit_fail("%s:%d: %s needs arguments", cf->path, first, in->keyword);
        if ((cf->count == 0) != (strcmp(in->keyword, "FROM") == 0))
            return kit_fail("%s:%d: %s", cf->path, first,
                            cf->count == 0 ? "the first instruction must be FROM"
                                           : "only one FROM is allowed");
        cf->count++;
    }
    if (cf->count == 0)
        return kit_fail("%s: no FROM instruction", cf->path);
    return 0;
}

/* ---- ENV, WORKDIR, CMD ---- */

static void env_set(struct image *img, const char *key, const char *value)
{
    size_t klen = strlen(key);
    char *entry = malloc(klen + strlen(value) + 2);
    sprintf(entry, "%s=%s", key, value);
    for (int i = 0; i < img->nenv; i++)
        if (strncmp(img->env[i], key, klen) == 0 && img->env[i][klen] == '=') {
            free(img->env[i]);
            img->env[i] = entry;
            return;
        }
    if (img->nenv < MAX_LIST - 1)
        img->env[img->nenv++] = entry;
    else
        free(entry);
}

int conductorfile_env(const struct conductorfile *cf, const struct instruction *in, struct image *img)
{
    /* ENV KEY=VALUE [KEY=VALUE...]  or  ENV KEY VALUE WITH SPACES */
    char *args = strdup(in->args);
    size_t klen = args ? strcspn(args, "= \t") : 0;
    int rc = 0;
    if (!args) {
        rc = kit_fail_errno("%s:%d: ENV", cf->path, in->line);
    } else if (klen == 0 || args[klen] == '\0') { /* found by fuzzing: "ENV KEY" read past */
        rc = kit_fail("%s:%d: ENV needs KEY=VALUE or KEY VALUE", cf->path, in->line);
    } else if (args[klen] != '=') {
        args[klen] = '\0';
        char *value = args + klen + 1;
        while (isspace((unsigned char)*value))
            value++;
        env_set(img, args, value);
    } else {
        char *words[MAX_LIST];
        int n = split_words(args, words, MAX_LIST);
        for (int i = 0; i < n && rc == 0; i++) {
            char *eq = strchr(words[i], '=');
            if (!eq || eq == words[i]) {
                char shown[64];
                rc = kit_fail("%s:%d: ENV needs KEY=VALUE, not '%s'", cf->path, in->line,
                              printable(words[i], shown, sizeof(shown)));
                break;
            }
            *eq = '\0';
            env_set(img, words[i], eq + 1);
        }
    }
    free(args);
    return rc;
}

/* CMD ["prog", "arg"] (exec form, a JSON array of strings) or CMD a shell command line. */
int conductorfile_cmd(const struct conductorfile *cf, const struct instruction *in, struct image *img)
{
    for (int i = 0; i < img->ncmd; i++)
        free(img->cmd[i]);
    img->ncmd = 0;
    const char *p = in->args;
    if (*p != '[') {
        img->cmd[0] = strdup("/bin/sh");
        img->cmd[1] = strdup("-c");
        img->cmd[2] = strdup(p);
        img->ncmd = 3;
        return 0;
    }
    p++;
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        if (*p == ']' && img->ncmd == 0)
            break;
        if (*p != '"' || img->ncmd == MAX_LIST - 1)
            return kit_fail("%s:%d: CMD [...] must be a list of \"strings\"", cf->path, in->line);
        char *word = malloc(strlen(p) + 1), *w = word;
        for (p++; *p && *p != '"'; p++) {
            if (*p == '\\' && p[1]) {
                p++;
                *w++ = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
            } else {
                *w++ = *p;
            }
        }
        *w = '\0';
        img->cmd[img->ncmd++] = word;
        if (strchr(word, '\n'))
            return kit_fail("%s:%d: a CMD string cannot hold a newline", cf->path, in->line);
        if (*p != '"')
            return kit_fail("%s:%d: unterminated string in CMD", cf->path, in->line);
        p++;
        while (isspace((unsigned char)*p))
            p++;
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p == ']')
            break;
        return kit_fail("%s:%d: CMD [...] must be a list of \"strings\"", cf->path, in->line);
    }
    if (p[1] != '\0')
        return kit_fail("%s:%d: text after CMD's ]", cf->path, in->line);
    return 0;
}

int conductorfile_workdir(const struct conductorfile *cf, const struct instruction *in,
                          struct image *img)
{
    char dir[PATH_MAX];
    int n;
    if (in->args[0] == '/')
        n = snprintf(dir, sizeof(dir), "%s", in->args);
    else
        n = snprintf(dir, sizeof(dir), "%s/%s", img->workdir[0] ? img->workdir : "", in->args);
    if (n < 0 || (size_t)n >= sizeof(img->workdir))
        return kit_fail("%s:%d: WORKDIR longer than %d characters", cf->path, in->line, PATH_MAX - 1);
    memcpy(img->workdir, dir, (size_t)n + 1);
    return 0;
}

