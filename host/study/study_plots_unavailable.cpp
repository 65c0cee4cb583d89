// Compiled when the build has no images (Cairo or giflib not found): a study draws no plots and says
// why; the series stay in summary.json under "plots".
#include "host/study/study_plots.hpp"

namespace xorseed {

std::vector<std::string> write_study_plots(const StudyPlotsData&, const std::string&, std::string& why) {
  why = "this xorseed was built without the chart module (Cairo); the series are in summary.json under \"plots\"";
  return {};
}

}  // namespace xorseed
