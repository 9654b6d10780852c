// The C++ limit worker of benchmarks/run: each scenario of benchmarks/SideBySide written op by op against libtorch's
// C++ API, with autograd for gradients and the Keras optimizer formulas, as a C++ user of libtorch would write it.
// It is what the same work costs without any managed or Python layer. One JSON request per stdin line, one JSON
// answer per stdout line (a minimal reader: flat objects of numbers and strings).
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::map<std::string, std::string> parse(const std::string& line) {
  std::map<std::string, std::string> out;
  size_t i = 0;
  while ((i = line.find('"', i)) != std::string::npos) {
    const size_t k = line.find('"', i + 1);
    const std::string key = line.substr(i + 1, k - i - 1);
    size_t v = line.find(':', k) + 1;
    while (line[v] == ' ') ++v;
    std::string value;
    if (line[v] == '"') {
      const size_t e = line.find('"', v + 1);
      value = line.substr(v + 1, e - v - 1);
      i = e + 1;
    } else {
      size_t e = line.find_first_of(",}", v);
      value = line.substr(v, e - v);
      i = e;
    }
    out[key] = value;
  }
  return out;
}

std::string num(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

std::string list(const at::Tensor& t) {
  auto c = t.to(at::kDouble).contiguous();
  std::string s = "[";
  for (int64_t i = 0; i < c.numel(); ++i) s += (i ? "," : "") + num(c.data_ptr<double>()[i]);
  return s + "]";
}

// Keras's Adam, the way the shim's optimizer applies it.
struct Adam {
  std::vector<at::Tensor> params, m, v;
  double lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-7;
  int64_t t = 0;
  explicit Adam(std::vector<at::Tensor> p) : params(std::move(p)) {
    for (auto& q : params) {
      m.push_back(torch::zeros_like(q));
      v.push_back(torch::zeros_like(q));
    }
  }
  void step() {
    torch::NoGradGuard g;
    ++t;
    const double alpha = lr * std::sqrt(1 - std::pow(b2, t)) / (1 - std::pow(b1, t));
    for (size_t i = 0; i < params.size(); ++i) {
      auto& p = params[i];
      auto grad = p.grad();
      m[i].lerp_(grad, 1 - b1);
      v[i].mul_(b2).addcmul_(grad, grad, 1 - b2);
      p.addcdiv_(m[i], v[i].sqrt().add_(eps), -alpha);
      p.mutable_grad().reset();
    }
  }
};

at::Tensor param(at::Tensor t) { return t.set_requires_grad(true); }

std::string seed000(int64_t epochs) {
  auto opts = torch::dtype(torch::kFloat64);
  auto x = torch::tensor({1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0}, opts).view({4, 2});
  auto y = torch::tensor({0.0, 1.0, 0.0, 1.0}, opts).view({4, 1});
  auto w = param(torch::full({2, 1}, 0.2, opts));
  auto b = param(torch::full({1}, 0.2, opts));
  const auto start = Clock::now();
  for (int64_t e = 0; e < epochs; ++e) {
    auto total = torch::zeros({}, opts);
    for (int64_t i = 0; i < 4; ++i) {
      auto loss = torch::binary_cross_entropy_with_logits(torch::addmm(b, x.slice(0, i, i + 1), w), y.slice(0, i, i + 1));
      loss.backward();
      {
        torch::NoGradGuard g;
        w.sub_(w.grad(), 0.7);
        b.sub_(b.grad(), 0.7);
        total.add_(loss);
      }
      w.mutable_grad().reset();
      b.mutable_grad().reset();
    }
    total.item<double>();
  }
  const double s = since(start);
  return "{\"seconds\":" + num(s) + ",\"steps\":" + std::to_string(4 * epochs) + ",\"weights\":" +
         list(torch::cat({w.detach().view(-1), b.detach()})) + "}";
}

struct Mlp {
  std::vector<at::Tensor> p;
  explicit Mlp(std::vector<int64_t> widths) {
    for (size_t i = 0; i + 1 < widths.size(); ++i) {
      const double limit = std::sqrt(6.0 / (widths[i] + widths[i + 1]));
      p.push_back(param(torch::rand({widths[i], widths[i + 1]}) * 2 * limit - limit));
      p.push_back(param(torch::zeros({widths[i + 1]})));
    }
  }
  at::Tensor logits(const at::Tensor& x) const {
    at::Tensor h = x;
    for (size_t i = 0; i < p.size(); i += 2) {
      h = torch::addmm(p[i + 1], h, p[i]);
      if (i + 2 < p.size()) h = torch::relu(h);
    }
    return h;
  }
};

double epoch(Mlp& model, Adam& opt, const at::Tensor& x, const at::Tensor& y, int64_t batch) {
  auto perm = torch::randperm(x.size(0));
  auto total = torch::zeros({}, torch::kFloat64);
  for (int64_t s = 0; s < x.size(0); s += batch) {
    auto idx = perm.slice(0, s, std::min(s + batch, x.size(0)));
    auto xb = x.index_select(0, idx), yb = y.index_select(0, idx);
    auto loss = torch::binary_cross_entropy_with_logits(model.logits(xb), yb);
    loss.backward();
    opt.step();
    torch::NoGradGuard g;
    total.add_(loss * xb.size(0));
  }
  return total.item<double>() / x.size(0);
}

std::string balloon(int64_t rows) {
  auto x = torch::rand({rows, 3}) * 2 - 1;
  auto y = (x.select(1, 0) + 0.5 * x.select(1, 1) * x.select(1, 2) > 0).to(torch::kFloat32).view({rows, 1});
  Mlp model({3, 16, 16, 1});
  Adam opt(model.p);
  epoch(model, opt, x.slice(0, 0, 256), y.slice(0, 0, 256), 32);
  const auto start = Clock::now();
  const double loss = epoch(model, opt, x, y, 32);
  return "{\"seconds\":" + num(since(start)) + ",\"steps\":" + std::to_string((rows + 31) / 32) + ",\"loss\":" + num(loss) + "}";
}

std::map<std::string, std::pair<at::Tensor, at::Tensor>> loaded;

std::pair<at::Tensor, at::Tensor> load(const std::string& xp, const std::string& yp, int64_t rows, int64_t cols,
                                       at::ScalarType dtype) {
  const std::string key = xp + (dtype == at::kFloat ? "f" : "d");
  auto it = loaded.find(key);
  if (it != loaded.end()) return it->second;
  loaded.clear();
  auto x = torch::empty({rows, cols}, torch::kFloat64);
  auto y = torch::empty({rows, 1}, torch::kFloat64);
  std::ifstream(xp, std::ios::binary).read(static_cast<char*>(x.data_ptr()), rows * cols * 8);
  std::ifstream(yp, std::ios::binary).read(static_cast<char*>(y.data_ptr()), rows * 8);
  return loaded[key] = {x.to(dtype), y.to(dtype)};
}

std::string minibatch(const std::string& xp, const std::string& yp, int64_t rows, int64_t cols) {
  auto [x, y] = load(xp, yp, rows, cols, at::kFloat);
  Mlp model({cols, 1});
  Adam opt(model.p);
  const auto start = Clock::now();
  const double loss = epoch(model, opt, x, y, 1024);
  return "{\"seconds\":" + num(since(start)) + ",\"steps\":" + std::to_string((rows + 1023) / 1024) + ",\"loss\":" + num(loss) + "}";
}

std::string predict(int64_t rows) {
  static at::Tensor x;
  if (!x.defined() || x.size(0) != rows) x = torch::rand({rows, 3}) * 2 - 1;
  Mlp model({3, 16, 16, 1});
  torch::NoGradGuard g;
  torch::sigmoid(model.logits(x.slice(0, 0, 256)));  // the untimed warm-up every contender makes (Scenarios.Predict)
  const auto start = Clock::now();
  auto out = torch::sigmoid(model.logits(x));
  return "{\"seconds\":" + num(since(start)) + ",\"rows\":" + std::to_string(rows) + "}";
}

// Logistic MLE by Newton's method with libtorch ops: per iteration X'WX by one product of the weighted X with X,
// X'(y - mu), a Cholesky solve; stops as statsmodels' Newton does (max |step| <= 1e-8).
std::string glm(const std::string& xp, const std::string& yp, int64_t rows, int64_t cols) {
  auto [x, y] = load(xp, yp, rows, cols, at::kDouble);
  auto yv = y.view({rows});
  const auto start = Clock::now();
  auto beta = torch::zeros({cols}, torch::kFloat64);
  int it = 0;
  for (; it < 35; ++it) {
    auto mu = torch::sigmoid(torch::mv(x, beta));
    auto w = mu * (1 - mu);
    auto grad = torch::mv(x.t(), yv - mu);
    auto hess = torch::mm(x.t(), x * w.unsqueeze(1));
    auto step = torch::cholesky_solve(grad.unsqueeze(1), torch::linalg_cholesky(hess)).squeeze(1);
    beta += step;
    if (step.abs().max().item<double>() <= 1e-8) break;
  }
  return "{\"seconds\":" + num(since(start)) + ",\"params\":" + list(beta) + ",\"iterations\":" + std::to_string(it + 1) + "}";
}

std::string bandwidth(int64_t bytes) {
  auto a = torch::ones({bytes / 4});
  auto b = torch::zeros({bytes / 4});
  b.copy_(a);
  double best = 1e30;
  for (int i = 0; i < 5; ++i) {
    const auto start = Clock::now();
    b.copy_(a);
    best = std::min(best, since(start));
  }
  return "{\"seconds\":" + num(best) + ",\"gbps\":" + num(2.0 * bytes / best / 1e9) + "}";
}

}  // namespace

