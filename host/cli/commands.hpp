// Each subcommand registers itself on the root app; its callback does the work and may throw
// UsageError (exit 2) for bad input.
#pragma once
#include <CLI/CLI.hpp>

namespace xorseed::cli {

void add_train_command(CLI::App& app);
void add_study_command(CLI::App& app);
void add_replay_command(CLI::App& app);
void add_merge_command(CLI::App& app);
void add_diagnose_command(CLI::App& app);  // end points of a study's networks
void add_regress_command(CLI::App& app);    // the seed's Example 1 (least squares)
void add_analytic_command(CLI::App& app);   // the seed's Example 2 (sin(asin x1 + asin x2))

}  // namespace xorseed::cli
