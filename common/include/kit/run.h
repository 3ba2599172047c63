/* run.h - running other programs safely: argv arrays, never a shell. */
#ifndef KIT_RUN_H
#define KIT_RUN_H

#include <stddef.h>
#include <sys/types.h>

/* Run ARGV (argv[0] looked up in PATH) and wait for it.  Returns its exit status (0-255),
 * 128+N if it was killed by signal N, or -1 with errno if it could not be started
 * (a program that is not found exits 127, as in the shell). */
int kit_run(char *const argv[]);

/* As kit_run(), with the child's stdout and stderr sent to /dev/null. */
int kit_run_quiet(char *const argv[]);

/* As kit_run(), capturing up to LEN-1 bytes of the child's stdout into BUF (NUL-terminated;
 * the rest is read and discarded so the child never blocks on a full pipe). */
int kit_run_capture(char *const argv[], char *buf, size_t len);

/* Wait for PID and turn its wait status into the same number kit_run() returns. */
int kit_wait_status(pid_t pid);

#endif
