#include "host/images/plot_scale.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace xorseed::plot {

double nice_number(double x, bool round) {
  if (!(x > 0) || !std::isfinite(x)) return 1.0;
  const double exponent = std::floor(std::log10(x));
  const double scale = std::pow(10.0, exponent);
  const double f = x / scale;  // in [1, 10)
  double nice;
  if (round)
    nice = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
  else
    nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  return nice * scale;
}

Ticks nice_ticks(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
  if (lo > hi) std::swap(lo, hi);
  if (hi - lo <= 1e-12 * std::max(std::fabs(lo), std::fabs(hi)) || hi == lo) {
    const double pad = lo == 0 ? 0.5 : std::fabs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  target = std::max(target, 2);
  Ticks t;
  t.step = nice_number((hi - lo) / (target - 1), true);
  t.lo = std::floor(lo / t.step + 1e-9) * t.step;
  t.hi = std::ceil(hi / t.step - 1e-9) * t.step;
  const int n = static_cast<int>(std::lround((t.hi - t.lo) / t.step));
  for (int i = 0; i <= n; ++i) {
    double v = t.lo + i * t.step;
    if (std::fabs(v) < t.step * 1e-9) v = 0;
    t.values.push_back(v);
  }
  return t;
}

Ticks log_ticks(double lo, double hi) {
  if (!(lo > 0) || !std::isfinite(lo)) lo = 1e-6;
  if (!(hi > lo) || !std::isfinite(hi)) hi = lo * 10;
  const int e0 = static_cast<int>(std::floor(std::log10(lo) + 1e-9));
  const int e1 = static_cast<int>(std::ceil(std::log10(hi) - 1e-9));
  Ticks t;
  const bool dense = e1 - e0 <= 2;
  const int stride = std::max(1, (e1 - e0 + 7) / 8);  // at most ~8 decade labels
  for (int e = e0; e <= e1; e += stride) {
    const double p = std::pow(10.0, e);
    t.values.push_back(p);
    if (dense && e < e1) {
      t.values.push_back(2 * p);
      t.values.push_back(5 * p);
    }
  }
  t.lo = std::pow(10.0, e0);
  t.hi = std::max(t.values.back(), std::pow(10.0, e1));
  if (t.values.back() < t.hi) t.values.push_back(t.hi);
  t.step = 0;  // log scale: labels use the value's own precision
  return t;
}

std::string format_tick(double value, double step) {
  char buf[64];
  if (step <= 0) step = std::fabs(value);  // log ticks: each label alone
  if (value == 0 || std::fabs(value) < std::fabs(step) * 1e-9) return "0";
  const double magnitude = std::max(std::fabs(value), std::fabs(step));
  if (magnitude >= 1e6 || std::fabs(step) < 1e-3) {
    std::snprintf(buf, sizeof buf, "%.3g", value);
    // Collapse "2e-05" to "2e-5" for compactness.
    std::string s = buf;
    const auto e = s.find("e");
    if (e != std::string::npos) {
      std::string mant = s.substr(0, e), exp = s.substr(e + 1);
      const bool neg = !exp.empty() && exp[0] == '-';
      if (!exp.empty() && (exp[0] == '-' || exp[0] == '+')) exp.erase(0, 1);
      while (exp.size() > 1 && exp[0] == '0') exp.erase(0, 1);
      s = mant + "e" + (neg ? "-" : "") + exp;
    }
    return s;
  }
  const int decimals = std::max(0, static_cast<int>(std::ceil(-std::log10(std::fabs(step)) - 1e-9)));
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  std::string s = buf;
  if (s.find_first_not_of("-0.") == std::string::npos) return "0";
  return s;
}

Polyline decimate_min_max(const std::vector<double>& x, const std::vector<double>& y, int columns) {
  Polyline out;
  const size_t n = std::min(x.size(), y.size());
  columns = std::max(columns, 1);
  if (n <= static_cast<size_t>(2 * columns)) {
    for (size_t i = 0; i < n; ++i)
      if (std::isfinite(x[i]) && std::isfinite(y[i])) out.x.push_back(x[i]), out.y.push_back(y[i]);
    return out;
  }
  const double x0 = x.front(), x1 = x[n - 1];
  const double width = (x1 - x0) / columns;
  size_t i = 0;
  while (i < n) {
    const int bucket = width > 0 ? std::min(columns - 1, static_cast<int>((x[i] - x0) / width)) : 0;
    size_t lo_i = n, hi_i = n;
    size_t j = i;
    for (; j < n; ++j) {
      const int b = width > 0 ? std::min(columns - 1, static_cast<int>((x[j] - x0) / width)) : 0;
      if (b != bucket) break;
      if (!std::isfinite(y[j])) continue;
      if (lo_i == n || y[j] < y[lo_i]) lo_i = j;
      if (hi_i == n || y[j] > y[hi_i]) hi_i = j;
    }
    if (lo_i != n) {
      const size_t first = std::min(lo_i, hi_i), second = std::max(lo_i, hi_i);
      out.x.push_back(x[first]);
      out.y.push_back(y[first]);
      if (second != first) out.x.push_back(x[second]), out.y.push_back(y[second]);
    }
    i = j;
  }
  return out;
}

}  // namespace xorseed::plot
