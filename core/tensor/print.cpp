// Tensor::str(): the text PyTorch 1.13 prints for the same tensor (torch/_tensor_str.py), so that
// users who read both see the same thing. Precision 4, summarization above 1000 elements with 3
// edge items per dimension, rows wrapped at 80 columns, and the same suffixes in the same order.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace nw {

namespace {

constexpr int kPrecision = 4;
constexpr int64_t kThreshold = 1000;
constexpr int64_t kEdgeItems = 3;
constexpr int kLineWidth = 80;

// Python's float formatting: "inf", "-inf" and "nan" (never glibc's "-nan").
std::string format_double(double v, const char* spec, int precision) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, spec, precision, v);
  return buf;
}
std::string fixed(double v, int precision) {
  return format_double(v, "%.*f", precision);
}
std::string sci(double v) {
  return format_double(v, "%.*e", kPrecision);
}

std::string pad_left(const std::string& s, size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

// A read-only window onto a CPU tensor's elements, read through its strides (no copy).
class Elements {
 public:
  explicit Elements(const Tensor& cpu)
      : base_(static_cast<const char*>(cpu.raw_data())),
        dtype_(cpu.dtype()),
        sizes_(cpu.sizes()),
        strides_(cpu.strides()) {}

  const Shape& sizes() const { return sizes_; }
  int64_t stride(size_t d) const { return strides_[d]; }
  bool floating() const { return is_floating(dtype_); }

  double as_double(int64_t offset) const {
    return visit_dtype(dtype_, [&](auto tag) {
      using T = typename decltype(tag)::type;
      return static_cast<double>(reinterpret_cast<const T*>(base_)[offset]);
    });
  }
  int64_t as_int(int64_t offset) const {
    return visit_dtype(dtype_, [&](auto tag) {
      using T = typename decltype(tag)::type;
      return static_cast<int64_t>(reinterpret_cast<const T*>(base_)[offset]);
    });
  }
  std::string plain(int64_t offset) const {  // Python's "{}" of an int or a bool
    if (dtype_ == kBool) return as_int(offset) ? "True" : "False";
    return std::to_string(as_int(offset));
  }

 private:
  const char* base_;
  DType dtype_;
  Shape sizes_;
  Shape strides_;
};

// The indices of dimension d that are shown: all, or the edge items when summarizing.
std::vector<int64_t> shown(int64_t size, bool summarize) {
  std::vector<int64_t> idx;
  if (summarize && size > 2 * kEdgeItems) {
    for (int64_t i = 0; i < kEdgeItems; ++i) idx.push_back(i);
    for (int64_t i = size - kEdgeItems; i < size; ++i) idx.push_back(i);
  } else {
    for (int64_t i = 0; i < size; ++i) idx.push_back(i);
  }
  return idx;
}

// Offsets of every element that will be printed, as get_summarized_data() selects them.
void collect(const Elements& e, size_t d, int64_t offset, bool summarize,
             std::vector<int64_t>& out) {
  if (d == e.sizes().size()) {
    out.push_back(offset);
    return;
  }
  for (int64_t i : shown(e.sizes()[d], summarize))
    collect(e, d + 1, offset + i * e.stride(d), summarize, out);
}

// PyTorch's _Formatter: picks integer, fixed or scientific notation and a common width from the
// elements that are shown.
class Formatter {
 public:
  Formatter(const Elements& e, const std::vector<int64_t>& offsets) : e_(e) {
    if (!e.floating()) {
      for (int64_t o : offsets) width_ = std::max(width_, e.plain(o).size());
      return;
    }
    std::vector<double> vals;
    for (int64_t o : offsets) {
      double v = e.as_double(o);
      if (std::isfinite(v) && v != 0) vals.push_back(v);
    }
    if (vals.empty()) return;
    double lo = std::abs(vals[0]), hi = lo;
    for (double v : vals) {
      lo = std::min(lo, std::abs(v));
      hi = std::max(hi, std::abs(v));
      if (v != std::ceil(v)) int_mode_ = false;
    }
    sci_mode_ = hi / lo > 1000.0 || hi > 1.0e8 || (!int_mode_ && lo < 1.0e-4);
    for (double v : vals) {
      const size_t w = sci_mode_   ? sci(v).size()
                       : int_mode_ ? fixed(v, 0).size() + 1  // room for the trailing "."
                                   : fixed(v, kPrecision).size();
      width_ = std::max(width_, w);
    }
  }

  size_t width() const { return width_; }

  std::string format(int64_t offset) const {
    if (!e_.floating()) return pad_left(e_.plain(offset), width_);
    double v = e_.as_double(offset);
    std::string s;
    if (sci_mode_) {
      s = sci(v);
    } else if (int_mode_) {
      s = fixed(v, 0);
      if (std::isfinite(v)) s += ".";
    } else {
      s = fixed(v, kPrecision);
    }
    return pad_left(s, width_);
  }

 private:
  const Elements& e_;
  bool int_mode_ = true;
  bool sci_mode_ = false;
  size_t width_ = 1;
};

// _vector_str: one row, wrapped so that each line holds as many elements as fit in 80 columns.
std::string vector_str(const Elements& e, const Formatter& f, int64_t offset, int indent,
                       bool summarize) {
  const size_t d = e.sizes().size() - 1;
  const int64_t size = e.sizes()[d];
  const int64_t per_line = std::max<int64_t>(1, (kLineWidth - indent) / int64_t(f.width() + 2));
  std::vector<std::string> items;
  for (int64_t i : shown(size, summarize)) {
    if (summarize && size > 2 * kEdgeItems && i == size - kEdgeItems) items.push_back(" ...");
    items.push_back(f.format(offset + i * e.stride(d)));
  }
  const std::string line_break = ",\n" + std::string(indent + 1, ' ');
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i % size_t(per_line) == 0 ? line_break : ", ";
    out += items[i];
  }
  return out + "]";
}

