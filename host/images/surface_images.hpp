// A function z(x, y) sampled on a grid, and its rotating 3-D surface as an animated GIF (the
// seed's "Continuous XOR Approximation" pictures). Built on Cairo and giflib when they were
// found at configure time; otherwise write_surface_gif throws UsageError saying so.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "core/network_config.hpp"

namespace xorseed {

struct SurfaceGrid {
  std::vector<double> xs, ys;  // grid coordinates, ascending
  std::vector<double> z;       // z[j * xs.size() + i] = f(xs[i], ys[j])
  double at(size_t i, size_t j) const { return z[j * xs.size() + i]; }
};

// f on the square [lo, hi]^2 at lo, lo + step, ..., hi (the seed: [-0.1, 1] by 0.05, 23 x 23).
SurfaceGrid sample_surface(const std::function<double(double, double)>& f, double lo, double hi, double step);

// A trained 2-H-1 network's output y(x1, x2) (params in ParamLayout order) on the seed's square,
// [-0.1, 1] by 0.05.
SurfaceGrid network_surface(const NetworkConfig& config, const std::vector<double>& params);

struct SurfaceGifOptions {
  std::string title = "Continuous XOR Approximation";
  std::string x_label = "x1", y_label = "x2", z_label = "y";
  int width = 600, height = 400;
  int frames = 157;
  int delay_cs = 10;     // per frame, in 1/100 s
  int frame_stride = 1;  // keep every stride-th frame of the sweep (small previews); 1 = all
};

// The pitch of frame k: 1.57 - |1.57 - k / 50| (up from side-on to top-down and back), yaw 0.5.
double surface_frame_pitch(int frame);

// Writes the animated GIF (looping); throws std::runtime_error when the file cannot be written.
void write_surface_gif(const std::string& path, const SurfaceGrid& grid, const SurfaceGifOptions& options = {});

}  // namespace xorseed
