/* counter.c - the shared counter.
 *
 * civetweb answers requests on THREADS worker threads at once.  `value++` is a load, an add
 * and a store: two threads can both load 41 and both store 42, and one visit is lost.  Every
 * read-modify-write of the value must happen under the lock (or be one atomic operation,
 * e.g. atomic_fetch_add from <stdatomic.h>). */
#include "counter.h"

/* Alternative: no lock at all; every access is one atomic operation on the value (GCC's
 * __atomic builtins, sequentially consistent), so no thread can cut into another's. */

void counter_init(struct counter *c)
{
    pthread_mutex_init(&c->lock, NULL);
    c->value = 0;
}

long counter_get_and_increment(struct counter *c)
{
    /* TODO 4.a: Return the value as it was and add one, as ONE step no other thread can cut
     *     into.  Hint: pthread_mutex_lock(3) / pthread_mutex_unlock(3) around c->value++. */
    return __atomic_fetch_add(&c->value, 1, __ATOMIC_SEQ_CST);
}

long counter_get(struct counter *c)
{
    /* TODO 4.a: Read the value under the same lock (a reader must not see a half-done write). */
    return __atomic_load_n(&c->value, __ATOMIC_SEQ_CST);
}

void counter_reset(struct counter *c)
{
    /* TODO 4.a: Set the value back to 0, under the lock. */
    __atomic_store_n(&c->value, 0, __ATOMIC_SEQ_CST);
}
