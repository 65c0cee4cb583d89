// Lane refill: each lane (one CUDA thread) trains one network at a time and, when that network stops,
// takes the next network index from a shared counter, so a warp never idles while one lane's network runs
// on (early stopping makes networks' lengths differ by 10x and more). The host simulates the same lanes
// in tests/test_lane_refill.cpp; host/backends/cpu/cpu_backend.cpp does the same across SIMD lanes.
//
// A chunk of `count` networks (network first_network + i at index i) runs in three passes, each a plain
// per-network or per-lane function here, compiled for the host and the device:
//   1. init_pass(i)       one thread per network: Philox -> initial parameters (T) and cos_initial
//   2. lane_begin/tick    persistent threads, a few per SM slot: refill = load 4H+1 initial values, and
//                         at the end store 4H+1 final values + iterations + loss (~45 instructions, no
//                         Philox, no evaluation: a refill stalls the other 31 lanes of the warp for ~1 %
//                         of a 2000-iteration network, instead of ~15 % if it drew and evaluated)
//   3. evaluate_pass(i)   one thread per network: final parameters -> the Outcome fields
// Device memory per network: 2 (4H + 1) T of initial and final parameters, besides the outcome arrays.
#pragma once
#include <cstdint>

#include "kernels/network_step.hpp"
#include "kernels/outcome_arrays.hpp"

namespace xorseed {

// The parameter arrays of a chunk, (4H + 1) values per network in ParamLayout order (H the networks'
// width, job.hidden).
template <class T>
struct ChunkParams {
  T* initial;  // written by init_pass (or the host, `given`), read at refill
  T* final;    // written when a lane's network stops, read by evaluate_pass
  bool given = false;    // the host wrote `initial` (and `inputs`): fused_trainer.hpp's host_initial
  T* inputs = nullptr;   // given and B != 4: the 2B training inputs per network
};

// Everything the three passes need, by value (a kernel parameter).
template <class T>
struct LaneJob {
  StepConfig c;
  int hidden = 0;          // the networks' width H (kernels/compiled_widths.hpp: the instantiation's
                           // own, or up to it in a padded one)
  T stop;                  // stop_threshold<T>(c.stop_loss)
  T step;                  // T(lr / B)
  uint64_t first_network;  // network index of i = 0
  uint64_t count;          // networks in the chunk
  ChunkParams<T> params;
  OutcomeArrays out;
};

// A Net<T, H> of the job's width, to load a network into (a constant for an exact H).
template <class T, int H>
XS_HDI Net<T, H> job_net(const LaneJob<T>& job) {
  Net<T, H> p;
  p.set_units(job.hidden);
  return p;
}
template <class T, int H>
XS_HDI int params_per_network(const LaneJob<T>& job) { return ParamLayout{job_net<T, H>(job).units}.count(); }
template <class T, int H>
XS_HDI const T* initial_of(const LaneJob<T>& job, uint64_t i) { return job.params.initial + params_per_network<T, H>(job) * i; }
template <class T, int H>
XS_HDI T* final_of(const LaneJob<T>& job, uint64_t i) { return job.params.final + params_per_network<T, H>(job) * i; }

// Pass 1: network i's initial parameters and their max row cosine.
template <class T, int H>
XS_HDI void init_pass(const LaneJob<T>& job, uint64_t i) {
  Net<T, H> p = job_net<T, H>(job);
  if (job.params.given) {  // the host drew them: only the cosine is left
    load_params(initial_of<T, H>(job, i), p);
    job.out.cos_initial[i] = max_row_cosine_of(p);
    return;
  }
  NetworkRng rng(job.c.seed, job.c.config_id, job.first_network + i);
  const int count = ParamLayout{p.units}.count();
  T flat[4 * H + 1];
  draw_initial_parameters(rng, p.units, job.c.init_range, flat);
  T* dst = job.params.initial + count * i;
XS_UNROLL
  for (int k = 0; k < 4 * H + 1; ++k) {
    if (k >= count) break;
    dst[k] = flat[k];
  }
  load_params(flat, p);
  job.out.cos_initial[i] = max_row_cosine_of(p);
}

// Network i's initial parameters into p and, for B != 4, its points and targets into x and t: from the
// chunk's arrays, or for kernel-drawn points from the network's Philox stream (init_network redraws the
// parameters the points follow).
template <class T, int H>
XS_HDI void start_state(const LaneJob<T>& job, uint64_t i, Net<T, H>& p, T* x, T* t) {
  if (job.c.batch == 4) {
    load_params(initial_of<T, H>(job, i), p);
  } else if (job.params.given) {
    load_params(initial_of<T, H>(job, i), p);
    const T* xi = job.params.inputs + 2 * static_cast<uint64_t>(job.c.batch) * i;
    for (int b = 0; b < job.c.batch; ++b) {
      x[2 * b] = xi[2 * b];
      x[2 * b + 1] = xi[2 * b + 1];
      t[b] = static_cast<T>(target_value(job.c.target, static_cast<double>(x[2 * b]), static_cast<double>(x[2 * b + 1])));
    }
  } else {
    CornerBatch<T> unused;
    init_network(job.c, job.first_network + i, p, unused, x, t);  // the points follow the parameters
  }
}

// Pass 2, the work of a lane: a runner starts, steps and stores networks. One runner per lane kind of
// network_step.hpp; the kernel picks one per launch (uses_tanh_form and stop > 0: uniform choices).

// Gives a lane a defined state before its first network (a lane that never gets one steps it, unstored).
template <class T, int H, class Lane>
XS_HDI void begin_with_zero(Lane& lane) {
  Net<T, H> zero;
  set_zero(zero);
  lane.begin(zero);
}

// Stores a finished lane's network i: final parameters, iterations, the last iteration's loss.
template <class T, int H, class Lane>
XS_HDI void store_lane(const Lane& lane, const LaneJob<T>& job, uint64_t i) {
  Net<T, H> p;
  lane.end(p);
  store_params(p, final_of<T, H>(job, i));
  job.out.iterations[i] = lane.it;
  job.out.final_loss[i] = static_cast<double>(lane.last_loss());
}

template <class Ops, class T, int H, bool TrackLoss>
struct TanhFormRunner {
  TanhFormConstants<T> k;
  TanhFormLane<Ops, T, H, TrackLoss> lane;

