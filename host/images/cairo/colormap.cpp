#include "host/images/cairo/colormap.hpp"

#include <algorithm>
#include <cmath>

namespace xorseed::plot {

Color viridis(double t) {
  static const unsigned char kStops[10][3] = {{0x44, 0x01, 0x54}, {0x48, 0x28, 0x78}, {0x3E, 0x4A, 0x89},
                                              {0x31, 0x68, 0x8E}, {0x26, 0x82, 0x8E}, {0x1F, 0x9E, 0x89},
                                              {0x35, 0xB7, 0x79}, {0x6D, 0xCD, 0x59}, {0xB4, 0xDE, 0x2C},
                                              {0xFD, 0xE7, 0x25}};
  if (!(t > 0)) t = 0;
  t = std::min(t, 1.0) * 9;
  const int i = std::min(8, static_cast<int>(t));
  const double f = t - i;
  auto mix = [&](int c) { return ((1 - f) * kStops[i][c] + f * kStops[i + 1][c]) / 255.0; };
  return {mix(0), mix(1), mix(2)};
}

}  // namespace xorseed::plot
