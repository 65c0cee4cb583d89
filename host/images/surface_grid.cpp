#include <cmath>

#include "host/images/surface_images.hpp"

#include "kernels/network_init.hpp"
#include "kernels/activation.hpp"

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

SurfaceGrid network_surface(const NetworkConfig& config, const std::vector<double>& p) {
  const ParamLayout L{config.hidden};
  const auto y = [&](double x1, double x2) {
    double z = p[L.bo()];
    for (int j = 0; j < config.hidden; ++j)
      z += p[L.wo(j)] * activate(config.hidden_activation, p[L.wh(j, 0)] * x1 + p[L.wh(j, 1)] * x2 + p[L.bh(j)]);
    return activate(config.output_activation, z);
  };
  return sample_surface(y, -0.1, 1.0, 0.05);
}

double surface_frame_pitch(int frame) { return 1.57 - std::fabs(1.57 - frame / 50.0); }

}  // namespace xorseed