  XS_HDI void setup(const LaneJob<T>& job) {
    k = tanh_form_constants(corner_targets<T>(job.c), job.step);
    begin_with_zero<T, H>(lane);
  }
  XS_HDI void start(const LaneJob<T>& job, uint64_t i) {
    Net<T, H> p = job_net<T, H>(job);
    load_params(initial_of<T, H>(job, i), p);
    lane.begin(p);
  }
  XS_HDI bool step(const LaneJob<T>& job) { return lane.step(k, job.stop, job.c.max_iterations); }
  XS_HDI void store(const LaneJob<T>& job, uint64_t i) const { store_lane<T, H>(lane, job, i); }
};

template <class Ops, class T, int H>
struct ReferenceRunner {
  CornerBatch<T> corners;
  T x[2 * kMaxBatch], t[kMaxBatch];  // this network's B random points (B != 4 only; thread-local memory)
  ReferenceLane<Ops, T, H> lane;

  XS_HDI void setup(const LaneJob<T>& job) {
    corners = corner_targets<T>(job.c);
    begin_with_zero<T, H>(lane);
  }
  XS_HDI void start(const LaneJob<T>& job, uint64_t i) {
    Net<T, H> p = job_net<T, H>(job);
    start_state(job, i, p, x, t);
    lane.begin(p);
  }
  XS_HDI bool step(const LaneJob<T>& job) {
    if (job.c.batch == 4) return lane.step(job.c.act, corners, job.step, job.stop, job.c.max_iterations);
    return lane.step(job.c.act, PointBatch<T>{job.c.batch, x, t}, job.step, job.stop, job.c.max_iterations);
  }
  XS_HDI void store(const LaneJob<T>& job, uint64_t i) const { store_lane<T, H>(lane, job, i); }
};

// The rule lane (an optimizer's state, the bce loss): as ReferenceRunner, with the rule's constants.
template <class Ops, class T, int H>
struct RuleRunner {
  CornerBatch<T> corners;
  T x[2 * kMaxBatch], t[kMaxBatch];
  RuleConstants<T> k;
  RuleLane<Ops, T, H> lane;

