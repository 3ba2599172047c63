/* counter_stress.c - the grader's stress test of task4's counter (linked against the
 * student's counter.c; grader/task4.bats builds it, plain and with -fsanitize=thread).
 *
 *   counter_stress THREADS CALLS
 *
 * THREADS threads call counter_get_and_increment CALLS times each, all released at once by a
 * barrier, while one more thread keeps calling counter_get.  Then: every number 0..N-1
 * (N = THREADS * CALLS) must have been returned exactly once, and counter_get must say N.
 * Lost updates (value++ without the lock) show as a number returned twice and a short count,
 * on any number of cores: the threads are many and the calls are millions.  Then a reset
 * must bring the count back to 0, and resets race with one more counting thread (for the
 * ThreadSanitizer build, which reports any access to the value outside the lock).
 * Prints one line per problem and exits 1; exits 0 when the counter held. */
#include "counter.h"

#include <stdio.h>
#include <stdlib.h>

static struct counter shared;
static pthread_barrier_t start;
static long calls_each;
static long *returned; /* returned[t * calls_each + i]: the i-th answer of thread t */

static void *increment(void *arg)
{
    long *mine = returned + (long)(size_t)arg * calls_each;
    pthread_barrier_wait(&start);
    for (long i = 0; i < calls_each; i++)
        mine[i] = counter_get_and_increment(&shared);
    return NULL;
}

/* Reads while the others write (as often as each of them writes): counter_get must never
 * see the count go down. */
static void *read_along(void *arg)
{
    long last = 0, *went_down = arg;
    pthread_barrier_wait(&start);
    for (long i = 0; i < calls_each; i++) {
        long now = counter_get(&shared);
        if (now < last)
            *went_down = 1;
        last = now;
    }
    return NULL;
}

static void *increment_a_little(void *arg)
{
    for (int i = 0; i < 1000; i++)
        counter_get_and_increment(arg);
    return NULL;
}

/* A reset while another thread counts: nothing to check by value (either order is right),
 * but the ThreadSanitizer build sees a reset that does not take the lock. */
static void reset_while_counting(void)
{
    pthread_t other;
    pthread_create(&other, NULL, increment_a_little, &shared);
    for (int i = 0; i < 100; i++)
        counter_reset(&shared);
    pthread_join(other, NULL);
}

/* Every number 0..n-1 returned exactly once; prints the first problems found. */
static int check_answers(long n)
{
    unsigned char *seen = calloc((size_t)n, 1);
    long twice = 0, outside = 0, missing = 0;
    if (!seen)
        return perror("calloc"), 1;
    for (long i = 0; i < n; i++) {
        long v = returned[i];
        if (v < 0 || v >= n)
            outside++;
        else if (seen[v]++)
            twice++;
    }
    for (long v = 0; v < n; v++)
        missing += !seen[v];
    free(seen);
    if (twice)
        printf("%ld numbers were returned to two callers (lost updates)\n", twice);
    if (outside)
        printf("%ld answers were outside 0..%ld\n", outside, n - 1);
    if (missing)
        printf("%ld numbers of 0..%ld were never returned\n", missing, n - 1);
    return twice || outside || missing;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return fprintf(stderr, "usage: counter_stress THREADS CALLS\n"), 2;
    long threads = atol(argv[1]);
    calls_each = atol(argv[2]);
    if (threads < 1 || threads > 64 || calls_each < 1)
        return fprintf(stderr, "counter_stress: 1..64 threads, at least 1 call\n"), 2;
    long n = threads * calls_each, went_down = 0;
    returned = malloc((size_t)n * sizeof(*returned));
    pthread_t tids[65];
    if (!returned)
        return perror("malloc"), 2;
    counter_init(&shared);
    pthread_barrier_init(&start, NULL, (unsigned)threads + 1);
    for (long t = 0; t < threads; t++)
        pthread_create(&tids[t], NULL, increment, (void *)(size_t)t);
    pthread_create(&tids[threads], NULL, read_along, &went_down);
    for (long t = 0; t <= threads; t++)
        pthread_join(tids[t], NULL);

    int bad = check_answers(n);
    long final = counter_get(&shared);
    if (final != n)
        printf("counter_get says %ld after %ld increments\n", final, n), bad = 1;
    if (went_down)
        printf("counter_get saw the count go down while it was only incremented\n"), bad = 1;
    counter_reset(&shared);
    if (counter_get(&shared) != 0 || counter_get_and_increment(&shared) != 0)
        printf("after counter_reset the count does not start again from 0\n"), bad = 1;
    reset_while_counting();
    free(returned);
    return bad;
}
