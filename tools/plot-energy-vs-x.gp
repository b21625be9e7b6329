# Energy and latency per training sample against a sweep's x key (e.g. training.T).
# Input: a sweep table run with --engine chip.
#   gnuplot -e "csv='results/energy-vs-T.csv'; out='results/energy-vs-T.energy.png'; xkey='training.T'; logx=1; name='energy-vs-T'" tools/plot-energy-vs-x.gp
set terminal pngcairo size 900,560 font 'sans,11'
set output out
set datafile separator ','
set datafile columnheaders
set grid
set key top left
set title name
set xlabel xkey
if (logx) { set logscale x 2 }
set ylabel 'energy per training sample (uJ)'
set y2label 'latency per training sample (us)'
set ytics nomirror
set y2tics
set logscale y
set logscale y2
plot csv using (column(xkey)):(column('energy_pj_per_train_sample') / 1e6) with linespoints lw 2 pt 7 title 'energy / training sample', \
     '' using (column(xkey)):(column('latency_ns_per_train_sample') / 1e3) axes x1y2 with linespoints lw 2 pt 5 dt 2 title 'latency / training sample'
