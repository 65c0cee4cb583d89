// Viridis, the perceptually uniform colour map (10 stops of R's viridis(10), interpolated).
#pragma once
#include "host/images/cairo/canvas.hpp"

namespace xorseed::plot {

// t in [0, 1] (clamped; NaN gives the low end).
Color viridis(double t);

}  // namespace xorseed::plot
