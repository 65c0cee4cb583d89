// write_train_images: the seed document's pictures for one traced network.
#include "host/images/train_images.hpp"

#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

#include "kernels/network_init.hpp"
#include "host/io/atomic_file.hpp"
#include "host/images/surface_images.hpp"
#include "host/images/cairo/chart.hpp"

namespace xorseed {
namespace {

// One chart of a layer's per-neuron statistic (trace mean or variance) over the iterations.
plot::Chart layer_chart(const LayerTrace& layer, int index, bool variance, const std::vector<double>& iterations) {
  plot::Chart c;
  c.title = fmt::format(variance ? "The variance of the output of a mini-batch: (Layer:{}; {})"
                                 : "The average output of a mini-batch: (Layer:{}; {})",
                        index, layer.neurons);
  c.x.label = "iteration";
  c.y.label = variance ? "variance" : "mean";
  const std::vector<double>& values = variance ? layer.variance : layer.mean;
  const size_t steps = iterations.size();
  for (int k = 0; k < layer.neurons; ++k) {
    std::vector<double> y(steps);
    for (size_t t = 0; t < steps; ++t) y[t] = values[t * layer.neurons + k];
    c.series.push_back(plot::Series::line(fmt::format("neuron {}", k), iterations, std::move(y)));
  }
  return c;
}

plot::Chart cosine_chart(const Trace& trace, const std::vector<double>& iterations) {
  plot::Chart c;
  c.title = "Max row cosine similarity of the hidden weights";
  c.x.label = "iteration";
  c.y.label = "cosine";
  c.series.push_back(plot::Series::line("cos(W_h rows)", iterations, trace.cosine));
  return c;
}

}  // namespace

bool images_available() { return true; }

std::vector<std::string> write_train_images(const TrainImageRequest& request) {
  if (!request.config || !request.run) throw std::invalid_argument("write_train_images: config and run are required");
  const NetworkConfig& config = *request.config;
  const ReferenceRun& run = *request.run;
  const Trace& trace = run.trace;
  const size_t steps = trace.loss.size();
  if (steps == 0) throw std::invalid_argument("write_train_images: the run has no trace (record_trace = false)");
  for (const LayerTrace& layer : trace.layers)
    if (layer.mean.size() < steps * layer.neurons || layer.variance.size() < steps * layer.neurons)
      throw std::invalid_argument("write_train_images: the trace's layer records are incomplete");

  make_output_dir(request.dir.empty() ? "." : request.dir);
  const std::string base = (std::filesystem::path(request.dir.empty() ? "." : request.dir) / request.prefix).string();

  std::vector<double> iterations(steps);
  for (size_t t = 0; t < steps; ++t) iterations[t] = static_cast<double>(t + 1);

  std::vector<std::string> mean_paths, var_paths, panel_paths;
  for (int l = 0; l < 2; ++l) {
    const plot::Chart mean = layer_chart(trace.layers[l], l, false, iterations);
    const plot::Chart var = layer_chart(trace.layers[l], l, true, iterations);
    mean_paths.push_back(fmt::format("{}_{:02d}_mean.png", base, l));
    var_paths.push_back(fmt::format("{}_{:02d}_var.png", base, l));
    panel_paths.push_back(fmt::format("{}_{:02d}.png", base, l));
    plot::write_chart_png(mean, mean_paths.back());
    plot::write_chart_png(var, var_paths.back());
    plot::write_figure_png({mean, var, cosine_chart(trace, iterations)}, panel_paths.back());
  }

  const std::vector<double>& params = run.outcome.params;
  if (params.size() != static_cast<size_t>(ParamLayout{config.hidden}.count()))
    throw std::invalid_argument("write_train_images: the run's final parameters do not match the config");
  const std::string gif_path = base + ".gif";
  write_surface_gif(gif_path, network_surface(config, params));

  std::vector<std::string> paths = mean_paths;
  paths.insert(paths.end(), var_paths.begin(), var_paths.end());
  paths.insert(paths.end(), panel_paths.begin(), panel_paths.end());
  paths.push_back(gif_path);
  return paths;
}

}  // namespace xorseed
