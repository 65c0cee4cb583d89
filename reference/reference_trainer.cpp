#include "reference/reference_trainer.hpp"

#include <cmath>

#include <Eigen/Dense>

#include "kernels/activation.hpp"
#include "kernels/initialiser.hpp"
#include "kernels/network_init.hpp"
#include "kernels/row_cosine.hpp"

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
  Matrix z;   // 1 x B output pre-activations
  Matrix y;   // 1 x B network outputs
};

Forward forward(const Net& net, const NetworkConfig& c, const Matrix& x) {
  Forward f;
  f.h = apply(c.hidden_activation, (net.wh * x).colwise() + net.bh);
  f.z = (net.wo * f.h).array() + net.bo;
  f.y = apply(c.output_activation, f.z);
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
  RowVector delta_o;
  if (c.loss == Loss::bce) {  // mean of softplus(z) - t z; its derivative in z is y - t (§12.2)
    const RowVector z = f.z.row(0);
    double sum = 0;
    for (int k = 0; k < z.size(); ++k)
      sum += std::fmax(z(k), 0.0) - t(k) * z(k) + std::log1p(std::exp(-std::fabs(z(k))));
    g.loss = sum / static_cast<double>(x.cols());
    delta_o = e;
  } else {
    g.loss = e.squaredNorm() / static_cast<double>(x.cols());
    delta_o = e.cwiseProduct(derivative(c.output_activation, f.y).row(0));
  }
  g.wo = delta_o * f.h.transpose();
  g.bo = delta_o.sum();
  const Matrix e_h = net.wo.transpose() * delta_o;  // H x B, weights before the update
  const Matrix delta_h = e_h.cwiseProduct(derivative(c.hidden_activation, f.h));
  g.wh = delta_h * x.transpose();
  g.bh = delta_h.rowwise().sum();
  return g;
}

// The optimizers of docs/semantics.md §12.1, as torch.optim computes them, on g = the summed
// gradients / B; their state (momentum buffer; Adam's m and v) starts at zero.
class OptimizerState {
 public:
  OptimizerState(const NetworkConfig& c, int hidden) : c_(c), buf_(zero(hidden)), m_(zero(hidden)), v_(zero(hidden)) {}

  // Iteration `it` (1-based): updates net from the summed gradients of its forward/backward pass.
  void step(int it, double inv_b, const Gradients& sums, Net& net) {
    if (c_.optimizer == Optimizer::sgd) {  // the seed's rule: p -= lr/B * sum
      const double step = c_.lr * inv_b;
      net.wh -= step * sums.wh;
      net.bh -= step * sums.bh;
      net.wo -= step * sums.wo;
      net.bo -= step * sums.bo;
      return;
    }
    const double bias1 = 1.0 - std::pow(c_.beta1, it), bias2_sqrt = std::sqrt(1.0 - std::pow(c_.beta2, it));
    auto update = [&](auto& p, const auto& sum, auto& buf, auto& m, auto& v) {
      const auto g = (sum * inv_b).eval();
      switch (c_.optimizer) {
        case Optimizer::momentum:  // buf = mu buf + g; p -= lr buf
          buf = c_.momentum * buf + g;
          p -= c_.lr * buf;
          break;
        case Optimizer::nesterov:  // buf = mu buf + g; p -= lr (g + mu buf)
          buf = c_.momentum * buf + g;
          p -= c_.lr * (g + c_.momentum * buf);
          break;
        case Optimizer::adam:  // torch.optim.Adam's order of operations (m by lerp, weight 1 - beta1)
          if (1.0 - c_.beta1 < 0.5) m = m + (1.0 - c_.beta1) * (g - m);
          else m = g - c_.beta1 * (g - m);
          v = c_.beta2 * v + (1.0 - c_.beta2) * g.cwiseProduct(g);
          p -= (c_.lr / bias1) * m.cwiseQuotient(((v.cwiseSqrt() / bias2_sqrt).array() + c_.eps).matrix());
          break;
        case Optimizer::sgd: break;
      }
    };
    update(net.wh, sums.wh, buf_.wh, m_.wh, v_.wh);
    update(net.bh, sums.bh, buf_.bh, m_.bh, v_.bh);
    update(net.wo, sums.wo, buf_.wo, m_.wo, v_.wo);
    Matrix bo(1, 1), sum_bo(1, 1), buf_bo(1, 1), m_bo(1, 1), v_bo(1, 1);
    bo(0, 0) = net.bo, sum_bo(0, 0) = sums.bo, buf_bo(0, 0) = buf_.bo, m_bo(0, 0) = m_.bo, v_bo(0, 0) = v_.bo;
    update(bo, sum_bo, buf_bo, m_bo, v_bo);
    net.bo = bo(0, 0), buf_.bo = buf_bo(0, 0), m_.bo = m_bo(0, 0), v_.bo = v_bo(0, 0);
  }

 private:
  static Net zero(int hidden) { return Net(std::vector<double>(ParamLayout{hidden}.count(), 0.0), hidden); }
  NetworkConfig c_;
  Net buf_, m_, v_;
};

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
  draw_initial_parameters(rng, config, params.data());
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
  OptimizerState optimizer(config, hidden);
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
    optimizer.step(it, inv_b, g, net);
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
