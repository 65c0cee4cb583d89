// Drawing a study's plots from its series (StudyPlotsData) into DIR/plots/. A thin step over the
// chart module (host/images/cairo/chart.hpp): compiled in when images are on and the chart module is
// present, otherwise write_study_plots draws nothing and says why.
#pragma once
#include <string>
#include <vector>

#include "host/study/study_plots_data.hpp"

namespace xorseed {

// Writes the PNGs and returns their paths; returns none (and sets `why`) when this build has no
// chart module. The line and band charts show the configurations of data.shown (at most
// kMaxPlottedConfigs, study_plots_data.hpp); the success chart shows all.
std::vector<std::string> write_study_plots(const StudyPlotsData& data, const std::string& dir, std::string& why);

}  // namespace xorseed
