// libsystemc.so carries its own main(), which calls sc_main, so every program
// linked with it must define sc_main. ssnnsim and the tests have their own main
// (sim/cli.c, testbenches/) and drive SystemC through sc_chip.h: this entry point
// is only reached by a program that has no main of its own, and says so.
#include <systemc>

#include <cstdio>

int sc_main(int, char **)
{
    fprintf(stderr, "ssnnsim: the SystemC engine is driven from ssnnsim (sim/cli.c), not from sc_main\n");
    return 2;
}
