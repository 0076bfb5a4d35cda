#include "nn/functional/rnn.h"

#include <string>

#include "backend/rnn_kernels.h"
#include "nn/functional/dropout.h"
#include "ops/op_util.h"

namespace nw::nn::functional {

using autograd::SavedTensor;

namespace {

enum class Cell { LSTM, GRU };

struct Layer {
  RnnWeights w;
  int64_t index = 0;
};

std::string param_name(const char* kind, int64_t layer) {
  return std::string(kind) + "_l" + std::to_string(layer);
}

// One layer over the whole sequence: a fresh buffer holds y and, for the LSTM, c_n after it, so
// that the layer's single autograd node has one output; y, h_n and c_n are views of it.
struct LayerResult {
  Tensor y, h_n, c_n;
};

LayerResult run_layer(Cell cell, const RnnLayerDesc& d, const Tensor& x, const Tensor& hx,
                      const Tensor& cx, const RnnWeights& w) {
  const bool lstm = cell == Cell::LSTM;
  const int64_t T = d.seq_len, N = d.batch, H = d.hidden_size, y_numel = T * N * H;
  const Shape y_shape = d.batch_first ? Shape{N, T, H} : Shape{T, N, H};
  const Shape y_strides = contiguous_strides(y_shape);
  Tensor packed = nw::detail::new_tensor({y_numel + (lstm ? N * H : 0)}, x.dtype(), x.device());

  const std::vector<Tensor> inputs{x, hx, cx, w.w_ih, w.w_hh, w.b_ih, w.b_hh};
  const bool record = autograd::needs_grad(inputs);
  RnnForwardArgs fa;
  fa.x = x.detach();
  fa.hx = hx.defined() ? hx.detach() : Tensor();
  fa.cx = cx.defined() ? cx.detach() : Tensor();
  fa.w = w;
  fa.train = record;
  fa.y = nw::detail::make_view(packed, y_shape, y_strides, 0);
  if (lstm) fa.cy = nw::detail::make_view(packed, {N, H}, {H, 1}, y_numel);
  RnnKernels& kernels = rnn_kernels_for(x.device());
  Tensor reserve = lstm ? kernels.lstm_forward(d, fa) : kernels.gru_forward(d, fa);

  if (record) {
    const char* name = lstm ? "LstmBackward0" : "GruBackward0";
    std::vector<bool> wants;
    for (const Tensor& t : inputs) wants.push_back(t.defined() && t.requires_grad());
    std::vector<SavedTensor> saved;
    for (const Tensor& t : inputs) saved.emplace_back(t);
    autograd::record(
        packed, name, inputs,
        [d, lstm, name, wants, y_shape, y_strides, y_numel, kernels = &kernels,
         saved = std::move(saved), out = SavedTensor(packed), reserve](const Tensor& g) {
          RnnBackwardArgs ba;
          ba.x = saved[0].unpack(name);
          ba.hx = saved[1].unpack(name);
          ba.cx = saved[2].unpack(name);
          ba.w = {saved[3].unpack(name), saved[4].unpack(name), saved[5].unpack(name),
                  saved[6].unpack(name)};
          ba.y = nw::detail::make_view(out.unpack(name), y_shape, y_strides, 0);
          ba.reserve = reserve;
          const Tensor gc = g.contiguous();
          ba.dy = nw::detail::make_view(gc, y_shape, y_strides, gc.storage_offset());
          if (lstm)
            ba.dcy = nw::detail::make_view(gc, {d.batch, d.hidden_size}, {d.hidden_size, 1},
                                           gc.storage_offset() + y_numel);
          ba.need_dx = wants[0];
          ba.need_dhx = wants[1];
          ba.need_dcx = wants[2];
          ba.need_dweights = wants[3] || wants[4] || wants[5] || wants[6];
          RnnGrads r = lstm ? kernels->lstm_backward(d, ba) : kernels->gru_backward(d, ba);
          return std::vector<Tensor>{r.dx,      r.dhx,     r.dcx,    r.dw.w_ih,
                                     r.dw.w_hh, r.dw.b_ih, r.dw.b_hh};
        });
  }
  LayerResult r;
  r.y = packed.narrow(0, 0, y_numel).view(y_shape);
  r.h_n = r.y.select(d.batch_first ? 1 : 0, T - 1);
  if (lstm) r.c_n = packed.narrow(0, y_numel, N * H).view({N, H});
  return r;
}

void check_dtype_device(const char* who, const Tensor& x, const Tensor& t,
                        const std::string& what) {
  if (!t.defined()) return;
  if (t.device() != x.device())
    throw DeviceError(std::string(who) + ": input is on " + x.device().str() + " but " + what +
                      " is on " + t.device().str() + "; move both to one device with to()");
  if (t.dtype() != x.dtype())
    throw DTypeError(std::string(who) + ": input is " + dtype_name(x.dtype()) + " but " + what +
                     " is " + dtype_name(t.dtype()) + "; convert the input to " +
                     dtype_name(t.dtype()) + " or " + what + " to " + dtype_name(x.dtype()) +
                     " with to()");
}

void check_shape(const char* who, const Tensor& t, const Shape& expected, const std::string& what,
                 const std::string& meaning) {
  if (t.sizes() != expected)
    throw ShapeError(std::string(who) + ": " + what + " has shape " + shape_str(t.sizes()) +
                     " but " + shape_str(expected) + " was expected " + meaning);
}

// Splits PyTorch's flat parameter list into layers after checking every shape.
std::vector<Layer> layers_of(const char* who, Cell cell, const std::vector<Tensor>& params,
                             const RnnOptions& o, const Tensor& x, int64_t input_size) {
  const int64_t per_layer = o.bias ? 4 : 2;
  if (o.num_layers < 1)
    throw Error(std::string(who) + ": num_layers must be at least 1, got " +
                std::to_string(o.num_layers));
  if (int64_t(params.size()) != o.num_layers * per_layer)
    throw Error(std::string(who) + ": expected " + std::to_string(o.num_layers * per_layer) +
                " weight tensors for " + std::to_string(o.num_layers) + " layer(s) " +
                (o.bias ? "with" : "without") + " bias (weight_ih_l{k}, weight_hh_l{k}" +
                (o.bias ? ", bias_ih_l{k}, bias_hh_l{k}" : "") + " per layer), got " +
                std::to_string(params.size()));
  for (const Tensor& p : params) nw::detail::check_defined(p, who);
  const int64_t G = cell == Cell::LSTM ? 4 : 3;
  const int64_t H = params[1].dim() == 2 ? params[1].size(1) : 0;
  if (params[0].dim() != 2 || params[0].size(1) != input_size)
    throw ShapeError(std::string(who) + ": input has " + std::to_string(input_size) +
                     " features but input_size is " +
                     (params[0].dim() == 2 ? std::to_string(params[0].size(1))
                                           : "unknown (weight_ih_l0 has shape " +
                                                 shape_str(params[0].sizes()) + ")") +
                     "; set input_size to " + std::to_string(input_size));
  const std::string per_h =
      "for hidden_size " + std::to_string(H) + " and " + std::to_string(G) + " gates";
  std::vector<Layer> layers;
  for (int64_t k = 0; k < o.num_layers; ++k) {
    const Tensor* p = &params[size_t(k * per_layer)];
    Layer l;
    l.index = k;
    check_shape(who, p[0], {G * H, k == 0 ? input_size : H}, param_name("weight_ih", k), per_h);
    check_shape(who, p[1], {G * H, H}, param_name("weight_hh", k), per_h);
    if (o.bias) {
      check_shape(who, p[2], {G * H}, param_name("bias_ih", k), per_h);
      check_shape(who, p[3], {G * H}, param_name("bias_hh", k), per_h);
    }
    for (int64_t i = 0; i < per_layer; ++i)
      check_dtype_device(who, x, p[i],
                         param_name(i == 0   ? "weight_ih"
                                    : i == 1 ? "weight_hh"
                                    : i == 2 ? "bias_ih"
                                             : "bias_hh",
                                    k));
    l.w = {p[0].contiguous(), p[1].contiguous(), o.bias ? p[2].contiguous() : Tensor(),
           o.bias ? p[3].contiguous() : Tensor()};
    layers.push_back(l);
  }
  return layers;
}

RnnOutput run(Cell cell, const char* who, const Tensor& input, const std::vector<Tensor>& params,
              const RnnOptions& o, const Tensor& h0, const Tensor& c0) {
  nw::detail::check_defined(input, who);
  if (input.dim() != 2 && input.dim() != 3)
    throw ShapeError(
        std::string(who) + ": expects input of shape " +
        (o.batch_first ? "(batch, seq_len, input_size)" : "(seq_len, batch, input_size)") +
        " or (seq_len, input_size) without a batch, got " + shape_str(input.sizes()));
  if (input.dtype() != kFloat32 && input.dtype() != kFloat64)
    throw DTypeError(std::string(who) + ": input must be float32 or float64, got " +
                     nw::detail::describe(input) + "; convert it with .to(nw::kFloat32)");
  if (o.dropout < 0.0 || o.dropout > 1.0)
    throw Error(std::string(who) + ": dropout must be in [0, 1], got " + std::to_string(o.dropout));
  const bool unbatched = input.dim() == 2;
  const bool batch_first = o.batch_first && !unbatched;
  Tensor x = unbatched ? input.unsqueeze(1) : input;
  const int64_t T = x.size(batch_first ? 1 : 0), N = x.size(batch_first ? 0 : 1);
  const std::vector<Layer> layers = layers_of(who, cell, params, o, x, x.size(2));
  const int64_t H = params[1].size(1), L = o.num_layers;
  if (T == 0 || N == 0)
    throw ShapeError(std::string(who) + ": input of shape " + shape_str(input.sizes()) +
                     " has no " + (T == 0 ? "time steps" : "sequences") +
                     "; give at least one step of one sequence");

  Tensor states[2] = {h0, c0};
  const char* state_names[2] = {"h0", "c0"};
  for (int i = 0; i < 2; ++i) {
    if (!states[i].defined()) continue;
    check_dtype_device(who, x, states[i], state_names[i]);
    const Shape want = unbatched ? Shape{L, H} : Shape{L, N, H};
    check_shape(who, states[i], want, state_names[i],
                unbatched ? "(num_layers, hidden_size)" : "(num_layers, batch, hidden_size)");
    if (unbatched) states[i] = states[i].unsqueeze(1);
  }

  std::vector<Tensor> hs, cs;
  x = x.contiguous();
  for (const Layer& l : layers) {
    const RnnLayerDesc d{T, N, x.size(2), H, batch_first};
    auto state = [&](int i) {
      return states[i].defined() ? states[i].select(0, l.index).contiguous() : Tensor();
    };
    LayerResult r = run_layer(cell, d, x, state(0), state(1), l.w);
    hs.push_back(r.h_n);
    if (r.c_n.defined()) cs.push_back(r.c_n);
    x = r.y;
    if (l.index + 1 < L && o.training && o.dropout > 0.0)
      x = dropout(x, o.dropout, true).contiguous();
  }
  RnnOutput out{x, stack(hs, 0), cs.empty() ? Tensor() : stack(cs, 0)};
  if (unbatched) {
    out.output = out.output.squeeze(1);
    out.h_n = out.h_n.squeeze(1);
    if (out.c_n.defined()) out.c_n = out.c_n.squeeze(1);
  }
  return out;
}

}  // namespace

RnnOutput lstm(const Tensor& input, const std::vector<Tensor>& params, const RnnOptions& options,
               const Tensor& h0, const Tensor& c0, const char* who) {
  return run(Cell::LSTM, who, input, params, options, h0, c0);
}

RnnOutput gru(const Tensor& input, const std::vector<Tensor>& params, const RnnOptions& options,
              const Tensor& h0, const char* who) {
  return run(Cell::GRU, who, input, params, options, h0, Tensor());
}

}  // namespace nw::nn::functional
