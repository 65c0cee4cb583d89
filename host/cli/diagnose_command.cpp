// `xorseed diagnose`: why a study's networks ended where they did (host/study/study_diagnostics.hpp):
// reads DIR/spec.json and DIR/networks.csv and writes DIR/diagnostics.{json,md,csv}.
#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "host/study/study_diagnostics.hpp"
#include "host/cli/commands.hpp"

namespace xorseed::cli {

namespace {

struct DiagnoseArgs {
  std::string study, tol = "1e-6", saturation = "4", sample = "0";
};

void run(const DiagnoseArgs& a) {
  const StudyDiagnostics d = run_diagnose(a.study, a.tol, a.saturation, a.sample, stderr);
  const std::string md = d.to_markdown();  // its "Local minima" section on stdout
  const size_t from = md.find("## Local minima"), to = md.find("## Configuration");
  std::fputs(md.substr(from, to - from).c_str(), stdout);
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
