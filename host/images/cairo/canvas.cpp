#include "host/images/cairo/canvas.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "host/io/atomic_file.hpp"

namespace xorseed::plot {

Color palette_color(int i) {
  static const Color kTableau10[] = {
      {0.122, 0.467, 0.706}, {1.000, 0.498, 0.055}, {0.173, 0.627, 0.173}, {0.839, 0.153, 0.157},
      {0.580, 0.404, 0.741}, {0.549, 0.337, 0.294}, {0.890, 0.467, 0.761}, {0.498, 0.498, 0.498},
      {0.737, 0.741, 0.133}, {0.090, 0.745, 0.812}};
  const int n = static_cast<int>(sizeof kTableau10 / sizeof kTableau10[0]);
  return kTableau10[((i % n) + n) % n];
}

void set_font(cairo_t* cr, double size, bool bold) {
  cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  cairo_font_options_t* options = cairo_font_options_create();
  cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY);
  cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
  cairo_set_font_options(cr, options);
  cairo_font_options_destroy(options);
}

void draw_text(cairo_t* cr, const std::string& text, double x, double y, double h_align, double v_align,
               double angle) {
  cairo_text_extents_t te;
  cairo_text_extents(cr, text.c_str(), &te);
  cairo_font_extents_t fe;
  cairo_font_extents(cr, &fe);
  // v_align: 0 top (ascent below the anchor), 0.5 middle of the ascent, 1 baseline.
  const double dy = fe.ascent * (1 - v_align) * 0.78;  // cap height ~ 0.78 ascent for DejaVu
  cairo_save(cr);
  cairo_translate(cr, x, y);
  cairo_rotate(cr, angle);
  cairo_move_to(cr, -te.x_advance * h_align, dy);
  cairo_show_text(cr, text.c_str());
  cairo_restore(cr);
}

double text_width(cairo_t* cr, const std::string& text) {
  cairo_text_extents_t te;
  cairo_text_extents(cr, text.c_str(), &te);
  return te.x_advance;
}

cairo_surface_t* make_canvas(int width, int height) {
  cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    const std::string why = cairo_status_to_string(cairo_surface_status(s));
    cairo_surface_destroy(s);
    throw std::runtime_error("cairo: cannot create a " + std::to_string(width) + "x" + std::to_string(height) +
                             " image: " + why);
  }
  cairo_t* cr = cairo_create(s);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_destroy(cr);
  return s;
}

namespace {
cairo_status_t write_png_bytes(void* file, const unsigned char* data, unsigned int length) {
  try {
    static_cast<AtomicFile*>(file)->write(data, length);
    return CAIRO_STATUS_SUCCESS;
  } catch (const std::exception&) {
    return CAIRO_STATUS_WRITE_ERROR;
  }
}
}  // namespace

void save_png(cairo_surface_t* surface, const std::string& path) {
  cairo_surface_flush(surface);
  // An exclusive temporary beside the target, renamed: a reader never sees half a file, and no
  // link planted at either name is followed.
  AtomicFile file(path);
  const cairo_status_t status = cairo_surface_write_to_png_stream(surface, &write_png_bytes, &file);
  if (status != CAIRO_STATUS_SUCCESS)
    throw WriteError("cannot write '" + path + "': " + cairo_status_to_string(status));
  file.commit();
}

}  // namespace xorseed::plot
