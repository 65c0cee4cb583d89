#include "host/images/cairo/surface.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "host/images/plot_scale.hpp"
#include "host/images/cairo/colormap.hpp"

namespace xorseed::plot {
namespace {

constexpr double kBoxHeight = 0.7;   // half-height of the box; x and y span [-1, 1]
constexpr double kDistance = 6.0;    // camera distance, in box half-widths

struct Vec3 {
  double x, y, z;
};
struct Projected {
  double sx, sy, depth;
};

// World: x, y in [-1, 1], z in [-kBoxHeight, kBoxHeight]. The camera orbits by yaw about z and
// is raised by pitch; depth grows away from it.
class Camera {
 public:
  Camera(double pitch, double yaw, double cx, double cy, double scale)
      : cp_(std::cos(pitch)), sp_(std::sin(pitch)), cy_(std::cos(yaw)), sy_(std::sin(yaw)), cx0_(cx), cy0_(cy),
        scale_(scale) {}
  Projected operator()(const Vec3& p) const {
    const double u = p.x * cy_ - p.y * sy_;
    const double w = p.x * sy_ + p.y * cy_;
    const double v = w * sp_ + p.z * cp_;
    const double depth = w * cp_ - p.z * sp_;
    const double f = kDistance / (kDistance + depth);
    return {cx0_ + scale_ * u * f, cy0_ - scale_ * v * f, depth};
  }

 private:
  double cp_, sp_, cy_, sy_, cx0_, cy0_, scale_;
};

void polygon(cairo_t* cr, const Camera& cam, std::initializer_list<Vec3> pts) {
  bool first = true;
  for (const Vec3& p : pts) {
    const Projected q = cam(p);
    if (first)
      cairo_move_to(cr, q.sx, q.sy);
    else
      cairo_line_to(cr, q.sx, q.sy);
    first = false;
  }
  cairo_close_path(cr);
}

void segment(cairo_t* cr, const Camera& cam, Vec3 a, Vec3 b) {
  const Projected p = cam(a), q = cam(b);
  cairo_move_to(cr, p.sx, p.sy);
  cairo_line_to(cr, q.sx, q.sy);
}

struct Quad {
  double depth;
  double height;  // mean z, normalised to [0, 1]
  Vec3 corners[4];
};

// The largest scale at which the box fits in width x height around the centre for every pitch
// in [0, pi/2] at this yaw, so that an animation over the pitch keeps one size.
double fit_scale(double yaw, double width, double height) {
  double half_w = 0, half_h = 0;
  for (int k = 0; k <= 32; ++k) {
    const Camera unit(k * (M_PI / 2) / 32, yaw, 0, 0, 1);
    for (int corner = 0; corner < 8; ++corner) {
      const Projected p = unit({corner & 1 ? 1.0 : -1.0, corner & 2 ? 1.0 : -1.0, corner & 4 ? kBoxHeight : -kBoxHeight});
      half_w = std::max(half_w, std::fabs(p.sx));
      half_h = std::max(half_h, std::fabs(p.sy));
    }
  }
  return std::max(1.0, std::min(width / 2 / half_w, height / 2 / half_h));
}

// Labels drawn so far; a label that would overlap one of them is left out.
class LabelSpace {
 public:
  explicit LabelSpace(cairo_t* cr) : cr_(cr) {}
  // Draws text centred at (x, y) unless it would collide; returns whether it drew.
  bool place(const std::string& text, double x, double y, double h_align = 0.5) {
    cairo_text_extents_t te;
    cairo_text_extents(cr_, text.c_str(), &te);
    const double x0 = x - te.x_advance * h_align - 2, x1 = x0 + te.x_advance + 4;
    const double y0 = y - 7, y1 = y + 7;
    for (const auto& r : taken_)
      if (x0 < r[2] && x1 > r[0] && y0 < r[3] && y1 > r[1]) return false;
    taken_.push_back({x0, y0, x1, y1});
    draw_text(cr_, text, x, y, h_align, 0.5);
    return true;
  }

