/* Progress reporting on stderr: see progress.h.
 *   terminal:  "train epoch 1/3 [#########...........] 45% 27000/60000 1234/s ETA 0:27"
 *              redrawn in place (\r, erase to end of line) at most every 0.1 s;
 *   otherwise: "train epoch 1/3: 50% 30000/60000 1234/s ETA 0:27", one line per
 *              10 % step crossed (10 % .. 90 %; progress_finish prints the last),
 *              and one at least every PLAIN_SECONDS between them (a log read
 *              without a terminal must show a slow run is alive);
 *   quiet:     nothing.
 * A total of 0 means "unknown": only the count and the rate are shown. */
#include "progress.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define BAR_WIDTH 20
#define REDRAW_SECONDS 0.1
#define PLAIN_SECONDS 10.0

static double monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double (*progress_clock)(void) = monotonic;

double progress_now(void)
{
    return progress_clock();
}

/* "m:ss", or "h:mm:ss" from an hour on; "?:??" when unknown. */
static void fmt_duration(char *out, size_t n, double secs)
{
    if (!isfinite(secs) || secs < 0 || secs > 1e9) {
        snprintf(out, n, "?:??");
        return;
    }
    uint64_t s = (uint64_t)(secs + 0.5);
    if (s >= 3600)
        snprintf(out, n, "%" PRIu64 ":%02u:%02u", s / 3600, (unsigned)(s / 60 % 60),
                 (unsigned)(s % 60));
    else
        snprintf(out, n, "%u:%02u", (unsigned)(s / 60), (unsigned)(s % 60));
}

static int percent(const struct progress *p)
{
    if (p->total == 0) return 100;
    double pct = 100.0 * (double)p->done / (double)p->total;
    if (pct > 100) pct = 100;
    return (int)pct;
}

/* Everything after the label and the bar: "45% 27000/60000 1234/s ETA 0:27",
 * with "in 0:49" (elapsed) instead of the ETA when final. */
static void fmt_tail(const struct progress *p, double now, int final, char *out, size_t n)
{
    double elapsed = now - p->t_start;
    double rate = elapsed > 0 ? (double)p->done / elapsed : 0;
    char rate_s[32], time_s[32];
    if (rate >= 100 || rate == 0) snprintf(rate_s, sizeof rate_s, "%.0f/s", rate);
    else snprintf(rate_s, sizeof rate_s, "%.1f/s", rate);

    if (final) {
        fmt_duration(time_s, sizeof time_s, elapsed);
    } else if (p->total > 0 && p->done >= p->total) {
        fmt_duration(time_s, sizeof time_s, 0);
    } else if (p->total > 0 && rate > 0) {
        fmt_duration(time_s, sizeof time_s, (double)(p->total - p->done) / rate);
    } else {
        fmt_duration(time_s, sizeof time_s, -1);
    }

    if (p->total == 0 && final)
        snprintf(out, n, "%" PRIu64 " %s in %s", p->done, rate_s, time_s);
    else if (p->total == 0)
        snprintf(out, n, "%" PRIu64 " %s", p->done, rate_s);
    else
        snprintf(out, n, "%d%% %" PRIu64 "/%" PRIu64 " %s %s %s", percent(p), p->done,
                 p->total, rate_s, final ? "in" : "ETA", time_s);
}

static const char *label_of(const struct progress *p) { return p->label ? p->label : ""; }

static void draw_bar(struct progress *p, double now, int final)
{
    char tail[160];
    fmt_tail(p, now, final, tail, sizeof tail);
    if (p->total == 0) {
        fprintf(stderr, "\r%s %s\033[K", label_of(p), tail);
    } else {
        char bar[BAR_WIDTH + 1];
        double frac = (double)p->done / (double)p->total;
        int fill = frac >= 1 ? BAR_WIDTH : (int)(frac * BAR_WIDTH);
        for (int i = 0; i < BAR_WIDTH; i++) bar[i] = i < fill ? '#' : '.';
        bar[BAR_WIDTH] = '\0';
        fprintf(stderr, "\r%s [%s] %s\033[K", label_of(p), bar, tail);
    }
    p->t_last_draw = now;
}

void progress_start(struct progress *p, const char *label, uint64_t total, int quiet)
{
    p->label = label;
    p->total = total;
    p->done = 0;
    p->quiet = quiet;
    p->tty = !quiet && isatty(STDERR_FILENO);
    p->last_pct_line = 0;
    p->t_start = progress_now();
    p->t_last_draw = p->t_start;
    if (p->tty) draw_bar(p, p->t_start, 0);
}

void progress_update(struct progress *p, uint64_t done)
{
    p->done = done;
    if (p->quiet) return;
    if (p->tty) {
        double now = progress_now();
        if (now - p->t_last_draw >= REDRAW_SECONDS) draw_bar(p, now, 0);
        return;
    }
    double now = progress_now();
    int step = p->total ? percent(p) / 10 * 10 : 0;
    if ((step > p->last_pct_line && step < 100) || now - p->t_last_draw >= PLAIN_SECONDS) {
        char tail[160];
        fmt_tail(p, now, 0, tail, sizeof tail);
        fprintf(stderr, "%s: %s\n", label_of(p), tail);
        if (step > p->last_pct_line && step < 100) p->last_pct_line = step;
        p->t_last_draw = now;
    }
}

void progress_finish(struct progress *p, const char *summary)
{
    if (p->quiet) return;
    double now = progress_now();
    const char *sep = summary && *summary ? " " : "";
    const char *sum = summary ? summary : "";
    if (p->tty) {
        draw_bar(p, now, 1);
        fprintf(stderr, "%s%s\n", sep, sum);
    } else {
        char tail[160];
        fmt_tail(p, now, 1, tail, sizeof tail);
        fprintf(stderr, "%s: %s%s%s\n", label_of(p), tail, sep, sum);
    }
    p->last_pct_line = 100;
}
