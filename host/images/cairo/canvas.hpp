// Small Cairo helpers shared by the chart and surface renderers: colours, the qualitative
// palette, DejaVu Sans text placed by anchor, and PNG output with a clear error.
#pragma once
#include <string>

#include <cairo.h>

namespace xorseed::plot {

struct Color {
  double r = 0, g = 0, b = 0;
};

// The i-th colour of a 10-colour qualitative palette (Tableau 10), cycling.
Color palette_color(int i);

inline void set_color(cairo_t* cr, const Color& c, double alpha = 1.0) {
  cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha);
}

// DejaVu Sans at `size` px (bold when asked), antialiased.
void set_font(cairo_t* cr, double size, bool bold = false);

// Draws `text` with its anchor point at (x, y): h_align 0 = left, 0.5 = centre, 1 = right;
// v_align 0 = top, 0.5 = middle, 1 = baseline. `angle` in radians (-pi/2: reads upwards).
void draw_text(cairo_t* cr, const std::string& text, double x, double y, double h_align, double v_align,
               double angle = 0);

double text_width(cairo_t* cr, const std::string& text);

// A white ARGB32 image surface of width x height; throws std::runtime_error when Cairo cannot.
cairo_surface_t* make_canvas(int width, int height);

// Writes the surface as PNG; throws std::runtime_error naming the path on failure.
void save_png(cairo_surface_t* surface, const std::string& path);

}  // namespace xorseed::plot
