// StudyProgress: a progress bar redrawn with \r when stderr is a terminal, a plain line every
// few seconds otherwise: networks done, network-iterations/s, ETA.
#pragma once
#include <chrono>
#include <cstdint>
#include <cstdio>

namespace xorseed {

class StudyProgress {
 public:
  // `already_done` networks were finished before this process (a resumed study). Without
  // iterations (with_iterations false) the rate shown is networks/s.
  StudyProgress(std::FILE* out, uint64_t total, uint64_t already_done, bool with_iterations = true);
  void update(uint64_t networks_done, uint64_t network_iterations_done);
  void finish();  // ends the bar's line

 private:
  void draw(bool final);
  std::FILE* out_;
  bool tty_, with_iterations_;
  uint64_t total_, start_done_, done_, iterations_ = 0;
  std::chrono::steady_clock::time_point start_, last_draw_;
  bool drawn_ = false;
};

}  // namespace xorseed