// _tensor_str_with_formatter: nested brackets, rows of a k-D block separated by k-1 newlines.
std::string block_str(const Elements& e, const Formatter& f, size_t d, int64_t offset, int indent,
                      bool summarize) {
  const size_t ndim = e.sizes().size();
  if (d == ndim) return f.format(offset);
  if (d == ndim - 1) return vector_str(e, f, offset, indent, summarize);
  const int64_t size = e.sizes()[d];
  std::string sep = ",";
  sep.append(ndim - d - 1, '\n').append(size_t(indent) + 1, ' ');
  std::string out = "[";
  bool first = true;
  for (int64_t i : shown(size, summarize)) {
    if (!first) out += sep;
    if (summarize && size > 2 * kEdgeItems && i == size - kEdgeItems) out.append("...").append(sep);
    out += block_str(e, f, d + 1, offset + i * e.stride(d), indent + 1, summarize);
    first = false;
  }
  return out + "]";
}

std::string size_tuple(const Shape& s) {  // Python's str(tuple)
  std::string out = "(";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + (s.size() == 1 ? ",)" : ")");
}

// _add_suffixes: ", suffix" on the last line while it fits in 80 columns, else on a new line.
std::string add_suffixes(std::string text, const std::vector<std::string>& suffixes, int indent) {
  // NOTE: PyTorch counts the last line two characters longer than it is; kept for identical wraps.
  const size_t nl = text.rfind('\n');
  size_t last_line = nl == std::string::npos ? text.size() + 2 : text.size() - nl + 1;
  for (const auto& s : suffixes) {
    if (last_line + s.size() + 2 > size_t(kLineWidth)) {
      text.append(",\n").append(size_t(indent), ' ').append(s);
      last_line = indent + s.size();
    } else {
      text += ", " + s;
      last_line += s.size() + 2;
    }
  }
  return text + ")";
}

}  // namespace

std::string Tensor::str() const {
  if (!defined()) return "tensor(undefined)";
  const std::string prefix = "tensor(";
  const int indent = int(prefix.size());
  std::vector<std::string> suffixes;
  if (!device().is_cpu()) suffixes.push_back("device='" + device().str() + "'");

  std::string body;
  if (numel() == 0) {
    if (dim() != 1) suffixes.push_back("size=" + size_tuple(sizes()));
    if (dtype() != kFloat32) suffixes.push_back(std::string("dtype=torch.") + dtype_name(dtype()));
    body = "[]";
  } else {
    // int64 and bool are inferred from the printed values, float32 is the default.
    if (dtype() == kFloat64 || dtype() == kUInt8)
      suffixes.push_back(std::string("dtype=torch.") + dtype_name(dtype()));
    const Tensor host = device().is_cpu() ? *this : detach().cpu();
    const Elements e(host);
    const bool summarize = numel() > kThreshold;
    std::vector<int64_t> offsets;
    collect(e, 0, 0, summarize, offsets);
    const Formatter f(e, offsets);
    body = block_str(e, f, 0, 0, indent, summarize);
  }

  if (grad_fn())
    suffixes.push_back(std::string("grad_fn=<") + autograd::node_name(*grad_fn()) + ">");
  else if (requires_grad())
    suffixes.push_back("requires_grad=True");
  return add_suffixes(prefix + body, suffixes, indent);
}

}  // namespace nw
