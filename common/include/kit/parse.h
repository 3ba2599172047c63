/* parse.h - command-line numbers with their range checked, one parser for every program:
 * a limit that the kernel would refuse, or silently ignore, is refused here with a message
 * the caller prints.  Each returns 0, or -1 with errno EINVAL (not a number of that form) or
 * ERANGE (a number, out of range). */
#ifndef KIT_PARSE_H
#define KIT_PARSE_H

/* Largest size accepted: far above any machine's memory, far below overflow. */
#define KIT_SIZE_MAX (1LL << 50)
/* PID_MAX_LIMIT on 64-bit Linux: pids.max can never usefully be more. */
#define KIT_PIDS_MAX 4194304L

/* "64m", "1g", "1048576", "512k", optionally with a trailing b/B: a whole number of bytes
 * (no fraction, no sign), at least MIN, at most KIT_SIZE_MAX. */
int kit_parse_size(const char *text, long long min, long long *bytes);
/* A decimal number of CPUs ("0.5", "2"): finite, from 0.01 to 1024. */
int kit_parse_cpus(const char *text, double *cpus);
/* A whole decimal number from MIN to MAX. */
int kit_parse_count(const char *text, long min, long max, long *value);

#endif
