#pragma once
// Loss modules over nw::nn::functional's losses, with PyTorch's constructor arguments.
// forward(input, target) gives the loss; reduction "mean" (default), "sum" or "none".
#include <optional>

#include "nn/functional/loss.h"
#include "nn/module.h"

namespace nw::nn {

class Loss : public Module {
 public:
  Loss(std::string type_name, Reduction reduction)
      : Module(std::move(type_name)), reduction_(reduction) {}
  virtual Tensor forward(const Tensor& input, const Tensor& target) = 0;
  Tensor operator()(const Tensor& input, const Tensor& target) { return forward(input, target); }
  using Module::forward;
  // The merge form: inputs = {input, target}.
  Tensor forward(const std::vector<Tensor>& inputs) override;
  Reduction reduction() const { return reduction_; }

 protected:
  Reduction reduction_;
};

class CrossEntropyLoss : public Loss {
 public:
  explicit CrossEntropyLoss(Tensor weight = Tensor(),
                            int64_t ignore_index = functional::kIgnoreIndex,
                            Reduction reduction = Reduction::Mean, double label_smoothing = 0.0);
  using Loss::forward;
  Tensor forward(const Tensor& input, const Tensor& target) override;

  Tensor weight;  // optional per-class weights, kept as a buffer

 private:
  int64_t ignore_index_;
  double label_smoothing_;
};

class NLLLoss : public Loss {
 public:
  explicit NLLLoss(Tensor weight = Tensor(), int64_t ignore_index = functional::kIgnoreIndex,
                   Reduction reduction = Reduction::Mean);
  using Loss::forward;
  Tensor forward(const Tensor& input, const Tensor& target) override;

  Tensor weight;

 private:
  int64_t ignore_index_;
};

class BCELoss : public Loss {
 public:
  explicit BCELoss(Tensor weight = Tensor(), Reduction reduction = Reduction::Mean);
  using Loss::forward;
  Tensor forward(const Tensor& input, const Tensor& target) override;

  Tensor weight;
};

class BCEWithLogitsLoss : public Loss {
 public:
  explicit BCEWithLogitsLoss(Tensor weight = Tensor(), Reduction reduction = Reduction::Mean,
                             Tensor pos_weight = Tensor());
  using Loss::forward;
  Tensor forward(const Tensor& input, const Tensor& target) override;

  Tensor weight, pos_weight;
};

class MSELoss : public Loss {
 public:
  explicit MSELoss(Reduction reduction = Reduction::Mean) : Loss("MSELoss", reduction) {}
  using Loss::forward;
  Tensor forward(const Tensor& input, const Tensor& target) override;
};

class L1Loss : public Loss {
 public:
  explicit L1Loss(Reduction reduction = Reduction::Mean) : Loss("L1Loss", reduction) {}
  using Loss::forward;
  Tensor forward(const Tensor& input, const Tensor& target) override;
};

class SmoothL1Loss : public Loss {
 public:
  explicit SmoothL1Loss(Reduction reduction = Reduction::Mean, double beta = 1.0)
      : Loss("SmoothL1Loss", reduction), beta_(beta) {}
  using Loss::forward;
  Tensor forward(const Tensor& input, const Tensor& target) override;

 private:
  double beta_;
};

}  // namespace nw::nn
