/* A run's memory account (see run_memory.h). */
#include "run_memory.h"
#include "ann.h"
#include "chip.h"
#include "json.h"
#include "ssnn.h"

#include <sys/resource.h>

void run_memory_count(struct run_memory *m, const struct ssnn *net, const struct ann *ann, const struct chip *chip,
                      uint64_t rate_scratch, uint64_t data_bytes)
{
    *m = (struct run_memory){ 0 };
    m->neurons = (uint64_t)net->n_in + (uint64_t)net->n_out;
    for (int l = 0; l < net->depth; l++) {
        const struct ssnn_layer *y = &net->layer[l];
        m->synapses += ((uint64_t)y->n_in + 1) * (uint64_t)y->n;
        m->neurons += (uint64_t)y->n;
    }
    m->synapses += ((uint64_t)ssnn_top(net)->n + 1) * (uint64_t)net->n_out;
    ssnn_account(net, &m->golden);
    m->golden.neuron += rate_scratch * sizeof(float);
    if (ann) {
        m->has_ann = 1;
        ann_account(ann, &m->ann);
    }
    if (chip) {
        m->has_chip = 1;
        chip_account(chip, net, &m->chip);
    }
    m->data_bytes = data_bytes;
}

struct mem_account run_memory_sum(const struct run_memory *m)
{
    const struct mem_account *part[3] = { &m->golden, &m->ann, &m->chip };
    struct mem_account s = { 0 };
    for (int i = 0; i < 3; i++) {
        s.synapse += part[i]->synapse;
        s.neuron += part[i]->neuron;
        s.fixed += part[i]->fixed;
    }
    return s;
}

static void account_json(struct json *j, const struct mem_account *a)
{
    json_begin_object(j);
    json_key(j, "synapse_bytes"); json_uint(j, a->synapse);
    json_key(j, "neuron_bytes"); json_uint(j, a->neuron);
    json_key(j, "fixed_bytes"); json_uint(j, a->fixed);
    json_end_object(j);
}

void run_memory_json(struct json *j, const struct run_memory *m)
{
    struct mem_account s = run_memory_sum(m);
    json_key(j, "memory");
    json_begin_object(j);
    json_key(j, "synapses"); json_uint(j, m->synapses);
    json_key(j, "neurons"); json_uint(j, m->neurons);
    json_key(j, "bytes_per_synapse"); json_double(j, (double)s.synapse / (double)m->synapses);
    json_key(j, "bytes_per_neuron"); json_double(j, (double)s.neuron / (double)m->neurons);
    json_key(j, "synapse_bytes"); json_uint(j, s.synapse);
    json_key(j, "neuron_bytes"); json_uint(j, s.neuron);
    json_key(j, "fixed_bytes"); json_uint(j, s.fixed);
    json_key(j, "data_bytes"); json_uint(j, m->data_bytes);
    json_key(j, "total_bytes"); json_uint(j, mem_account_total(&s) + m->data_bytes);
    json_key(j, "models");
    json_begin_object(j);
    json_key(j, "golden"); account_json(j, &m->golden);
    if (m->has_ann) { json_key(j, "ann"); account_json(j, &m->ann); }
    /* not "chip": a reader that takes the last "chip" object for the chip report stays right */
    if (m->has_chip) { json_key(j, "chip_engine"); account_json(j, &m->chip); }
    json_end_object(j);
    json_end_object(j);
}

static double mib(uint64_t b) { return (double)b / (1024.0 * 1024.0); }

void run_memory_print(FILE *f, const struct run_memory *m)
{
    struct mem_account s = run_memory_sum(m);
    uint64_t held = mem_account_total(&s) + m->data_bytes, peak = peak_rss_bytes();
    fprintf(f, "memory: peak RSS %.1f MiB; models and data %.1f MiB = %llu synapses x %.2f B + %llu neurons x %.1f B"
            " + %.1f MiB fixed + %.1f MiB data (%s%s%s)\n",
            mib(peak), mib(held), (unsigned long long)m->synapses, (double)s.synapse / (double)m->synapses,
            (unsigned long long)m->neurons, (double)s.neuron / (double)m->neurons, mib(s.fixed), mib(m->data_bytes),
            "golden", m->has_ann ? ", ann" : "", m->has_chip ? ", chip" : "");
}

uint64_t peak_rss_bytes(void)
{
    struct rusage u;
    if (getrusage(RUSAGE_SELF, &u)) return 0;
    return (uint64_t)u.ru_maxrss * 1024;   /* Linux counts it in KiB */
}
