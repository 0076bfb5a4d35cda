#include "data/transforms.h"

#include <cstring>
#include <sstream>

#include "data/data_error.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

namespace nw::data {

namespace {

std::string list(const std::vector<double>& v) {
  std::ostringstream s;
  s << '[';
  for (size_t i = 0; i < v.size(); ++i) s << (i ? ", " : "") << v[i];
  s << ']';
  return s.str();
}

void check_sample(const Tensor& x, int64_t min_dim, const char* who, const char* shape) {
  if (!x.defined() || x.dim() < min_dim)
    throw DataError(std::string(who) + ": expects a sample of shape " + shape + ", got " +
                    (x.defined() ? shape_str(x.sizes()) : std::string("an undefined tensor")));
}

}  // namespace

ScaleTo01::ScaleTo01(double max_value) : max_value_(max_value) {
  if (!(max_value > 0))
    throw DataError("ScaleTo01: max_value must be positive, got " + std::to_string(max_value));
}

Tensor ScaleTo01::apply(const Tensor& x, const SampleContext&) const {
  check_sample(x, 0, "ScaleTo01", "(...)");
  return x.to(kFloat32) / max_value_;
}

std::string ScaleTo01::repr() const {
  std::ostringstream s;
  s << "ScaleTo01(max_value=" << max_value_ << ')';
  return s.str();
}

Normalize::Normalize(std::vector<double> mean, std::vector<double> std)
    : mean_(std::move(mean)), std_(std::move(std)) {
  if (mean_.empty() || mean_.size() != std_.size())
    throw DataError("Normalize: mean " + list(mean_) + " and std " + list(std_) +
                    " need the same number (>= 1) of values, one per channel");
  for (double s : std_)
    if (!(s > 0)) throw DataError("Normalize: std " + list(std_) + " must be positive");
}

Tensor Normalize::apply(const Tensor& x, const SampleContext&) const {
  check_sample(x, 0, "Normalize", "(C, ...)");
  const int64_t channels = int64_t(mean_.size());
  if (channels > 1 && (x.dim() == 0 || x.size(0) != channels))
    throw DataError("Normalize: has " + std::to_string(channels) +
                    " channel values but the sample has shape " + shape_str(x.sizes()) +
                    "; give one mean/std per channel (dimension 0) or a single value");
  Shape view(size_t(std::max<int64_t>(x.dim(), 1)), 1);
  view[0] = channels;
  std::vector<float> m(mean_.begin(), mean_.end()), s(std_.begin(), std_.end());
  Tensor mean = from_vector(m, {channels}).view(channels > 1 ? view : Shape{});
  Tensor stdev = from_vector(s, {channels}).view(channels > 1 ? view : Shape{});
  Tensor in = x.is_floating_point() ? x : x.to(kFloat32);
  return (in - mean) / stdev;
}

std::string Normalize::repr() const {
  return "Normalize(mean=" + list(mean_) + ", std=" + list(std_) + ")";
}

RandomHorizontalFlip::RandomHorizontalFlip(double p) : p_(p) {
  if (!(p >= 0 && p <= 1))
    throw DataError("RandomHorizontalFlip: p must be in [0, 1], got " + std::to_string(p));
}

Tensor RandomHorizontalFlip::apply(const Tensor& x, const SampleContext& ctx) const {
  check_sample(x, 1, "RandomHorizontalFlip", "(..., W)");
  SampleRng rng(ctx);
  if (!(rng.uniform() < p_)) return x.clone();
  // Reverses every row of the contiguous copy in place.
  Tensor out = x.contiguous().clone();
  const int64_t w = out.size(out.dim() - 1), rows = out.numel() / std::max<int64_t>(w, 1);
  const size_t es = out.element_size();
  char* p = static_cast<char*>(out.raw_data());
  char tmp[16];
  for (int64_t r = 0; r < rows; ++r) {
    char* row = p + size_t(r * w) * es;
    for (int64_t i = 0, j = w - 1; i < j; ++i, --j) {
      std::memcpy(tmp, row + size_t(i) * es, es);
      std::memcpy(row + size_t(i) * es, row + size_t(j) * es, es);
      std::memcpy(row + size_t(j) * es, tmp, es);
    }
  }
  return out;
}

std::string RandomHorizontalFlip::repr() const {
  std::ostringstream s;
  s << "RandomHorizontalFlip(p=" << p_ << ')';
  return s.str();
}

RandomCrop::RandomCrop(int64_t height, int64_t width, int64_t padding)
    : height_(height), width_(width), padding_(padding) {
  if (height < 1 || width < 1 || padding < 0)
    throw DataError("RandomCrop: size " + std::to_string(height) + "x" + std::to_string(width) +
                    " must be at least 1x1 and padding " + std::to_string(padding) + " at least 0");
}

Tensor RandomCrop::apply(const Tensor& x, const SampleContext& ctx) const {
  check_sample(x, 3, "RandomCrop", "(C, H, W)");
  const int64_t H = x.size(x.dim() - 2), W = x.size(x.dim() - 1);
  const int64_t ph = H + 2 * padding_, pw = W + 2 * padding_;
  if (ph < height_ || pw < width_)
    throw DataError("RandomCrop: cannot cut " + std::to_string(height_) + "x" +
                    std::to_string(width_) + " from a " + std::to_string(H) + "x" +
                    std::to_string(W) + " sample padded by " + std::to_string(padding_) +
                    "; use a smaller size or more padding");
  SampleRng rng(ctx);
  const int64_t top = rng.integer(0, ph - height_), left = rng.integer(0, pw - width_);
  // The window in padded coordinates; the part that overlaps the image is copied, the rest is 0.
  Shape out_shape = x.sizes();
  out_shape[out_shape.size() - 2] = height_;
  out_shape[out_shape.size() - 1] = width_;
  Tensor out = zeros(out_shape, x.dtype());
  const int64_t y0 = std::max<int64_t>(top, padding_), y1 = std::min(top + height_, padding_ + H);
  const int64_t x0 = std::max<int64_t>(left, padding_), x1 = std::min(left + width_, padding_ + W);
  if (y0 < y1 && x0 < x1) {
    const int64_t d = x.dim();
    Tensor src = x.narrow(d - 2, y0 - padding_, y1 - y0).narrow(d - 1, x0 - padding_, x1 - x0);
    out.narrow(d - 2, y0 - top, y1 - y0).narrow(d - 1, x0 - left, x1 - x0).copy_(src);
  }
  return out;
}

std::string RandomCrop::repr() const {
  return "RandomCrop(size=(" + std::to_string(height_) + ", " + std::to_string(width_) +
         "), padding=" + std::to_string(padding_) + ")";
}

Compose::Compose(std::vector<TransformPtr> transforms) : transforms_(std::move(transforms)) {
  for (size_t i = 0; i < transforms_.size(); ++i)
    if (!transforms_[i]) throw DataError("Compose: transform " + std::to_string(i) + " is null");
}

Tensor Compose::apply(const Tensor& x, const SampleContext& ctx) const {
  Tensor y = x;
  for (size_t i = 0; i < transforms_.size(); ++i) {
    SampleContext c = ctx;
    c.stream = ctx.stream * 64 + uint32_t(i) + 1;  // nested Composes get distinct streams too
    y = transforms_[i]->apply(y, c);
  }
  return transforms_.empty() ? x.clone() : y;
}

std::string Compose::repr() const {
  std::string s = "Compose(\n";
  for (const TransformPtr& t : transforms_) s += "    " + t->repr() + "\n";
  return s + ")";
}

}  // namespace nw::data
