/* counter-service PORT THREADS - an HTTP service around one shared counter (civetweb).
 *
 *   GET /get_and_increment_counter   the count so far, then one more
 *   GET /get_counter                 the count
 *   GET /reset_counter               back to 0 (answers 0)
 *
 * Each answer is the number alone on one line, text/plain.  civetweb runs THREADS worker
 * threads, so requests really are handled at the same time: see counter.c. */
#include "counter.h"

#include <civetweb.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct counter counter;

static int reply_number(struct mg_connection *conn, long value)
{
    char body[32];
    int len = snprintf(body, sizeof(body), "%ld\n", value);
    mg_printf(conn,
              "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
              "Cache-Control: no-store\r\n\r\n%s",
              len, body);
    return 200;
}

static int handle_get_and_increment(struct mg_connection *conn, void *data)
{
    return reply_number(conn, counter_get_and_increment(data));
}

static int handle_get(struct mg_connection *conn, void *data)
{
    return reply_number(conn, counter_get(data));
}

static int handle_reset(struct mg_connection *conn, void *data)
{
    counter_reset(data);
    return reply_number(conn, counter_get(data));
}

/* A decimal number in [MIN, MAX], nothing else. */
static int parse_number(const char *text, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno || end == text || *end || value < min || value > max)
        return -1;
    *out = value;
    return 0;
}

int main(int argc, char **argv)
{
    long port, threads;
    if (argc != 3 || parse_number(argv[1], 1, 65535, &port) < 0 ||
        parse_number(argv[2], 1, 1024, &threads) < 0) {
        fprintf(stderr, "usage: counter-service PORT THREADS  (PORT 1-65535, THREADS 1-1024)\n");
        return 2;
    }

    /* Block SIGINT/SIGTERM before civetweb starts its threads (they inherit the mask), so
     * only sigwait() below sees them and the server stops cleanly. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);

    counter_init(&counter);
    mg_init_library(0);
    char port_text[16], threads_text[16];
    snprintf(port_text, sizeof(port_text), "%ld", port);
    snprintf(threads_text, sizeof(threads_text), "%ld", threads);
    const char *options[] = {"listening_ports", port_text, "num_threads", threads_text, NULL};
    struct mg_callbacks callbacks;
    memset(&callbacks, 0, sizeof(callbacks));
    struct mg_context *ctx = mg_start(&callbacks, NULL, options);
    if (!ctx) {
        fprintf(stderr, "counter-service: cannot listen on port %ld (in use?)\n", port);
        mg_exit_library();
        return 1;
    }
    /* "$" makes the pattern exact: /get_counter/x is not /get_counter. */
    mg_set_request_handler(ctx, "/get_and_increment_counter$", handle_get_and_increment,
                           &counter);
    mg_set_request_handler(ctx, "/get_counter$", handle_get, &counter);
    mg_set_request_handler(ctx, "/reset_counter$", handle_reset, &counter);
    printf("counter-service: listening on port %ld with %ld threads\n", port, threads);
    fflush(stdout);

    int sig;
    sigwait(&stop, &sig);
    mg_stop(ctx);
    mg_exit_library();
    return 0;
}
