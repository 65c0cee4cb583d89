// xorseed: seed studies of small XOR networks. Error policy: bad input is one line on stderr,
// "xorseed: error: <flag>: '<value>' ..." and exit code 2; --help prints help and exits 0.
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "core/usage_error.hpp"
#include "host/cli/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"xorseed: train thousands to hundreds of millions of small XOR networks at once and study how "
               "their outcome depends on the random seed and the hyperparameters."};
  app.name("xorseed");
  app.require_subcommand(1, 1);
  app.set_version_flag("--version", "xorseed 0.1.0");
  xorseed::cli::add_train_command(app);
  xorseed::cli::add_study_command(app);
  xorseed::cli::add_replay_command(app);
  xorseed::cli::add_merge_command(app);
  xorseed::cli::add_regress_command(app);
  xorseed::cli::add_analytic_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "xorseed: error: %s\n", e.what());
    return 2;
  } catch (const xorseed::UsageError& e) {
    std::fprintf(stderr, "xorseed: error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "xorseed: failed: %s\n", e.what());
    return 1;
  }
  return 0;
}
