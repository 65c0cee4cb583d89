#include "reference/reference_trainer.hpp"

#include <cmath>

#include <Eigen/Dense>

#include "kernels/network_init.hpp"
#include "kernels/row_cosine.hpp"
#include "kernels/activation.hpp"

namespace xorseed {

namespace {

using Matrix = Eigen::MatrixXd;
using Vector = Eigen::VectorXd;
using RowVector = Eigen::RowVectorXd;

// The network in matrix form: W_h (H x 2), b_h (H), W_o (1 x H), b_o (scalar).
struct Net {
  Matrix wh;
  Vector bh;
  RowVector wo;
  double bo = 0;

  Net(const std::vector<double>& p, int hidden) : wh(hidden, 2), bh(hidden), wo(hidden) {
    const ParamLayout L{hidden};
    for (int j = 0; j < hidden; ++j) {
      wh(j, 0) = p[L.wh(j, 0)];
      wh(j, 1) = p[L.wh(j, 1)];
      bh(j) = p[L.bh(j)];
      wo(j) = p[L.wo(j)];
    }
    bo = p[L.bo()];
  }

  std::vector<double> flat() const {
    const int hidden = static_cast<int>(bh.size());
    const ParamLayout L{hidden};
    std::vector<double> p(L.count());
    for (int j = 0; j < hidden; ++j) {
      p[L.wh(j, 0)] = wh(j, 0);
      p[L.wh(j, 1)] = wh(j, 1);
      p[L.bh(j)] = bh(j);
      p[L.wo(j)] = wo(j);
    }
    p[L.bo()] = bo;
    return p;
  }
};

Matrix apply(Activation a, const Matrix& z) {
  return z.unaryExpr([a](double v) { return activate(a, v); });
}
Matrix derivative(Activation a, const Matrix& s) {
  return s.unaryExpr([a](double v) { return derivative_from_output(a, v); });
}

struct Forward {
  Matrix h;   // H x B hidden outputs
  Matrix y;   // 1 x B network outputs
};

Forward forward(const Net& net, const NetworkConfig& c, const Matrix& x) {
  Forward f;
  f.h = apply(c.hidden_activation, (net.wh * x).colwise() + net.bh);
  f.y = apply(c.output_activation, (net.wo * f.h).array() + net.bo);
  return f;
}

struct Gradients {
  Matrix wh;
  Vector bh;
  RowVector wo;
  double bo = 0;
  double loss = 0;
};

// One iteration's forward and backward pass: accumulated (summed) gradients and the loss.
Gradients backward(const Net& net, const NetworkConfig& c, const Matrix& x, const RowVector& t, const Forward& f) {
  const RowVector e = f.y.row(0) - t;
  Gradients g;
  g.loss = e.squaredNorm() / static_cast<double>(x.cols());
  const RowVector delta_o = e.cwiseProduct(derivative(c.output_activation, f.y).row(0));
  g.wo = delta_o * f.h.transpose();
  g.bo = delta_o.sum();
  const Matrix e_h = net.wo.transpose() * delta_o;  // H x B, weights before the update
  const Matrix delta_h = e_h.cwiseProduct(derivative(c.hidden_activation, f.h));
  g.wh = delta_h * x.transpose();
  g.bh = delta_h.rowwise().sum();
  return g;
}

Matrix inputs_matrix(const NetworkConfig& c, const std::vector<double>& inputs) {
  const int b = c.batch_size;
  Matrix x(2, b);
  for (int k = 0; k < b; ++k) {
    x(0, k) = inputs[2 * k];
    x(1, k) = inputs[2 * k + 1];
  }
  return x;
}

RowVector targets(const NetworkConfig& c, const Matrix& x) {
  RowVector t(x.cols());
  for (int k = 0; k < x.cols(); ++k) t(k) = target_value(c.target, x(0, k), x(1, k));
  return t;
}

bool all_finite(const std::vector<double>& v) {
  for (double d : v)
    if (!std::isfinite(d)) return false;
  return true;
}

}  // namespace

double max_row_cosine(const std::vector<double>& params, int hidden) {
  const ParamLayout L{hidden};
  double best = 0, best_abs = -1;
  for (int a = 0; a < hidden; ++a) {
    for (int b = a + 1; b < hidden; ++b) {
      const double cosine = row_cosine(params[L.wh(a, 0)], params[L.wh(a, 1)], params[L.wh(b, 0)], params[L.wh(b, 1)]);
      if (std::fabs(cosine) > best_abs) {
        best_abs = std::fabs(cosine);
        best = cosine;
      }
    }
  }
  return best;
}

void reference_initial_state(const NetworkConfig& config, const NetworkId& id, std::vector<double>& params,
                             std::vector<double>& inputs) {
  NetworkRng rng(id.seed, id.config_id, id.network);
  params.assign(ParamLayout{config.hidden}.count(), 0.0);
  draw_initial_parameters(rng, config.hidden, config.init_range, params.data());
  if (config.batch_size == 4) {
    inputs = {0, 0, 0, 1, 1, 0, 1, 1};
  } else {
    inputs.assign(2 * config.batch_size, 0.0);
    draw_training_inputs(rng, config.batch_size, inputs.data());
  }
}

double reference_loss_and_gradient(const NetworkConfig& config, const std::vector<double>& params,
                                   const std::vector<double>& inputs, std::vector<double>& grad) {
  const Net net(params, config.hidden);
  const Matrix x = inputs_matrix(config, inputs);
  const Gradients g = backward(net, config, x, targets(config, x), forward(net, config, x));
  Net as_net = net;
  const double inv_b = 1.0 / static_cast<double>(config.batch_size);
  as_net.wh = g.wh * inv_b;
  as_net.bh = g.bh * inv_b;
  as_net.wo = g.wo * inv_b;
  as_net.bo = g.bo * inv_b;
  grad = as_net.flat();
  return g.loss;
}

ReferenceRun reference_train(const NetworkConfig& config, const NetworkId& id, const ReferenceOptions& options) {
  std::vector<double> params, inputs;
  reference_initial_state(config, id, params, inputs);
  ReferenceRun run = reference_train_from(config, params, inputs, options);
  run.outcome.network = id.network;
  return run;
}

ReferenceRun reference_train_from(const NetworkConfig& config, const std::vector<double>& initial_params,
                                  const std::vector<double>& inputs, const ReferenceOptions& options) {
  const int hidden = config.hidden;
  const double inv_b = 1.0 / static_cast<double>(config.batch_size);
  ReferenceRun run;
  run.initial_params = initial_params;
  run.inputs = inputs;
  Trace& trace = run.trace;
  trace.layers[0].neurons = hidden;
  trace.layers[1].neurons = 1;
  if (options.record_trace) {
    const size_t n = static_cast<size_t>(config.max_iterations);
    trace.loss.reserve(n);
    trace.cosine.reserve(n);
    trace.delta.reserve(n * (hidden + 1));
    for (LayerTrace& layer : trace.layers) {
      layer.mean.reserve(n * layer.neurons);
      layer.variance.reserve(n * layer.neurons);
    }
  }
  auto wants_snapshot = [&](int iteration) {
    for (int s : options.snapshot_iterations)
      if (s == iteration) return true;
    return false;
  };

  Net net(initial_params, hidden);
  if (wants_snapshot(0)) trace.snapshots.push_back({0, net.flat()});
  const Matrix x = inputs_matrix(config, inputs);
  const RowVector t = targets(config, x);

  Outcome& out = run.outcome;
  out.cos_initial = max_row_cosine(initial_params, hidden);
  for (int it = 1; it <= config.max_iterations; ++it) {
    const Forward f = forward(net, config, x);
    const Gradients g = backward(net, config, x, t, f);
    if (options.record_trace) {
      const Matrix* outputs[2] = {&f.h, &f.y};
      for (int layer = 0; layer < 2; ++layer) {
        const Matrix& o = *outputs[layer];
        for (int k = 0; k < o.rows(); ++k) {
          const double mean = o.row(k).mean();
          trace.layers[layer].mean.push_back(mean);
          trace.layers[layer].variance.push_back((o.row(k).array() - mean).square().mean());
        }
      }
      for (int k = 0; k < hidden; ++k) trace.delta.push_back(g.bh(k));
      trace.delta.push_back(g.bo);
      trace.loss.push_back(g.loss);
    }
    net.wh -= config.lr * inv_b * g.wh;
    net.bh -= config.lr * inv_b * g.bh;
    net.wo -= config.lr * inv_b * g.wo;
    net.bo -= config.lr * inv_b * g.bo;
    if (options.record_trace) trace.cosine.push_back(max_row_cosine(net.flat(), hidden));
    if (wants_snapshot(it)) trace.snapshots.push_back({it, net.flat()});
    out.iterations = it;
    out.final_loss = g.loss;
    if (!std::isfinite(g.loss)) break;
    if (g.loss < config.stop_loss) {
      out.converged = true;
      break;
    }
  }

  out.params = net.flat();
  out.diverged = !std::isfinite(out.final_loss) || !all_finite(out.params);
  if (out.diverged) out.converged = false;
  out.cos_final = max_row_cosine(out.params, hidden);
  // Evaluation on the four corners.
  Matrix corners(2, 4);
  corners << 0, 0, 1, 1, 0, 1, 0, 1;
  const Forward f = forward(net, config, corners);
  int correct = 0;
  double err_sum = 0;
  for (int k = 0; k < 4; ++k) {
    const double y = f.y(0, k);
    const double err = 0.5 * std::pow(target_value(config.target, corners(0, k), corners(1, k)) - y, 2);
    out.predictions[k] = y;
    if (err < kCornerErrorThreshold) ++correct;
    err_sum += err;
  }
  out.correct = correct;
  out.rmse = std::sqrt(err_sum / 4.0);
  return run;
}

}  // namespace xorseed
