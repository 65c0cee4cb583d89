#include <cmath>

#include "surface_images.hpp"

namespace xorseed {

SurfaceGrid sample_surface(const std::function<double(double, double)>& f, double lo, double hi, double step) {
  SurfaceGrid g;
  const int n = static_cast<int>(std::lround((hi - lo) / step)) + 1;
  for (int i = 0; i < n; ++i) g.xs.push_back(lo + i * step);
  g.ys = g.xs;
  g.z.resize(static_cast<size_t>(n) * n);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) g.z[static_cast<size_t>(j) * n + i] = f(g.xs[i], g.ys[j]);
  return g;
}

double surface_frame_pitch(int frame) { return 1.57 - std::fabs(1.57 - frame / 50.0); }

}  // namespace xorseed
