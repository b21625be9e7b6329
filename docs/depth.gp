# The architect's plot: test accuracy, energy per training sample, latency per training
# sample and NoC flits per training sample against the number of hidden layers (256
# neurons each) on the cycle-level chip. Data: depth.csv, written by
#   build/ssnnsim sweep workloads/sweeps/depth.yaml --engine chip --csv docs/depth.csv
# (docs/depth.md, "Depth on the chip"). Run from docs/: gnuplot depth.gp
set terminal pngcairo size 1000,700 font ",11"
set output "img/depth.png"
set datafile separator ","
set grid
set key off
set xrange [0.7:4.3]
set xtics 1
set xlabel "hidden layers (256 neurons each)"
set multiplot layout 2,2 title "MNIST on the chip, 1 to 4 hidden layers (5000 training samples, Loihi-calibrated)"
# columns: 1 point, 2 network.layers, 3 test_wta, 7 energy_pj_per_train_sample,
# 9 latency_ns_per_train_sample, 19 noc_flits_per_train_sample; x = point + 1
set ylabel "test accuracy, WTA (%)"
plot "depth.csv" every ::1 using ($1+1):($3*100) with linespoints lw 2 pt 7 lc rgb "#1b9e77"
set ylabel "energy per training sample (uJ)"
plot "depth.csv" every ::1 using ($1+1):($7/1e6) with linespoints lw 2 pt 7 lc rgb "#d95f02"
set ylabel "latency per training sample (us)"
plot "depth.csv" every ::1 using ($1+1):($9/1e3) with linespoints lw 2 pt 7 lc rgb "#7570b3"
set ylabel "NoC flits per training sample"
plot "depth.csv" every ::1 using ($1+1):19 with linespoints lw 2 pt 7 lc rgb "#e7298a"
unset multiplot
