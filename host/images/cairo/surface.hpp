// A 3-D surface z(x, y) in perspective: the grid's quads filled back to front (painter's
// algorithm) and coloured by height with viridis, inside an axis box with grid lines and tick
// labels, the title on top.
#pragma once
#include <cmath>
#include <string>

#include "host/images/surface_images.hpp"
#include "host/images/cairo/canvas.hpp"

namespace xorseed::plot {

struct SurfaceView {
  double pitch = 0.5;  // camera elevation, radians: 0 side-on, pi/2 top-down
  double yaw = 0.5;    // rotation about the vertical axis, radians
  std::string title, x_label = "x1", y_label = "x2", z_label = "y";
  double z_min = NAN, z_max = NAN;  // colour and box range; NaN = from the data (nice ticks)
  bool mesh = true;                 // thin darker lines along the quad edges
};

// Draws into the whole of `cr`'s width x height.
void draw_surface(cairo_t* cr, int width, int height, const SurfaceGrid& grid, const SurfaceView& view);

// A new white ARGB32 image with the surface drawn (the caller destroys it).
cairo_surface_t* render_surface(int width, int height, const SurfaceGrid& grid, const SurfaceView& view);

}  // namespace xorseed::plot