int main() {
  const char* threads = std::getenv("BENCH_THREADS");
  at::set_num_threads(threads ? std::atoi(threads) : 1);
  std::cout << "{\"ready\":true,\"threads\":" << at::get_num_threads() << "}" << std::endl;
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    std::string answer;
    try {
      auto r = parse(line);
      const auto& s = r["scenario"];
      if (s == "seed000") answer = seed000(std::stoll(r["epochs"]));
      else if (s == "balloon") answer = balloon(std::stoll(r["rows"]));
      else if (s == "minibatch") answer = minibatch(r["x"], r["y"], std::stoll(r["rows"]), std::stoll(r["cols"]));
      else if (s == "predict") answer = predict(std::stoll(r["rows"]));
      else if (s == "glm") answer = glm(r["x"], r["y"], std::stoll(r["rows"]), std::stoll(r["cols"]));
      else if (s == "bandwidth") answer = bandwidth(std::stoll(r["bytes"]));
      else answer = "{\"error\":\"unknown scenario " + s + "\"}";
    } catch (const std::exception& e) {
      std::string m = e.what();
      for (auto& c : m)
        if (c == '"' || c == '\n' || c == '\\') c = ' ';
      answer = "{\"error\":\"" + m.substr(0, 300) + "\"}";
    }
    std::cout << answer << std::endl;
  }
  return 0;
}
