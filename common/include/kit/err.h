/* err.h - the kit's one error idiom.
 *
 * Library functions return -1 (or NULL) on failure.  Either errno says why and the caller
 * reports it, or - when the function knows more than errno can say - the message is already
 * printed with kit_fail()/kit_fail_errno() and errno is preserved for the caller.
 * Nothing in common/ calls exit(); only a program's main() decides to stop.
 *
 * Every message is one line on stderr: "prog: what failed: why".
 */
#ifndef KIT_ERR_H
#define KIT_ERR_H

#include <stdarg.h>

/* Name printed before every message; defaults to "kit".  Call once from main(). */
void kit_set_prog(const char *name);
const char *kit_prog(void);

/* Print "prog: MESSAGE" and return -1. */
int kit_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "prog: MESSAGE: strerror(errno)" and return -1; errno is left as it was. */
int kit_fail_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Like kit_fail_errno() but for an explicit error number (e.g. from pthread or getaddrinfo). */
int kit_fail_code(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
