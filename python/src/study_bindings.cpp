// run_study(): `xorseed study` from Python. The spec is built as the CLI builds it (set_spec_value per
// flag text, or a spec's JSON), the study runs in its directory exactly as the CLI's does (same files,
// same summary), with the GIL released; after every saved chunk the GIL is taken back briefly to check
// for Ctrl-C and to call the progress callback. A KeyboardInterrupt (or an exception of the callback)
// stops the study there: every chunk so far saved, nothing half-written, resumable with resume=True.
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>

#include "core/network_axes.hpp"
#include "core/usage_error.hpp"
#include "host/study/networks_csv.hpp"
#include "host/study/study_diagnostics.hpp"
#include "host/study/study_runner.hpp"
#include "host/study/study_spec.hpp"
#include "python/src/bindings.hpp"
#include "python/src/owned_array.hpp"
#include "python/src/python_stderr.hpp"

namespace xorseed::py {

namespace {

// The flag of a spec key, as the CLI spells it: an axis's own flag, else --key with '-' for '_'.
std::string flag_of(const std::string& key) {
  if (const NetworkAxis* a = find_network_axis(key)) return a->flag;
  std::string flag = "--" + key;
  for (char& c : flag)
    if (c == '_') c = '-';
  return flag;
}

// Thrown by the after-chunk hook when Python has an exception pending (KeyboardInterrupt, or one
// raised by the progress callback); run_study's caller re-raises it with the GIL held.
struct PythonErrorPending {};

void run_study_py(const nb::dict& values, const std::string& spec_json, const std::string& spec_file, const std::string& out,
                  const std::string& device, bool per_network, bool resume, uint64_t chunk_size,
                  const std::string& shard, bool images, const std::string& log_to, nb::object after_chunk) {
  StudySpec spec;
  std::string first_flag;  // the first spec value given, for the --spec conflict message
  for (const auto& [k, v] : values) {
    const std::string key = nb::cast<std::string>(k);
    if (first_flag.empty()) first_flag = flag_of(key);
    if (spec_json.empty() && spec_file.empty()) set_spec_value(spec, key, flag_of(key), nb::cast<std::string>(v));
  }
  StudyRunOptions opt;
  opt.handle_signals = false;  // Python's SIGINT handler stays: after_chunk turns it into KeyboardInterrupt
  const bool spec_given = !spec_json.empty() || !spec_file.empty();
  if (spec_given) {
    if (per_network || !first_flag.empty())
      throw UsageError(fmt::format("{}: cannot be combined with --spec; edit the spec file instead",
                                   per_network ? "--per-network" : first_flag));
    if (!spec_file.empty()) {
      spec = read_spec_file(spec_file);
    } else {
      nlohmann::json j;
      try {
        j = nlohmann::json::parse(spec_json);
      } catch (const nlohmann::json::exception& e) {
        throw UsageError(fmt::format("spec: not valid JSON ({})", e.what()));
      }
      spec = spec_from_json(j, "spec");
    }
  } else {
    spec.per_network = per_network;
  }
  opt.out_dir = out;
  opt.resume = resume;
  opt.spec_given = spec_given || per_network || !first_flag.empty();
  opt.device = device;
  if (!device.empty()) parse_backend("--device", device);
  parse_shard(shard.empty() ? "1/1" : shard, opt.shard_index, opt.shard_count);
  opt.shard_given = !shard.empty();  // empty: 1/1, or on resume the directory's
  opt.max_chunk = chunk_size;
  opt.images = images;
  opt.table = nullptr;  // the summary comes back as the result
  FilePtr log = log_to == "stderr" ? python_stderr_stream() : null_stream();
  opt.progress_bar = log_to == "stderr" && after_chunk.is_none();
  opt.after_chunk = [&after_chunk](uint64_t done, uint64_t total) {
    nb::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) throw PythonErrorPending{};
    if (after_chunk.is_none()) return;
    try {
      after_chunk(done, total);
    } catch (nb::python_error& e) {
      e.restore();
      throw PythonErrorPending{};
    }
  };
  try {
    nb::gil_scoped_release unlocked;
    run_study(std::move(spec), opt, log.get());
  } catch (const PythonErrorPending&) {
    throw nb::python_error();
  }
}

// networks.csv as columns, each an array that owns its memory (moved from the reader's vectors).
nb::dict read_networks_csv(const std::string& path) {
  NetworksCsv t;
  {
    nb::gil_scoped_release unlocked;
    t = NetworksCsv::read(path);
  }
  const size_t n = t.rows;
  nb::dict d;
  d["config_id"] = owned_array(std::move(t.config_id));
  d["network"] = owned_array(std::move(t.network));
  d["class_code"] = owned_array(std::move(t.failure_class));
  d["accuracy"] = owned_array(std::move(t.accuracy));
  d["iterations"] = owned_array(std::move(t.iterations));
  d["converged"] = owned_array(std::move(t.converged));
  d["diverged"] = owned_array(std::move(t.diverged));
  d["final_loss"] = owned_array(std::move(t.final_loss));
  d["rmse"] = owned_array(std::move(t.rmse));
  d["cos_initial"] = owned_array(std::move(t.cos_initial));
  d["cos_final"] = owned_array(std::move(t.cos_final));
  d["predictions"] = owned_array(std::move(t.predictions), {n, size_t{4}});
  d["params"] = owned_array(std::move(t.params), {n, t.param_columns});
  return d;
}

// `xorseed diagnose` on a study directory; returns diagnostics.json's text.
std::string diagnose_py(const std::string& dir, const std::string& tol, const std::string& saturation,
                        const std::string& sample, bool progress) {
  nb::gil_scoped_release unlocked;
  return run_diagnose(dir, tol, saturation, sample, progress ? stderr : nullptr).to_json().dump();
}

}  // namespace

void bind_study(nb::module_& m) {
  m.def("run_study", &run_study_py, nb::arg("values"), nb::arg("spec_json"), nb::arg("spec_file"), nb::arg("out"), nb::arg("device"),
        nb::arg("per_network"), nb::arg("resume"), nb::arg("chunk_size"), nb::arg("shard"), nb::arg("images"),
        nb::arg("log"), nb::arg("after_chunk").none(),
        "Run (or resume) a study into out, as `xorseed study` does (values: spec key -> flag text).");
  m.def("read_networks_csv", &read_networks_csv, nb::arg("path"), "networks.csv as NumPy columns.");
  m.def("diagnose", &diagnose_py, nb::arg("study"), nb::arg("tol"), nb::arg("saturation"), nb::arg("sample"),
        nb::arg("progress"), "Diagnose a study's end points as `xorseed diagnose` does; diagnostics.json's text.");
}

}  // namespace xorseed::py
