# Stacked energy per sample, one bar per phase, stacked by component group; training
# and inference side by side. Input: the per-run CSV a chip run writes beside --out
# (<out>.energy.csv: rows = account x phase, columns = components, pJ per sample).
#   gnuplot -e "csv='results/mnist.energy.csv'; out='results/mnist.energy.png'; name='mnist'" tools/plot-energy-breakdown.gp
set terminal pngcairo size 1100,560 font 'sans,10' noenhanced
set output out
set datafile separator ','
set datafile columnheaders
set style data histograms
set style histogram rowstacked
set style fill solid 0.85 border -1
set boxwidth 0.7
set grid ytics
set lmargin 10
if (!exists('name')) { name = csv }
# nJ or uJ, whichever suits the largest bar
stats csv using 'total' nooutput
scale = STATS_max >= 1e6 ? 1e6 : 1e3
set ylabel sprintf('energy per sample (%s)', scale == 1e6 ? 'uJ' : 'nJ')
set xtics scale 0 font ',9'
nj(c) = column(c) / scale
xbar_read  = 'crossbar_read'
xbar_write = 'crossbar_write'
neurons(dummy) = (column('encoder') + column('neuron_forward') + column('neuron_output') + column('neuron_derivative') \
                  + column('neuron_gradient') + column('backward_generator') + column('wta')) / scale
noc(dummy) = (column('local_delivery') + column('noc_hop') + column('router_buffer') + column('router_switch') \
              + column('router_arbitration') + column('link')) / scale
stat(dummy) = (column('static_core') + column('static_router')) / scale
set multiplot title 'energy per sample by phase: '.name
do for [acc = 0:1] {
  first = acc * 5
  if (acc == 0) { set origin 0, 0; set size 0.4, 0.95; set key off } \
  else { set origin 0.4, 0; set size 0.6, 0.95; set key outside right top vertical }
  set title (acc == 0 ? 'training sample (T steps)' : 'inference sample (T_test steps)')
  plot csv every ::first::first+4 using (nj(xbar_read)):xtic(2) title 'crossbar read' lc rgb '#1f77b4', \
       '' every ::first::first+4 using (nj(xbar_write)) title 'crossbar write' lc rgb '#ff7f0e', \
       '' every ::first::first+4 using (neurons(0)) title 'neuron units + WTA' lc rgb '#2ca02c', \
       '' every ::first::first+4 using (nj('rng')) title 'random draws' lc rgb '#9467bd', \
       '' every ::first::first+4 using (noc(0)) title 'network' lc rgb '#8c564b', \
       '' every ::first::first+4 using (nj('barrier')) title 'barrier' lc rgb '#e377c2', \
       '' every ::first::first+4 using (stat(0)) title 'static' lc rgb '#7f7f7f'
}
unset multiplot
