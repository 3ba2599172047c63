/* counter.h - one number shared by every worker thread of the service. */
#ifndef COUNTER_H
#define COUNTER_H

#include <pthread.h>

struct counter {
    pthread_mutex_t lock;
    long value;
};

void counter_init(struct counter *c);

/* The value before this call, then one more: two concurrent callers never get the same
 * number, and after N calls from anywhere the value has grown by exactly N. */
long counter_get_and_increment(struct counter *c);

long counter_get(struct counter *c);

void counter_reset(struct counter *c);

#endif
