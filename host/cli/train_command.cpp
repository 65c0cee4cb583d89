// `xorseed train`: the seed document's Example 3 for one network (placeholder until the
// foundation work lands the full report).
#include <fmt/format.h>

#include "../../reference/reference_trainer.hpp"
#include "commands.hpp"

namespace xorseed::cli {

void add_train_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("train", "Train one network and print the seed document's report");
  cmd->callback([] {
    const NetworkConfig config;
    const ReferenceRun run = reference_train(config, NetworkId{});
    fmt::print("Accuracy: {:.2f}%\n", run.outcome.accuracy * 100);
  });
}

}  // namespace xorseed::cli
