#include "host/study/study_progress.hpp"

#include <string>

#include <unistd.h>

#include <fmt/format.h>

namespace xorseed {

namespace {
constexpr double kTerminalInterval = 0.1, kPlainInterval = 5.0;  // seconds between redraws / lines

std::string duration(double s) {
  if (!(s >= 0) || s > 1e7) return "?";
  const auto t = static_cast<long>(s + 0.5);
  return t >= 3600 ? fmt::format("{}h{:02}m", t / 3600, t / 60 % 60) : fmt::format("{}m{:02}s", t / 60, t % 60);
}
std::string rate_text(double x) {
  if (x >= 1e9) return fmt::format("{:.2f}G", x / 1e9);
  if (x >= 1e6) return fmt::format("{:.2f}M", x / 1e6);
  if (x >= 1e3) return fmt::format("{:.1f}k", x / 1e3);
  return fmt::format("{:.0f}", x);
}
}  // namespace

StudyProgress::StudyProgress(std::FILE* out, uint64_t total, uint64_t already_done, bool with_iterations)
    : out_(out),
      tty_(::isatty(::fileno(out)) != 0),
      with_iterations_(with_iterations),
      total_(total),
      start_done_(already_done),
      done_(already_done),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void StudyProgress::update(uint64_t networks_done, uint64_t network_iterations_done) {
  done_ = networks_done;
  iterations_ = network_iterations_done;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_draw_).count();
  if (since >= (tty_ ? kTerminalInterval : kPlainInterval)) {
    last_draw_ = now;
    draw(false);
  }
}

void StudyProgress::draw(bool final) {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(iterations_) / elapsed : 0;
  const double net_rate = elapsed > 0 ? static_cast<double>(done_ - start_done_) / elapsed : 0;
  const double eta = net_rate > 0 ? static_cast<double>(total_ - done_) / net_rate : -1;
  const double frac = total_ ? static_cast<double>(done_) / static_cast<double>(total_) : 1;
  const std::string text =
      fmt::format("{}/{} networks, {} {}/s, ETA {}", done_, total_, rate_text(with_iterations_ ? rate : net_rate),
                  with_iterations_ ? "network-iterations" : "networks", final ? duration(0) : duration(eta));
  if (tty_) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(frac * kWidth);
    fmt::print(out_, "\r[{}{}] {:5.1f} % {}\033[K", std::string(filled, '#'), std::string(kWidth - filled, '.'),
               100 * frac, text);
  } else {
    fmt::print(out_, "progress: {:.1f} % {}\n", 100 * frac, text);
  }
  std::fflush(out_);
  drawn_ = true;
}

void StudyProgress::finish() {
  draw(true);
  if (tty_) fmt::print(out_, "\n");
  std::fflush(out_);
}

}  // namespace xorseed
