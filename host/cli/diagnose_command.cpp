// `xorseed diagnose`: why a study's networks ended where they did (host/study/study_diagnostics.hpp):
// reads DIR/spec.json and DIR/networks.csv and writes DIR/diagnostics.{json,md,csv}.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "core/number_parse.hpp"
#include "host/io/atomic_file.hpp"
#include "host/study/study_diagnostics.hpp"
#include "host/study/study_dir.hpp"
#include "host/study/study_progress.hpp"
#include "host/cli/commands.hpp"

namespace xorseed::cli {

namespace {

struct DiagnoseArgs {
  std::string study, tol = "1e-6", saturation = "4", sample = "0";
};

void run(const DiagnoseArgs& a) {
  DiagnoseOptions o;
  o.tol = parse_positive_double("--tol", a.tol);
  o.saturation = parse_positive_double("--saturation", a.saturation);
  o.sample = parse_uint64("--sample", a.sample);
  const int lock = lock_study_dir(a.study, false, "--study");  // a study still writing holds it exclusively
  const auto start = std::chrono::steady_clock::now();
  std::unique_ptr<StudyProgress> bar;
  const StudyDiagnostics d = diagnose_study(a.study, "--study", o, [&](size_t done, size_t total) {
    if (!bar) {
      fmt::print(stderr, "xorseed diagnose: {} network(s) of study '{}'\n", total, a.study);
      bar = std::make_unique<StudyProgress>(stderr, total, 0, false);
    }
    bar->update(done, 0);
  });
  if (bar) bar->finish();
  write_file_atomically(a.study + "/diagnostics.json", d.to_json().dump(1) + "\n");
  write_file_atomically(a.study + "/diagnostics.md", d.to_markdown());
  write_file_atomically(a.study + "/diagnostics.csv", d.csv);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print(stderr, "report: {0}/diagnostics.md, {0}/diagnostics.json, {0}/diagnostics.csv ({1:.2f} s)\n", a.study,
             seconds);
  const std::string md = d.to_markdown();
  const size_t from = md.find("## Local minima"), to = md.find("## Configuration");
  std::fputs(md.substr(from, to - from).c_str(), stdout);
  (void)lock;
}

}  // namespace

void add_diagnose_command(CLI::App& app) {
  auto args = std::make_shared<DiagnoseArgs>();
  auto* cmd = app.add_subcommand(
      "diagnose", "Classify the end points of a study's networks: Hessian eigenvalues, gradient, saturation");
  cmd->add_option("--study", args->study, "the study directory (run with --per-network: needs networks.csv)")
      ->required()
      ->type_name("DIR");
  cmd->add_option("--tol", args->tol, "eigenvalue tolerance: |lambda| <= tol is flat (default 1e-6)")->type_name("X");
  cmd->add_option("--saturation", args->saturation,
                  "|pre-activation| above which a hidden unit is saturated on a corner (default 4)")
      ->type_name("X");
  cmd->add_option("--sample", args->sample, "at most N networks per configuration, the first in the file (default 0: all)")
      ->type_name("N");
  cmd->footer(
      "Writes DIR/diagnostics.md (a table per configuration: failure class x end-point kind), diagnostics.json and\n"
      "diagnostics.csv (one row per network); docs/semantics.md §15 defines them.\n\n"
      "Examples:\n"
      "  xorseed study --seeds 1000 --hidden 2,3 --per-network --out s\n"
      "  xorseed diagnose --study s\n"
      "  xorseed diagnose --study s --tol 1e-8 --sample 100");
  cmd->callback([args] { run(*args); });
}

}  // namespace xorseed::cli
