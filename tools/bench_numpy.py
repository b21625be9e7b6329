#!/usr/bin/env python3
"""SSNN-BP in vectorised numpy: the reference point of `make bench` for the golden model.

The rule of docs/learning-rule.md ("Any depth") for any number of hidden layers, one
training sample at a time, each time step vectorised over the units of a layer, as one
would write it in numpy: Bernoulli input spikes; per hidden layer the membrane read
through W^l, forward and derivative spikes; the output's WTA winner (a Gumbel-max draw,
an exact sample of softmax) and its error streams e+/e-; the top layer's backward spikes
from e+/e- read back through W_out, each lower layer's from the gradient spikes of the
layer above read back through the columns of W^(l+1), all gated by the derivative spikes;
coincidence updates of one device step (dw_min) on every matrix, applied at the end of
the step after every read (docs/bit-contract.md section 8), clipped to +-w_max. Every
unit draws every stream every step, as the golden model does.

It is not bit-exact with the golden model (numpy's generator, float32 weights instead of
16-bit states, a Gumbel draw for the WTA, biases initialised at 0), it does the same work: the same reads, draws
and pulses per step. Prints training samples per second (and, with --test-samples, the
rate read-out accuracy, to show the rule learns).

    tools/bench_numpy.py --images data/mnist/train-images-idx3-ubyte \
        --labels data/mnist/train-labels-idx1-ubyte --layers 784,500,500,10 --T 16 --samples 300
"""
import argparse
import gzip
import os
import struct
import sys
import time

import numpy as np