 private:
  cairo_t* cr_;
  std::vector<std::array<double, 4>> taken_;
};

}  // namespace

void draw_surface(cairo_t* cr, int width, int height, const SurfaceGrid& grid, const SurfaceView& view) {
  cairo_save(cr);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  const size_t nx = grid.xs.size(), ny = grid.ys.size();
  if (nx < 2 || ny < 2) {
    cairo_restore(cr);
    return;
  }

  // Ranges and ticks.
  double zlo = view.z_min, zhi = view.z_max;
  if (!std::isfinite(zlo) || !std::isfinite(zhi)) {
    double lo = INFINITY, hi = -INFINITY;
    for (double v : grid.z)
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    if (!(lo <= hi)) lo = 0, hi = 1;
    const Ticks t = nice_ticks(lo, hi, 6);
    if (!std::isfinite(zlo)) zlo = t.lo;
    if (!std::isfinite(zhi)) zhi = t.hi;
  }
  if (!(zhi > zlo)) zhi = zlo + 1;
  const double x0 = grid.xs.front(), x1 = grid.xs.back(), y0 = grid.ys.front(), y1 = grid.ys.back();
  auto wx = [&](double x) { return -1 + 2 * (x - x0) / (x1 - x0); };
  auto wy = [&](double y) { return -1 + 2 * (y - y0) / (y1 - y0); };
  auto wz = [&](double z) {
    const double t = std::isfinite(z) ? std::clamp((z - zlo) / (zhi - zlo), 0.0, 1.0) : 0.0;
    return -kBoxHeight + 2 * kBoxHeight * t;
  };
  auto inside = [](const Ticks& t, double lo, double hi) {
    std::vector<double> v;
    for (double x : t.values)
      if (x >= lo - 1e-9 && x <= hi + 1e-9) v.push_back(x);
    return v;
  };
  const Ticks tx = nice_ticks(x0, x1, 6), ty = nice_ticks(y0, y1, 6), tz = nice_ticks(zlo, zhi, 5);
  const std::vector<double> xt = inside(tx, x0, x1), yt = inside(ty, y0, y1), zt = inside(tz, zlo, zhi);

  const double title_h = view.title.empty() ? 4 : 30;
  const double cx = width / 2.0, cy = title_h + (height - title_h) / 2.0;
  const double scale = fit_scale(view.yaw, width - 2 * 48.0, height - title_h - 2 * 16.0);
  const Camera cam(view.pitch, view.yaw, cx, cy, scale);
  const double B = kBoxHeight;

  // Back walls: of each pair of opposite walls, the one farther from the camera.
  const bool back_x_plus = cam({1, 0, 0}).depth > cam({-1, 0, 0}).depth;
  const bool back_y_plus = cam({0, 1, 0}).depth > cam({0, -1, 0}).depth;
  const double bx = back_x_plus ? 1 : -1, by = back_y_plus ? 1 : -1;
  cairo_set_line_width(cr, 1);
  cairo_set_source_rgb(cr, 0.95, 0.95, 0.95);
  polygon(cr, cam, {{-1, -1, -B}, {1, -1, -B}, {1, 1, -B}, {-1, 1, -B}});
  cairo_fill(cr);
  polygon(cr, cam, {{bx, -1, -B}, {bx, 1, -B}, {bx, 1, B}, {bx, -1, B}});
  cairo_fill(cr);
  polygon(cr, cam, {{-1, by, -B}, {1, by, -B}, {1, by, B}, {-1, by, B}});
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 0.8, 0.8, 0.8);
  cairo_set_line_width(cr, 0.8);
  for (double x : xt) {
    segment(cr, cam, {wx(x), -1, -B}, {wx(x), 1, -B});
    segment(cr, cam, {wx(x), by, -B}, {wx(x), by, B});
  }
  for (double y : yt) {
    segment(cr, cam, {-1, wy(y), -B}, {1, wy(y), -B});
    segment(cr, cam, {bx, wy(y), -B}, {bx, wy(y), B});
  }
  for (double z : zt) {
    segment(cr, cam, {bx, -1, wz(z)}, {bx, 1, wz(z)});
    segment(cr, cam, {-1, by, wz(z)}, {1, by, wz(z)});
  }
  cairo_stroke(cr);
  cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
  cairo_set_line_width(cr, 1);
  polygon(cr, cam, {{-1, -1, -B}, {1, -1, -B}, {1, 1, -B}, {-1, 1, -B}});
  segment(cr, cam, {bx, by, -B}, {bx, by, B});
  segment(cr, cam, {bx, -by, -B}, {bx, -by, B});
  segment(cr, cam, {-bx, by, -B}, {-bx, by, B});
  segment(cr, cam, {bx, -1, B}, {bx, 1, B});
  segment(cr, cam, {-1, by, B}, {1, by, B});
  cairo_stroke(cr);

