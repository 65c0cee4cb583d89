// xorseed: seed studies of small XOR networks. Error policy (README.md "Errors"): bad input is
// one line on stderr, "xorseed: error: <flag>: '<value>' ...", and exit code 2, the parser's own
// errors included (host/cli/parse_errors.hpp); an internal or I/O failure, writing stdout
// included, is one line "xorseed: failed: ..." and exit 1; --help prints help and exits 0; bare
// `xorseed` prints the usage and the subcommands on stderr and exits 2.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "core/usage_error.hpp"
#include "host/cli/commands.hpp"
#include "host/cli/parse_errors.hpp"

namespace {

// 0, or 1 with one line when stdout could not be written (a full disk, a closed pipe).
int flush_stdout() {
  if (std::fflush(stdout) == 0 && !std::ferror(stdout)) return 0;
  std::fprintf(stderr, "xorseed: failed: cannot write to stdout: %s\n", std::strerror(errno ? errno : EIO));
  return 1;
}

// Under an MPI launcher, a rank other than 0 (host/study/study_mpi.hpp): its errors are rank 0's
// too (the same arguments), so rank 0 alone prints them; the exit code is the same.
bool quiet_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK"})
    if (const char* v = std::getenv(name)) return std::strcmp(v, "0") != 0;
  return false;
}

}  // namespace

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
  xorseed::cli::add_diagnose_command(app);
  xorseed::cli::add_regress_command(app);
  xorseed::cli::add_analytic_command(app);
  if (argc <= 1) {
    std::fputs(app.help().c_str(), stderr);
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    app.exit(e);
    return flush_stdout();
  } catch (const CLI::CallForAllHelp& e) {
    app.exit(e);
    return flush_stdout();
  } catch (const CLI::CallForVersion& e) {
    app.exit(e);
    return flush_stdout();
  } catch (const CLI::ParseError& e) {
    if (quiet_rank()) return 2;
    std::fprintf(stderr, "xorseed: error: %s\n", xorseed::cli::parse_error_message(app, e, argc, argv).c_str());
    return 2;
  } catch (const xorseed::UsageError& e) {
    std::fflush(stdout);
    if (quiet_rank()) return 2;
    std::fprintf(stderr, "xorseed: error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fflush(stdout);
    if (quiet_rank()) return 1;
    std::fprintf(stderr, "xorseed: failed: %s\n", e.what());
    return 1;
  }
  return flush_stdout();
}