def read_idx(path, limit):
    """The first `limit` items of an IDX file (gzipped or not) as a uint8 array."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        magic = struct.unpack(">I", f.read(4))[0]
        dims = [struct.unpack(">I", f.read(4))[0] for _ in range(magic & 0xFF)]
        n = min(dims[0], limit) if limit > 0 else dims[0]
        item = int(np.prod(dims[1:])) if len(dims) > 1 else 1
        data = np.frombuffer(f.read(n * item), dtype=np.uint8)
    return data.reshape(n, item) if len(dims) > 1 else data


class Ssnn:
    """Weights W[l] of shape (n_l, n_{l-1}) and biases b[l] (n_l); W[-1], b[-1] are W_out's."""

    def __init__(self, layers, beta, dw_min, w_max, seed):
        self.rng = np.random.default_rng(seed)
        self.layers, self.dw, self.w_max = layers, np.float32(dw_min), np.float32(w_max)
        self.L = len(layers) - 2
        self.beta = [np.float32(b) for b in beta]
        self.W, self.b = [], []
        for n_in, n_out in zip(layers[:-1], layers[1:]):
            lim = np.sqrt(6.0 / (n_in + n_out))
            w = self.rng.uniform(-lim, lim, size=(n_out, n_in))
            self.W.append((np.round(w / dw_min) * dw_min).astype(np.float32))
            self.b.append(np.zeros(n_out, dtype=np.float32))

    def _rand(self, n):
        return self.rng.random(n, dtype=np.float32)

    def train_sample(self, pixels, label, T):
        p = pixels.astype(np.float32) / np.float32(255)
        L, W, B, dw = self.L, self.W, self.b, self.dw
        n_out = self.layers[-1]
        for _ in range(T):
            # Forward, layer by layer: every read sees the weights of the start of the step.
            spikes = [self._rand(p.size) < p]               # h^0 = x
            deriv = []
            for l in range(L):
                sig = 1.0 / (1.0 + np.exp(-(W[l] @ spikes[-1].astype(np.float32) + B[l])))
                h = self._rand(sig.size) < sig
                h2 = self._rand(sig.size) < sig
                spikes.append(h)
                deriv.append(h & ~h2)
            v = W[L] @ spikes[-1].astype(np.float32) + B[L]
            # WTA: exactly one winner per step, o ~ softmax(v).
            o = int(np.argmax(v - np.log(-np.log(self._rand(n_out) + np.float32(1e-12)))))
            err = np.zeros(n_out, dtype=np.float32)
            if o != label:
                err[o], err[label] = 1.0, -1.0              # e+ at o, e- at the label
            # Backward, top down: each layer's generators draw every step.
            grad = [None] * L
            drive = err                                      # e+ - e- for the top layer
            for l in range(L - 1, -1, -1):
                n_l = self.layers[l + 1]
                u = self._rand(n_l)
                if drive.any():
                    r = W[l + 1].T @ drive                  # columns of the matrix above
                    fire = u < np.minimum(1.0, self.beta[l] * np.abs(r))
                    gp = fire & (r > 0) & deriv[l]
                    gn = fire & (r < 0) & deriv[l]
                else:
                    gp = gn = np.zeros(n_l, dtype=bool)
                grad[l] = (gp, gn)
                drive = gp.astype(np.float32) - gn.astype(np.float32)
            if o == label:
                continue                                     # no error: no pulse anywhere
            # Updates land at the end of the step: one device step per coincidence.
            cols = np.flatnonzero(spikes[L])
            self._pulse(L, np.array([o]), cols, -dw)
            self._pulse(L, np.array([label]), cols, dw)
            for l in range(L):
                cols = np.flatnonzero(spikes[l])
                gp, gn = grad[l]
                self._pulse(l, np.flatnonzero(gp), cols, -dw)
                self._pulse(l, np.flatnonzero(gn), cols, dw)

    def _pulse(self, l, rows, cols, step):
        """One device step on (rows x active inputs) of W^l and on the rows' biases."""
        if rows.size:
            if cols.size:
                ix = np.ix_(rows, cols)
                self.W[l][ix] = np.clip(self.W[l][ix] + step, -self.w_max, self.w_max)
            self.b[l][rows] = np.clip(self.b[l][rows] + step, -self.w_max, self.w_max)

    def rate_accuracy(self, images, labels):
        a = images.astype(np.float32) / np.float32(255)
        for w, b in zip(self.W[:-1], self.b[:-1]):
            a = 1.0 / (1.0 + np.exp(-(a @ w.T + b)))
        v = a @ self.W[-1].T + self.b[-1]
        return float(np.mean(np.argmax(v, axis=1) == labels))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--images", required=True)
    ap.add_argument("--labels", required=True)
    ap.add_argument("--layers", default="784,500,500,10")
    ap.add_argument("--T", type=int, default=16)
    ap.add_argument("--beta", type=float, default=4.0, help="backward gain of every hidden layer")
    ap.add_argument("--dw-min", type=float, default=0.001)
    ap.add_argument("--w-max", type=float, default=0.6)
    ap.add_argument("--samples", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--test-images")
    ap.add_argument("--test-labels")
    ap.add_argument("--test-samples", type=int, default=0)
    args = ap.parse_args()
    layers = [int(x) for x in args.layers.split(",")]
    images = read_idx(args.images, args.samples)
    labels = read_idx(args.labels, args.samples)
    net = Ssnn(layers, [args.beta] * (len(layers) - 2), args.dw_min, args.w_max, args.seed)
    t0 = time.perf_counter()
    for i in range(len(labels)):
        net.train_sample(images[i], int(labels[i]), args.T)
    dt = time.perf_counter() - t0
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "unset")
    print(f"  {'numpy SSNN-BP (vectorised)':36s} {len(labels) / dt:10.1f} samples/s"
          f"   ({'-'.join(map(str, layers))}, T = {args.T}, {len(labels)} samples, BLAS threads {threads})")
    if args.test_images and args.test_labels and args.test_samples:
        ti = read_idx(args.test_images, args.test_samples)
        tl = read_idx(args.test_labels, args.test_samples)
        print(f"  numpy rate read-out after {len(labels)} samples: {100 * net.rate_accuracy(ti, tl):.2f} % "
              f"of {len(tl)} test samples")
    return 0


if __name__ == "__main__":
    sys.exit(main())