  // The surface, farthest quads first.
  std::vector<Quad> quads;
  quads.reserve((nx - 1) * (ny - 1));
  for (size_t j = 0; j + 1 < ny; ++j)
    for (size_t i = 0; i + 1 < nx; ++i) {
      const double z00 = grid.at(i, j), z10 = grid.at(i + 1, j), z11 = grid.at(i + 1, j + 1), z01 = grid.at(i, j + 1);
      Quad q;
      q.corners[0] = {wx(grid.xs[i]), wy(grid.ys[j]), wz(z00)};
      q.corners[1] = {wx(grid.xs[i + 1]), wy(grid.ys[j]), wz(z10)};
      q.corners[2] = {wx(grid.xs[i + 1]), wy(grid.ys[j + 1]), wz(z11)};
      q.corners[3] = {wx(grid.xs[i]), wy(grid.ys[j + 1]), wz(z01)};
      const Vec3 centre{(q.corners[0].x + q.corners[2].x) / 2, (q.corners[0].y + q.corners[2].y) / 2,
                        (q.corners[0].z + q.corners[1].z + q.corners[2].z + q.corners[3].z) / 4};
      q.depth = cam(centre).depth;
      q.height = (centre.z + B) / (2 * B);
      quads.push_back(q);
    }
  std::sort(quads.begin(), quads.end(), [](const Quad& a, const Quad& b) { return a.depth > b.depth; });
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  // The edge stroke also closes the antialiasing seams between neighbouring quads.
  cairo_set_line_width(cr, view.mesh ? 0.6 : 1.0);
  for (const Quad& q : quads) {
    polygon(cr, cam, {q.corners[0], q.corners[1], q.corners[2], q.corners[3]});
    const Color c = viridis(q.height);
    set_color(cr, c);
    cairo_fill_preserve(cr);
    const double k = view.mesh ? 0.88 : 1.0;
    cairo_set_source_rgb(cr, c.r * k, c.g * k, c.b * k);
    cairo_stroke(cr);
  }

  // Tick labels on the front floor edges and the left vertical edge, axis labels beside them;
  // labels that would collide (edges seen end-on) are left out.
  cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
  LabelSpace labels(cr);
  const double fy = -by, fx = -bx;  // the front edges
  auto label_at = [&](const Vec3& edge_point, const Vec3& outward, const std::string& text, double gap) {
    const Projected p = cam(edge_point);
    const Projected o = cam({edge_point.x + outward.x, edge_point.y + outward.y, edge_point.z + outward.z});
    double dx = o.sx - p.sx, dy = o.sy - p.sy;
    const double len = std::hypot(dx, dy);
    if (len < 1e-6) return;
    dx /= len, dy /= len;
    // Push the label out by half its extent along the outward direction, plus a gap.
    const double push = gap + std::fabs(dx) * text_width(cr, text) / 2 + std::fabs(dy) * 6;
    labels.place(text, p.sx + dx * push, p.sy + dy * push);
  };
  set_font(cr, 12);
  label_at({0, fy, -B}, {0, fy, 0}, view.x_label, 26);
  label_at({fx, 0, -B}, {fx, 0, 0}, view.y_label, 26);
  // z: on whichever of the two side vertical edges is further left on screen, when it is seen
  // long enough to carry labels.
  const Vec3 za{bx, -by, 0}, zb{-bx, by, 0};
  const Vec3 ze = cam(za).sx < cam(zb).sx ? za : zb;
  const Projected z_top = cam({ze.x, ze.y, B}), z_bottom = cam({ze.x, ze.y, -B});
  const bool z_visible = std::hypot(z_top.sx - z_bottom.sx, z_top.sy - z_bottom.sy) > 60;
  if (z_visible) labels.place(view.z_label, z_top.sx - 8, z_top.sy - 14, 1);
  set_font(cr, 10);
  // Every k-th tick is labelled, k chosen so that neighbouring labels are `room` px apart on screen.
  auto stride = [&](const std::vector<double>& ticks, auto point, double room) {
    if (ticks.size() < 2) return size_t{1};
    const Projected a = cam(point(ticks[0])), b = cam(point(ticks[1]));
    const double gap = std::hypot(b.sx - a.sx, b.sy - a.sy);
    return static_cast<size_t>(std::max(1.0, std::ceil(room / std::max(gap, 1e-6))));
  };
  auto z_point = [&](double z) { return Vec3{ze.x, ze.y, wz(z)}; };
  auto x_point = [&](double x) { return Vec3{wx(x), fy, -B}; };
  auto y_point = [&](double y) { return Vec3{fx, wy(y), -B}; };
  if (z_visible)
    for (size_t i = 0, k = stride(zt, z_point, 18); i < zt.size(); i += k) {
      const Projected p = cam(z_point(zt[i]));
      labels.place(format_tick(zt[i], tz.step), p.sx - 6, p.sy, 1);
    }
  for (size_t i = 0, k = stride(xt, x_point, 34); i < xt.size(); i += k)
    label_at(x_point(xt[i]), {0, fy, 0}, format_tick(xt[i], tx.step), 6);
  for (size_t i = 0, k = stride(yt, y_point, 34); i < yt.size(); i += k)
    label_at(y_point(yt[i]), {fx, 0, 0}, format_tick(yt[i], ty.step), 6);
  if (!view.title.empty()) {
    set_font(cr, 15, true);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    draw_text(cr, view.title, width / 2.0, 24, 0.5, 1);
  }
  cairo_restore(cr);
}

cairo_surface_t* render_surface(int width, int height, const SurfaceGrid& grid, const SurfaceView& view) {
  cairo_surface_t* s = make_canvas(width, height);
  cairo_t* cr = cairo_create(s);
  draw_surface(cr, width, height, grid, view);
  cairo_destroy(cr);
  cairo_surface_flush(s);
  return s;
}

}  // namespace xorseed::plot
