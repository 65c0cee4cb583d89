// train(): one network by the Eigen reference with its full trace, as `xorseed train` trains it, and
// its seed-format report; init_params(): the initial parameters every backend draws
// (kernels/network_init.hpp).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/string.h>
#include <optional>

#include "core/network_axes.hpp"
#include "core/number_parse.hpp"
#include "core/usage_error.hpp"
#include "host/backends/trainer.hpp"
#include "host/report/train_report.hpp"
#include "kernels/initialiser.hpp"
#include "kernels/network_init.hpp"
#include "python/src/bindings.hpp"
#include "python/src/owned_array.hpp"

namespace xorseed::py {

namespace {

// The configuration the one-value network flags give, as `xorseed train` reads them: each given key's
// text parsed by its axis row (errors name the flag), then validate().
NetworkConfig config_from_texts(const nb::dict& texts) {
  NetworkConfig c;
  for (const auto& [k, v] : texts) {
    const std::string key = nb::cast<std::string>(k);
    const NetworkAxis* axis = find_network_axis(key);
    if (!axis) throw UsageError("--" + key + ": unknown network flag");
    axis->set(c, parse_axis_value(*axis, axis->flag, nb::cast<std::string>(v)));
  }
  validate(c);
  return c;
}

NetworkId network_id(const std::string& seed, const std::string& config_id, const std::string& network) {
  NetworkId id;
  id.seed = parse_uint64("--seed", seed);
  id.config_id = static_cast<uint32_t>(parse_uint64("--config-id", config_id, UINT32_MAX));
  id.network = parse_uint64("--network", network);
  return id;
}

// One trained network; its arrays go to Python without a copy (owned_array takes the vectors).
struct TrainResult {
  TrainRequest request;
  std::shared_ptr<const TracedRun> traced;  // the run; the trace arrays view it and keep it alive
  bool traced_full = false;

