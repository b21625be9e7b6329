/* Progress for anything longer than a few seconds: a bar with rate and ETA
 * redrawn in place when stderr is a terminal, plain lines otherwise (one per
 * 10 %, and one at least every 10 s), nothing at all when quiet. Wall-clock
 * time only ever reaches stderr, never a result file, so outputs stay
 * byte-identical run to run. */
#ifndef PROGRESS_H
#define PROGRESS_H
#include <stdint.h>

struct progress {
    const char *label;
    uint64_t total, done;
    double t_start, t_last_draw;
    int tty, quiet, last_pct_line;
};

void progress_start(struct progress *p, const char *label, uint64_t total, int quiet);
void progress_update(struct progress *p, uint64_t done);
/* Draws the final state and ends the line; `summary` (may be NULL) is appended. */
void progress_finish(struct progress *p, const char *summary);
double progress_now(void);   /* monotonic seconds */
/* The clock progress_now reads: CLOCK_MONOTONIC; a test sets its own to drive time. */
extern double (*progress_clock)(void);
#endif
