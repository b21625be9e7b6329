# Test accuracy against energy per training sample, every design point of a sweep run
# with --engine chip, and its Pareto front (lower energy, higher accuracy) from
# <sweep>.pareto.csv, which the sweep command writes.
#   gnuplot -e "csv='results/x.csv'; front='results/x.pareto.csv'; out='results/x.pareto.png'; name='x'" tools/plot-energy-pareto.gp
set terminal pngcairo size 900,560 font 'sans,11'
set output out
set datafile separator ','
set datafile columnheaders
set grid
set key below
set title name.': accuracy against energy'
set xlabel 'energy per training sample (uJ)'
set ylabel 'test accuracy, WTA read-out (%)'
set logscale x
if (strlen(front) > 0) {
  plot csv using (column('energy_pj_per_train_sample') / 1e6):(100 * column('test_wta')) with points pt 7 ps 1.3 title 'design points', \
       '' using (column('energy_pj_per_train_sample') / 1e6):(100 * column('test_wta')):(sprintf('%d', column('point'))) with labels offset 0.8,0.8 notitle, \
       front using (column('energy_pj_per_train_sample') / 1e6):(100 * column('test_wta')) with linespoints lw 2 pt 6 ps 2 title 'Pareto front'
} else {
  plot csv using (column('energy_pj_per_train_sample') / 1e6):(100 * column('test_wta')) with points pt 7 ps 1.3 title 'design points'
}