  std::string report(const std::string& log_format) const {
    if (!traced_full) throw UsageError("report: the network was trained with trace=False; train it with trace=True");
    TrainRequest r = request;
    if (log_format == "text") r.log_format = LogFormat::text;
    else if (log_format == "json") r.log_format = LogFormat::json;
    else throw UsageError("--log-format: '" + log_format + "' is not one of text, json");
    char* buffer = nullptr;
    size_t size = 0;
    std::FILE* f = open_memstream(&buffer, &size);
    if (!f) throw std::runtime_error("open_memstream failed");
    write_train_report(r, *traced, {}, f);
    std::fclose(f);
    std::string text(buffer, size);
    std::free(buffer);
    return text;
  }
};

// One Outcome field as Python sees it: a scalar as int/float/bool, corners and parameters as arrays.
template <class T>
nb::object field_value(const T& v) {
  return nb::cast(v);
}
nb::object field_value(const CornerValues& v) { return owned_array(std::vector<double>(v.begin(), v.end())); }
nb::object field_value(const std::vector<double>& v) { return owned_array(std::vector<double>(v)); }

// The Outcome as a dict, one item per row of XORSEED_OUTCOME_FIELDS, plus network and accuracy.
nb::dict outcome_dict(const Outcome& o) {
  nb::dict d;
  d["network"] = o.network;
#define XORSEED_OUTCOME_ITEM(name, column_type, member_type, width) d[#name] = field_value(o.name);
  XORSEED_OUTCOME_FIELDS(XORSEED_OUTCOME_ITEM)
#undef XORSEED_OUTCOME_ITEM
  d["accuracy"] = o.accuracy();
  return d;
}

TrainResult train(const nb::dict& flags, const std::string& seed, const std::string& config_id,
                  const std::string& network, bool trace) {
  TrainResult r;
  r.request.config = config_from_texts(flags);
  r.request.id = network_id(seed, config_id, network);
  r.request.images = false;
  r.traced_full = trace;
  auto traced = std::make_shared<TracedRun>();
  {
    nb::gil_scoped_release unlocked;
    if (trace)
      *traced = train_traced(r.request.config, r.request.id);
    else
      traced->run = reference_train(r.request.config, r.request.id);
  }
  r.traced = std::move(traced);
  return r;
}

// The trace as NumPy arrays over iterations t = 1..T: loss (T), cosine (T), hidden_mean/variance
// (T x H), output_mean/variance (T x 1), bias_gradients (T x (H + 1)), and the parameters at the
// report's iterations (snapshot_iterations, snapshots: S x (4H + 1); 0 = initial, then 1, every
// 1000 and the last).
nb::dict trace_dict(const TrainResult& r) {
  if (!r.traced_full) throw UsageError("trace: the network was trained with trace=False");
  const ReferenceRun& run = r.traced->run;
  const size_t T = run.trace.loss.size(), H = static_cast<size_t>(r.request.config.hidden), P = 4 * H + 1;
  const std::shared_ptr<const void> keep = r.traced;
  nb::dict d;
  d["loss"] = shared_view(run.trace.loss, {T}, keep);
  d["cosine"] = shared_view(run.trace.cosine, {T}, keep);
  const char* names[2] = {"hidden", "output"};
  for (int l = 0; l < 2; ++l) {
    const size_t n = static_cast<size_t>(run.trace.layers[l].neurons);
    d[(std::string(names[l]) + "_mean").c_str()] = shared_view(run.trace.layers[l].mean, {T, n}, keep);
    d[(std::string(names[l]) + "_variance").c_str()] = shared_view(run.trace.layers[l].variance, {T, n}, keep);
  }
  d["bias_gradients"] = shared_view(run.trace.delta, {T, H + 1}, keep);
  std::vector<int32_t> at{0};
  std::vector<double> params(run.initial_params);
  for (const Snapshot& s : run.trace.snapshots)
    if (s.iteration > 0 && s.iteration <= static_cast<int>(T)) {
      at.push_back(s.iteration);
      params.insert(params.end(), s.params.begin(), s.params.end());
    }
  const size_t S = at.size();
  d["snapshot_iterations"] = owned_array(std::move(at));
  d["snapshots"] = owned_array(std::move(params), {S, P});
  d["initial_params"] = shared_view(run.initial_params, {P}, keep);
  d["inputs"] = shared_view(run.inputs, {run.inputs.size() / 2, size_t{2}}, keep);
  return d;
}

// The initial parameters of networks[i] of configuration config_id under seed: N x (4H + 1), ParamLayout
// order, as the backends start from them: the initialiser (--init, --init-cosine) in double, each
// value rounded once in float, as the float backends do (for --init uniform that is the kernels' draw).
template <class T>
nb::object initial_params(uint64_t seed, uint32_t config_id, const uint64_t* networks, size_t n, const NetworkConfig& c) {
  const size_t P = static_cast<size_t>(ParamLayout{c.hidden}.count());
  std::vector<T> out(n * P);
  {
    nb::gil_scoped_release unlocked;
    std::vector<double> p(P);
    for (size_t i = 0; i < n; ++i) {
      NetworkRng rng(seed, config_id, networks[i]);
      draw_initial_parameters(rng, c, p.data());
      for (size_t k = 0; k < P; ++k) out[i * P + k] = static_cast<T>(p[k]);
    }
  }
  return owned_array(std::move(out), {n, P});
}

nb::object init_params(const std::string& seed, const std::string& config_id,
                       nb::ndarray<const uint64_t, nb::ndim<1>, nb::c_contig, nb::device::cpu> networks,
                       const nb::dict& flags, const std::string& precision) {
  const NetworkConfig c = config_from_texts(flags);
  const NetworkId id = network_id(seed, config_id, "0");
  const Precision p = parse_precision("--precision", precision);
  if (p == Precision::f32) return initial_params<float>(id.seed, id.config_id, networks.data(), networks.shape(0), c);
  return initial_params<double>(id.seed, id.config_id, networks.data(), networks.shape(0), c);
}

// Networks first_network .. first_network + N - 1 of configuration config_id trained on a batch
// backend from given parameters (N x (4H + 1), float64, C order: BatchSpec::initial_params, the
// --init-file path without a file); the outcome columns as arrays, N rows each (predictions N x 4,
// params N x (4H + 1)).
nb::dict train_batch(nb::ndarray<const double, nb::ndim<2>, nb::c_contig, nb::device::cpu> given,
                     const nb::dict& flags, const std::string& seed, const std::string& config_id,
                     const std::string& first_network, const std::string& device, const std::string& precision,
                     const std::string& math) {
  BatchSpec spec;
  spec.config = config_from_texts(flags);
  if (has_init_cosine(spec.config))
    throw UsageError("--init-cosine: cannot be combined with given initial parameters (their angle is given)");
  const NetworkId id = network_id(seed, config_id, first_network);
  const size_t P = static_cast<size_t>(ParamLayout{spec.config.hidden}.count()), n = given.shape(0);
  if (given.shape(1) != P)
    throw UsageError("init_params: an array of " + std::to_string(n) + " x " + std::to_string(given.shape(1)) +
                     "; --hidden " + std::to_string(spec.config.hidden) + " needs 4H + 1 = " + std::to_string(P) +
                     " columns");
  if (n == 0) throw UsageError("init_params: an array of no rows; give one row per network");
  for (size_t k = 0; k < n * P; ++k)
    if (!std::isfinite(given.data()[k]))
      throw UsageError("init_params: row " + std::to_string(k / P) + ", column " + std::to_string(k % P) +
                       " is not finite");
  spec.seed = id.seed;
  spec.config_id = id.config_id;
  spec.first_network = id.network;
  spec.count = n;
  spec.precision = parse_precision("--precision", precision);
  spec.keep_params = true;
  spec.initial_params = given.data();
  std::string note;
  std::unique_ptr<Trainer> trainer = make_trainer(parse_backend("--device", device), note);
  const std::optional<MathMode> m = parse_math_choice("--math", math);
  spec.math = m ? *m : trainer->default_math(spec.precision);
  trainer->check_supported(spec);
  auto out = std::make_unique<OutcomeBatch>();
  {
    nb::gil_scoped_release unlocked;
    trainer->train(spec, *out);
  }
  nb::dict d;
  d["network"] = [&] {
    std::vector<uint64_t> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = id.network + i;
    return owned_array(std::move(v));
  }();
#define XORSEED_BATCH_ITEM(name, column_type, member_type, width)                                       \
  d[#name] = values_per_network(FieldWidth::width, spec.config.hidden) == 1                             \
                 ? owned_array(std::move(out->name))                                                    \
                 : owned_array(std::move(out->name),                                                    \
                               {n, static_cast<size_t>(values_per_network(FieldWidth::width, spec.config.hidden))});
  XORSEED_OUTCOME_FIELDS(XORSEED_BATCH_ITEM)
#undef XORSEED_BATCH_ITEM
  d["backend"] = backend_name(trainer->backend());
  return d;
}

}  // namespace

void bind_train(nb::module_& m) {
  nb::class_<TrainResult>(m, "TrainResult")
      .def_prop_ro("outcome", [](const TrainResult& r) { return outcome_dict(r.traced->run.outcome); })
      .def_prop_ro("trace", [](const TrainResult& r) -> nb::object {
        if (!r.traced_full) return nb::none();
        return trace_dict(r);
      })
      .def("report", &TrainResult::report, nb::arg("log_format") = "text",
           "The report `xorseed train --no-images` prints (text), or its JSON lines (json).");
  m.def("train", &train, nb::arg("flags"), nb::arg("seed"), nb::arg("config_id"), nb::arg("network"),
        nb::arg("trace"), "Train one network with the reference (flags: axis key -> value text).");
  m.def("init_params", &init_params, nb::arg("seed"), nb::arg("config_id"), nb::arg("networks"), nb::arg("flags"),
        nb::arg("precision"), "Initial parameters, N x (4H + 1), ParamLayout order.");
  m.def("train_batch", &train_batch, nb::arg("init_params"), nb::arg("flags"), nb::arg("seed"), nb::arg("config_id"),
        nb::arg("first_network"), nb::arg("device"), nb::arg("precision"), nb::arg("math"),
        "Train networks from given initial parameters on a batch backend; the outcome columns.");
}

}  // namespace xorseed::py
