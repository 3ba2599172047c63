/* counter.c - the shared counter.
 *
 * civetweb answers requests on THREADS worker threads at once.  `value++` is a load, an add
 * and a store: two threads can both load 41 and both store 42, and one visit is lost.  Every
 * read-modify-write of the value must happen under the lock (or be one atomic operation,
 * e.g. atomic_fetch_add from <stdatomic.h>). */
#include "counter.h"

void counter_init(struct counter *c)
{
    pthread_mutex_init(&c->lock, NULL);
    c->value = 0;
}

long counter_get_and_increment(struct counter *c)
{
    /* >>> 4.a Return the value as it was and add one, as ONE step no other thread can cut
     *     into.  Hint: pthread_mutex_lock(3) / pthread_mutex_unlock(3) around c->value++. */
    pthread_mutex_lock(&c->lock);
    long seen = c->value++;
    pthread_mutex_unlock(&c->lock);
    return seen;
    /* <<< 4.a stub: (void)c; return -1; */
}

long counter_get(struct counter *c)
{
    /* >>> 4.a Read the value under the same lock (a reader must not see a half-done write). */
    pthread_mutex_lock(&c->lock);
    long seen = c->value;
    pthread_mutex_unlock(&c->lock);
    return seen;
    /* <<< 4.a stub: (void)c; return -1; */
}

void counter_reset(struct counter *c)
{
    /* >>> 4.a Set the value back to 0, under the lock. */
    pthread_mutex_lock(&c->lock);
    c->value = 0;
    pthread_mutex_unlock(&c->lock);
    /* <<< 4.a stub: (void)c; */
}
