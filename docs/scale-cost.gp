# Cost per simulated training sample and memory against network size: MNIST
# 784-W-W-10 (W = 100 .. 10000) on the golden model and the chip engine, one core
# of the development machine. Data: scale-cost.csv, written by tools/scale-cost
# (docs/scale.md, "Cost vs network size"). Run from docs/: gnuplot scale-cost.gp
# Dotted: power laws fitted to the points of 10^6 synapses and more (smaller
# networks are dominated by the per-step overheads), extended to predict. Open
# symbols: scale-cost-check.csv, the largest network a run accepts (784-15000-15000-10,
# WIDTHS=15000 CSV=docs/scale-cost-check.csv tools/scale-cost), left out of the fit.
set terminal pngcairo size 1100,480 font ",11"
set output "img/scale-cost.png"
set datafile separator ","
set datafile missing ""
set grid
set logscale xy
set xrange [1e4:1e10]
set format x "10^{%L}"
set xlabel "synapses (weight cells, bias rows included)"
set key top left
# columns: 1 engine, 3 synapses, 6 seconds per sample, 8 peak RSS MiB, 10 bytes per synapse
g(c) = strcol(1) eq "golden" ? column(c) : 1/0
k(c) = strcol(1) eq "chip" ? column(c) : 1/0
big(c) = column(3) >= 1e6 ? c : 1/0
set fit quiet
set fit logfile "/dev/null"
lg(x) = ga + gb * x
lk(x) = ka + kb * x
ga = -20; gb = 1; ka = -20; kb = 1
fit [*:*] lg(x) "scale-cost.csv" every ::1 using (log(big(g(3)))):(log(g(6))) via ga, gb
fit [*:*] lk(x) "scale-cost.csv" every ::1 using (log(big(k(3)))):(log(k(6))) via ka, kb
# the most weight cells a run accepts (sim/config.c, MAX_WEIGHTS)
set arrow 1 from 268435456, graph 0 to 268435456, graph 1 nohead dt 4 lc rgb "#888888"
set label 1 "2^{28} cells: a run's limit" at 268435456, graph 0.04 offset 0.5, 0 font ",9" tc rgb "#555555"
set multiplot layout 1,2 title "784-W-W-10, W = 100 .. 10000, T = 16 (tools/scale-cost)"
set ylabel "CPU seconds per training sample"
set yrange [1e-5:1e4]
set format y "10^{%L}"
plot "scale-cost.csv" every ::1 using 3:(g(6)) with linespoints lw 2 pt 7 lc rgb "#1b9e77" title "golden", \
     "" every ::1 using 3:(k(6)) with linespoints lw 2 pt 5 lc rgb "#d95f02" title "chip engine", \
     [1e6:1e10] exp(lg(log(x))) with lines dt 3 lc rgb "#1b9e77" title sprintf("golden, fit: S^{%.2f}", gb), \
     [1e6:1e10] exp(lk(log(x))) with lines dt 3 lc rgb "#d95f02" title sprintf("chip, fit: S^{%.2f}", kb), \
     "scale-cost-check.csv" every ::1 using 3:(g(6)) with points pt 6 ps 1.5 lc rgb "#1b9e77" title "held out", \
     "" every ::1 using 3:(k(6)) with points pt 4 ps 1.5 lc rgb "#d95f02" notitle
set ylabel "peak resident memory (MiB)"
set label 1 at 268435456, graph 0.96 offset -14, 0
set yrange [10:1e5]
set format y "%g"
set key bottom right
# one machine here: 24 GiB
plot "scale-cost.csv" every ::1 using 3:(g(8)) with linespoints lw 2 pt 7 lc rgb "#1b9e77" title "golden", \
     "" every ::1 using 3:(k(8)) with linespoints lw 2 pt 5 lc rgb "#d95f02" title "chip engine", \
     "scale-cost-check.csv" every ::1 using 3:(g(8)) with points pt 6 ps 1.5 lc rgb "#1b9e77" notitle, \
     "" every ::1 using 3:(k(8)) with points pt 4 ps 1.5 lc rgb "#d95f02" notitle, \
     24576 with lines dt 2 lc rgb "#555555" title "24 GiB (one machine here)", \
     10.0 * x / 1048576 with lines dt 3 lc rgb "#1b9e77" title "10.0 B per synapse", \
     13.9 * x / 1048576 with lines dt 3 lc rgb "#d95f02" title "13.9 B per synapse"
unset multiplot
print sprintf("golden: %.3g s per sample at 1e9 synapses (S^%.2f); chip: %.3g s (S^%.2f)", exp(lg(log(1e9))), gb, exp(lk(log(1e9))), kb)
