/*
 * backoff.h - the waits between the retries of an online migration's steps after a lock
 * timeout (docs/online.md, "Lock timeout and retries"): exponential from 100 ms, capped at 5 s,
 * with jitter drawn from the kernel's random source, so that runners started together do not
 * retry in step. Used by the step executor (apply.c).
 */
#ifndef STRAV_BACKOFF_H
#define STRAV_BACKOFF_H

/* The wait before retry k (1-based): uniform in [cap/2, cap], cap = min(100 ms * 2^k, 5 s). */
long backoff_delay_ms(int k);

/* Sleep ms milliseconds (through signals). */
void backoff_sleep_ms(long ms);

#endif
