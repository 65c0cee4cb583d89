// TEMPORARY (study branch only): stands in for run_train_report until the train-report work is
// merged. The integrator deletes this file at merge.
#include <stdexcept>

#include "train_report.hpp"

namespace xorseed {

Outcome run_train_report(const TrainRequest&, std::FILE*) {
  throw std::logic_error("run_train_report: not merged yet");
}

}  // namespace xorseed