  XS_HDI void setup(const LaneJob<T>& job) {
    corners = corner_targets<T>(job.c);
    k = rule_constants<T>(job.c);
    begin_with_zero<T, H>(lane);
  }
  XS_HDI void start(const LaneJob<T>& job, uint64_t i) {
    Net<T, H> p = job_net<T, H>(job);
    start_state(job, i, p, x, t);
    lane.begin(p);
  }
  XS_HDI bool step(const LaneJob<T>& job) {
    if (job.c.batch == 4) return lane.step(job.c.act, corners, k, job.stop, job.c.max_iterations);
    return lane.step(job.c.act, PointBatch<T>{job.c.batch, x, t}, k, job.stop, job.c.max_iterations);
  }
  XS_HDI void store(const LaneJob<T>& job, uint64_t i) const { store_lane<T, H>(lane, job, i); }
};

// The lane loop, run by every lane of a warp together (kernels/fused_trainer.cu's lanes_kernel; the host
// simulates warps the same way in tests/test_lane_refill.cpp):
//
//   active = lane_begin(...);                         // the lane's first network, if any is left
//   if (!any(active)) return;
//   for (;;) {
//     done = r.step(job);                             // every lane, every iteration: the hot path
//     if (any(done && active)) {                      // warp-uniform: votes, not divergent branches
//       if (done && active) active = lane_refill(...);  // store, claim the next index, start it
//       if (!any(active)) break;
//     }
//   }
//
// Why votes: with a plain per-lane `if (step()) refill();` nvcc rotates the loop into an inner
// "step until done" loop with a reconvergence barrier (BSSY/BSYNC) after it, so a lane whose network
// stopped waits there for the slowest lane of its warp, which is the idling that lane refill exists to
// remove. A lane with no work left keeps stepping its last network's state (harmless, never stored)
// until the warp's last network stops: that is the unavoidable tail.

// A lane's first network, or none (the lane still takes part in the warp's loop). fetch() returns the next
// unclaimed index (atomicAdd on the device), >= job.count when none is left. Requires
// job.c.max_iterations >= 1.
template <class Runner, class T, class Fetch>
XS_HDI bool lane_begin(Runner& r, uint64_t& i, const LaneJob<T>& job, Fetch& fetch) {
  r.setup(job);
  i = fetch();
  if (i >= job.count) return false;
  r.start(job, i);
  return true;
}

// After the lane's network stopped: store it, claim the next index and start it. Returns whether the lane
// has a network.
template <class Runner, class T, class Fetch>
XS_HDI bool lane_refill(Runner& r, uint64_t& i, const LaneJob<T>& job, Fetch& fetch) {
  r.store(job, i);
  i = fetch();
  if (i >= job.count) return false;
  r.start(job, i);
  return true;
}

// Pass 3: network i's outcome from its final parameters, iterations and last loss.
template <class Math, class T, int H>
XS_HDI void evaluate_pass(const LaneJob<T>& job, uint64_t i) {
  Net<T, H> p = job_net<T, H>(job);
  load_params(final_of<T, H>(job, i), p);
  NetworkOutcome<T> o;
  finish_network<Math>(job.c, job.stop, p, job.out.iterations[i], static_cast<T>(job.out.final_loss[i]),
                       corner_targets<T>(job.c), o);
  write_outcome(job.out, i, o, p);
}

}  // namespace xorseed
