# Fashion-MNIST test accuracy per epoch, SSNN-BP (rate read-out) at T = 16, 32, 64 with
# T * dw_min fixed, against the float baseline (T = 64 run's). Data: fashion-vs-T.csv
# (docs/accuracy.md). Run from docs/: gnuplot fashion-vs-T.gp
set terminal pngcairo size 800,500 font ",11"
set output "img/fashion-vs-T.png"
set datafile separator ","
set key bottom right
set grid
set xlabel "epoch (pulse amplitude k = 4 for 1-5, 2 for 6-10, 1 from 11)"
set ylabel "test accuracy (%)"
set yrange [82:89]
set xrange [1:15]
set title "Fashion-MNIST 784-500-10: longer spike trains at the same effective rate"
plot "fashion-vs-T.csv" every ::1 using 1:10 with linespoints lw 2 dt 2 lc rgb "black" title "float ANN baseline", \
     "" every ::1 using 1:2 with linespoints lw 2 lc rgb "#d95f02" title "SSNN-BP T = 16", \
     "" every ::1 using 1:3 with linespoints lw 2 lc rgb "#7570b3" title "SSNN-BP T = 32", \
     "" every ::1 using 1:4 with linespoints lw 2 lc rgb "#1b9e77" title "SSNN-BP T = 64", \
     87 with lines lw 1 dt 3 lc rgb "red" title "target 87 %"
