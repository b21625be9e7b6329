/* Dealing sweep points over MPI ranks (sim/sweep_deal.c): every point gets a
 * rank, equal points go round-robin (the table and the old dealing agree), and
 * an accuracy-vs-T sweep, whose points cost 1, 2, 4, ... 128, is balanced
 * within Graham's 4/3 of the ideal where round-robin gives one rank twice the
 * other's work. */
#include "check.h"

#include "config.h"
#include "sweep_deal.h"

#include <string.h>

static double makespan(const double *cost, int n, int ranks, const int *owner)
{
    double load[64] = { 0 }, worst = 0;
    for (int p = 0; p < n; p++) load[owner[p]] += cost[p];
    for (int r = 0; r < ranks; r++)
        if (load[r] > worst) worst = load[r];
    return worst;
}

static void every_point_gets_a_rank(void)
{
    double cost[37];
    int owner[37];
    for (int p = 0; p < 37; p++) cost[p] = (p * 7919) % 13 + 1;
    for (int ranks = 1; ranks <= 8; ranks++) {
        memset(owner, 0xff, sizeof owner);
        sweep_deal(cost, 37, ranks, owner);
        int used[8] = { 0 };
        for (int p = 0; p < 37; p++) {
            CHECK(owner[p] >= 0 && owner[p] < ranks, "%d ranks: point %d on rank %d", ranks, p, owner[p]);
            if (owner[p] >= 0 && owner[p] < ranks) used[owner[p]] = 1;
        }
        for (int r = 0; r < ranks; r++) CHECK(used[r], "%d ranks: rank %d idle with 37 points", ranks, r);
    }
}

static void equal_points_go_round_robin(void)
{
    double cost[10];
    int owner[10];
    for (int p = 0; p < 10; p++) cost[p] = 5;
    sweep_deal(cost, 10, 3, owner);
    for (int p = 0; p < 10; p++) CHECK(owner[p] == p % 3, "point %d on rank %d, want %d", p, owner[p], p % 3);
}

static void accuracy_vs_T_is_balanced(void)
{
    static struct config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.network.hidden = 500;
    cfg.network.output = 10;
    cfg.training.epochs = 1;
    cfg.training.T_test = 16;
    double cost[8];
    int owner[8], rr[8];
    for (int p = 0; p < 8; p++) {
        cfg.training.T = 1 << p;
        cost[p] = sweep_point_cost(&cfg);
        rr[p] = p % 2;
        if (p) CHECK(cost[p] > cost[p - 1], "T %d costs %g, not more than T %d (%g)", 1 << p, cost[p],
                     1 << (p - 1), cost[p - 1]);
    }
    sweep_deal(cost, 8, 2, owner);
    double total = 0, biggest = 0;
    for (int p = 0; p < 8; p++) {
        total += cost[p];
        if (cost[p] > biggest) biggest = cost[p];
    }
    double ideal = total / 2 > biggest ? total / 2 : biggest;
    double got = makespan(cost, 8, 2, owner), round_robin = makespan(cost, 8, 2, rr);
    CHECK(got <= ideal * 4 / 3, "makespan %g over 4/3 of the ideal %g", got, ideal);
    CHECK(got < round_robin * 0.8, "makespan %g, round-robin %g: not better", got, round_robin);
}

int main(void)
{
    RUN(every_point_gets_a_rank);
    RUN(equal_points_go_round_robin);
    RUN(accuracy_vs_T_is_balanced);
    CHECK_DONE();
}
