// Every tensor op against PyTorch 1.13: tests/fixtures/ops.h5 holds PyTorch's inputs, outputs and
// gradients for each case (tests/fixtures/make_fixtures.py writes it); each case here is the same
// computation in C++. Outputs and gradients must match in shape and dtype exactly, in value
// within |a - b| <= 1e-6 + 1e-5 |b| for float32 and 1e-12 + 1e-10 |b| for float64, and exactly for
// integers and bools. A case in the file without a C++ twin, or the reverse, fails the test.
#include <QtTest>

#include <algorithm>
#include <map>
#include <set>

#include "autograd/grad_mode.h"
#include "support/parity.h"
#include "tensor/creation.h"
#include "tensor/index.h"
#include "tensor/ops.h"

namespace nw {
namespace {

using X = const std::vector<Tensor>&;
using Out = std::vector<Tensor>;
using CaseFn = Out (*)(X);
using CaseTable = std::map<std::string, CaseFn>;

constexpr const char* kFixtureFile = "ops.h5";
constexpr auto kAll = std::nullopt;

Out both(const std::pair<Tensor, Tensor>& p) {
  return {p.first, p.second};
}

// The in-place cases write into a clone of input 0 and return it.
template <typename F>
Out on_clone(X x, F write) {
  Tensor y = x[0].clone();
  write(y);
  return {y};
}

// float32(i % mod - offset) * float32(scale) for i < n: make_fixtures.py's pattern(), bit for bit.
Tensor pattern(int64_t n, int64_t mod, float scale, int64_t offset = 0) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[size_t(i)] = static_cast<float>(i % mod - offset) * scale;
  return from_vector(v, {n}, kFloat32);
}

void add_elementwise(CaseTable& t) {
  t.insert({
      {"add", [](X x) -> Out { return {x[0] + x[1]}; }},
      {"add_alpha", [](X x) -> Out { return {add(x[0], x[1], 2.5)}; }},
      {"sub", [](X x) -> Out { return {x[0] - x[1]}; }},
      {"sub_alpha", [](X x) -> Out { return {x[0].sub(x[1], 0.5)}; }},
      {"mul", [](X x) -> Out { return {x[0] * x[1]}; }},
      {"div", [](X x) -> Out { return {x[0] / x[1]}; }},
      {"div_int_int", [](X x) -> Out { return {div(x[0], x[1])}; }},
      {"div_int_scalar", [](X x) -> Out { return {x[0] / 4.0}; }},
      {"neg", [](X x) -> Out { return {-x[0]}; }},
      {"neg_int", [](X x) -> Out { return {neg(x[0])}; }},
      {"abs", [](X x) -> Out { return {nw::abs(x[0])}; }},
      {"abs_int", [](X x) -> Out { return {x[0].abs()}; }},
      {"exp", [](X x) -> Out { return {nw::exp(x[0])}; }},
      {"exp_int", [](X x) -> Out { return {x[0].exp()}; }},
      {"log", [](X x) -> Out { return {nw::log(x[0])}; }},
      {"sqrt", [](X x) -> Out { return {x[0].sqrt()}; }},
      {"pow_scalar_3", [](X x) -> Out { return {x[0].pow(3.0)}; }},
      {"pow_scalar_2", [](X x) -> Out { return {nw::pow(x[0], 2.0)}; }},
      {"pow_scalar_half", [](X x) -> Out { return {x[0].pow(0.5)}; }},
      {"pow_scalar_neg", [](X x) -> Out { return {x[0].pow(-1.5)}; }},
      {"pow_tensor", [](X x) -> Out { return {x[0].pow(x[1])}; }},
      {"pow_tensor_bcast", [](X x) -> Out { return {nw::pow(x[0], x[1])}; }},
      {"clamp_min", [](X x) -> Out { return {x[0].clamp(0.0, kAll)}; }},
      {"clamp_max", [](X x) -> Out { return {clamp(x[0], kAll, 0.0)}; }},
      {"clamp_both", [](X x) -> Out { return {x[0].clamp(-1.2, 1.2)}; }},
      {"relu", [](X x) -> Out { return {relu(x[0])}; }},
      {"relu_int", [](X x) -> Out { return {x[0].relu()}; }},
      {"sigmoid", [](X x) -> Out { return {sigmoid(x[0])}; }},
      {"tanh", [](X x) -> Out { return {x[0].tanh()}; }},
      {"maximum", [](X x) -> Out { return {maximum(x[0], x[1])}; }},
      {"minimum", [](X x) -> Out { return {x[0].minimum(x[1])}; }},
      {"maximum_bcast", [](X x) -> Out { return {x[0].maximum(x[1])}; }},
      {"minimum_int_float", [](X x) -> Out { return {minimum(x[0], x[1])}; }},
      // comparisons
      {"eq", [](X x) -> Out { return {x[0] == x[1]}; }},
      {"ne", [](X x) -> Out { return {x[0] != x[1]}; }},
      {"lt", [](X x) -> Out { return {x[0] < x[1]}; }},
      {"le", [](X x) -> Out { return {x[0] <= x[1]}; }},
      {"gt", [](X x) -> Out { return {x[0] > x[1]}; }},
      {"ge", [](X x) -> Out { return {x[0] >= x[1]}; }},
      {"eq_fn", [](X x) -> Out { return {eq(x[0], x[1])}; }},
      {"ne_fn", [](X x) -> Out { return {ne(x[0], x[1])}; }},
      {"lt_fn", [](X x) -> Out { return {lt(x[0], x[1])}; }},
      {"le_fn", [](X x) -> Out { return {x[0].le(x[1])}; }},
      {"gt_fn", [](X x) -> Out { return {x[0].gt(x[1])}; }},
      {"ge_fn", [](X x) -> Out { return {x[0].ge(x[1])}; }},
      {"lt_bcast", [](X x) -> Out { return {x[0] < x[1]}; }},
      {"gt_scalar", [](X x) -> Out { return {x[0] > 0.5}; }},
      {"le_scalar", [](X x) -> Out { return {x[0] <= 1.0}; }},
      {"eq_int_scalar", [](X x) -> Out { return {x[0] == 2.0}; }},
      {"ne_scalar", [](X x) -> Out { return {x[0] != 0.0}; }},
      {"eq_int_float", [](X x) -> Out { return {x[0].eq(x[1])}; }},
      {"ge_transposed", [](X x) -> Out { return {x[0].t() >= x[1]}; }},
      // where and masked_fill
      {"where", [](X x) -> Out { return {where(x[0], x[1], x[2])}; }},
      {"where_bcast", [](X x) -> Out { return {where(x[0], x[1], x[2])}; }},
      {"where_int", [](X x) -> Out { return {where(x[0], x[1], x[2])}; }},
      {"where_transposed", [](X x) -> Out { return {where(x[0].t(), x[1].t(), x[2])}; }},
      {"masked_fill", [](X x) -> Out { return {x[0].masked_fill(x[1], -1.5)}; }},
      {"masked_fill_bcast", [](X x) -> Out { return {masked_fill(x[0], x[1], 2.0)}; }},
      {"masked_fill_int", [](X x) -> Out { return {x[0].masked_fill(x[1], 7)}; }},
  });
}

void add_broadcast_and_promotion(CaseTable& t) {
  t.insert({
      {"add_bcast_3x1_1x4", [](X x) -> Out { return {x[0] + x[1]}; }},
      {"mul_bcast_234_4", [](X x) -> Out { return {x[0] * x[1]}; }},
      {"sub_bcast_rank", [](X x) -> Out { return {x[0] - x[1]}; }},
      {"div_bcast", [](X x) -> Out { return {x[0] / x[1]}; }},
      {"add_0d", [](X x) -> Out { return {x[0] + x[1]}; }},
      {"add_scalar", [](X x) -> Out { return {x[0] + 1.5}; }},
      {"sub_scalar", [](X x) -> Out { return {x[0] - 0.25}; }},
      {"mul_scalar", [](X x) -> Out { return {x[0] * 2.5}; }},
      {"div_scalar", [](X x) -> Out { return {x[0] / 4.0}; }},
      {"radd_scalar", [](X x) -> Out { return {1.5 + x[0]}; }},
      {"rsub_scalar", [](X x) -> Out { return {2.0 - x[0]}; }},
      {"rmul_scalar", [](X x) -> Out { return {-3.0 * x[0]}; }},
      {"rdiv_scalar", [](X x) -> Out { return {1.0 / x[0]}; }},
      // non-contiguous operands: the same views make_fixtures.py takes
      {"add_transposed", [](X x) -> Out { return {x[0].t() + x[1]}; }},
      {"mul_sliced_step", [](X x) -> Out { return {x[0].slice(1, kAll, kAll, 2) * x[1]}; }},
      {"add_expanded",
       [](X x) -> Out {
         return {x[0].expand({3, 4}) + x[1]};
       }},
      {"exp_transposed", [](X x) -> Out { return {nw::exp(x[0].t())}; }},
      {"sigmoid_sliced", [](X x) -> Out { return {sigmoid(x[0].slice(0, 1, kAll, 2))}; }},
      {"div_permuted",
       [](X x) -> Out {
         return {x[0].permute({1, 2, 0}) / x[1]};
       }},
      // dtype promotion
      {"add_int_float", [](X x) -> Out { return {x[0] + x[1]}; }},
      {"mul_int_scalar", [](X x) -> Out { return {x[0] * 2.5}; }},
      {"add_bool_int", [](X x) -> Out { return {x[0] + x[1]}; }},
      {"add_uint8_int", [](X x) -> Out { return {x[0] + x[1]}; }},
      {"mul_uint8_float", [](X x) -> Out { return {x[0] * x[1]}; }},
      {"add_int_int", [](X x) -> Out { return {x[0] + x[1]}; }},
      {"mul_int_int", [](X x) -> Out { return {x[0] * x[1]}; }},
      {"sub_uint8_uint8", [](X x) -> Out { return {x[0] - x[1]}; }},
      {"add_f32_f64", [](X x) -> Out { return {x[0] + x[1]}; }},
      {"mul_f64_bcast_f32", [](X x) -> Out { return {x[0] * x[1]}; }},
      // float64
      {"add_f64", [](X x) -> Out { return {x[0] + x[1]}; }},
      {"div_f64", [](X x) -> Out { return {x[0] / x[1]}; }},
      {"exp_f64", [](X x) -> Out { return {nw::exp(x[0])}; }},
      {"log_f64", [](X x) -> Out { return {x[0].log()}; }},
      {"tanh_f64", [](X x) -> Out { return {nw::tanh(x[0])}; }},
      {"sigmoid_f64", [](X x) -> Out { return {x[0].sigmoid()}; }},
      {"pow_tensor_f64", [](X x) -> Out { return {nw::pow(x[0], x[1])}; }},
      {"sum_dim_f64", [](X x) -> Out { return {x[0].sum({1})}; }},
      {"var_f64", [](X x) -> Out { return {x[0].var({1})}; }},
      {"logsumexp_f64", [](X x) -> Out { return {logsumexp(x[0], {1})}; }},
      {"matmul_f64", [](X x) -> Out { return {matmul(x[0], x[1])}; }},
  });
}

void add_reductions(CaseTable& t) {
  t.insert({
      {"sum_all", [](X x) -> Out { return {sum(x[0])}; }},
      {"sum_dim0", [](X x) -> Out { return {x[0].sum({0})}; }},
      {"sum_dim1_keepdim", [](X x) -> Out { return {x[0].sum({1}, true)}; }},
      {"sum_neg_dim", [](X x) -> Out { return {sum(x[0], {-1})}; }},
      {"sum_dims_02",
       [](X x) -> Out {
         return {x[0].sum({0, 2})};
       }},
      {"sum_dims_keepdim",
       [](X x) -> Out {
         return {sum(x[0], {1, 2}, true)};
       }},
      {"sum_int", [](X x) -> Out { return {x[0].sum({0})}; }},
      {"sum_uint8", [](X x) -> Out { return {x[0].sum()}; }},
      {"sum_bool", [](X x) -> Out { return {sum(x[0])}; }},
      {"sum_transposed", [](X x) -> Out { return {x[0].t().sum({1})}; }},
      {"mean_all", [](X x) -> Out { return {mean(x[0])}; }},
      {"mean_dim", [](X x) -> Out { return {x[0].mean({0})}; }},
      {"mean_dims_keepdim",
       [](X x) -> Out {
         return {mean(x[0], {0, -1}, true)};
       }},
      {"max_all", [](X x) -> Out { return {max(x[0])}; }},
      {"min_all", [](X x) -> Out { return {x[0].min()}; }},
      {"max_dim", [](X x) -> Out { return both(x[0].max(1)); }},
      {"max_dim_keepdim", [](X x) -> Out { return both(max(x[0], 0, true)); }},
      {"min_dim", [](X x) -> Out { return both(x[0].min(1)); }},
      {"min_dim_neg_keepdim", [](X x) -> Out { return both(min(x[0], -1, true)); }},
      {"max_int", [](X x) -> Out { return {x[0].max()}; }},
      {"max_dim_int", [](X x) -> Out { return both(x[0].max(1)); }},
      {"argmax_all", [](X x) -> Out { return {argmax(x[0])}; }},
      {"argmax_dim", [](X x) -> Out { return {x[0].argmax(1)}; }},
      {"argmax_dim_keepdim", [](X x) -> Out { return {argmax(x[0], 1, true)}; }},
      {"argmin_all", [](X x) -> Out { return {x[0].argmin()}; }},
      {"argmin_dim", [](X x) -> Out { return {argmin(x[0], 0)}; }},
      {"argmin_dim_keepdim", [](X x) -> Out { return {x[0].argmin(-1, true)}; }},
      {"argmax_ties", [](X x) -> Out { return {x[0].argmax(1)}; }},
      {"argmin_ties_all", [](X x) -> Out { return {argmin(x[0])}; }},
      {"var_all", [](X x) -> Out { return {x[0].var()}; }},
      {"var_all_biased", [](X x) -> Out { return {var(x[0], {}, false)}; }},
      {"var_dim", [](X x) -> Out { return {x[0].var({1})}; }},
      {"var_dim_biased_keepdim", [](X x) -> Out { return {x[0].var({0}, false, true)}; }},
      {"var_dims",
       [](X x) -> Out {
         return {var(x[0], {0, 2})};
       }},
      {"std_all", [](X x) -> Out { return {x[0].std()}; }},
      {"std_all_biased", [](X x) -> Out { return {nw::std(x[0], {}, false)}; }},
      {"std_dim", [](X x) -> Out { return {x[0].std({0})}; }},
      {"std_dim_biased", [](X x) -> Out { return {nw::std(x[0], {1}, false)}; }},
      {"std_dims_keepdim",
       [](X x) -> Out {
         return {x[0].std({1, 2}, true, true)};
       }},
      {"logsumexp_dim", [](X x) -> Out { return {logsumexp(x[0], {1})}; }},
      {"logsumexp_dims_keepdim",
       [](X x) -> Out {
         return {x[0].logsumexp({0, 2}, true)};
       }},
      {"logsumexp_large", [](X x) -> Out { return {logsumexp(x[0], {1})}; }},
      {"sum_to",
       [](X x) -> Out {
         return {sum_to(x[0], {3, 1})};
       }},
      {"sum_to_keep_rank",
       [](X x) -> Out {
         return {sum_to(x[0], {1, 4})};
       }},
  });
}

void add_matmul_join_index(CaseTable& t) {
  t.insert({
      {"matmul_dot", [](X x) -> Out { return {matmul(x[0], x[1])}; }},
      {"matmul_mv", [](X x) -> Out { return {x[0].matmul(x[1])}; }},
      {"matmul_vm", [](X x) -> Out { return {matmul(x[0], x[1])}; }},
      {"matmul_mm", [](X x) -> Out { return {x[0].matmul(x[1])}; }},
      {"matmul_mm_transposed", [](X x) -> Out { return {x[0].t().matmul(x[1].t())}; }},
      {"matmul_bmm", [](X x) -> Out { return {matmul(x[0], x[1])}; }},
      {"matmul_bcast_4d_3d", [](X x) -> Out { return {matmul(x[0], x[1])}; }},
      {"matmul_3d_2d", [](X x) -> Out { return {matmul(x[0], x[1])}; }},
      {"matmul_2d_3d", [](X x) -> Out { return {matmul(x[0], x[1])}; }},
      {"matmul_1d_3d", [](X x) -> Out { return {matmul(x[0], x[1])}; }},
      {"matmul_3d_1d", [](X x) -> Out { return {matmul(x[0], x[1])}; }},
      {"matmul_bmm_transposed", [](X x) -> Out { return {matmul(x[0].transpose(1, 2), x[1])}; }},
      // joining and splitting
      {"cat_dim0",
       [](X x) -> Out {
         return {cat({x[0], x[1], x[2]}, 0)};
       }},
      {"cat_dim1",
       [](X x) -> Out {
         return {cat({x[0], x[1]}, 1)};
       }},
      {"cat_neg_dim",
       [](X x) -> Out {
         return {cat({x[0], x[1]}, -1)};
       }},
      {"cat_transposed",
       [](X x) -> Out {
         return {cat({x[0].t(), x[1]}, 0)};
       }},
      {"cat_int",
       [](X x) -> Out {
         return {cat({x[0], x[1]})};
       }},
      {"stack_dim0",
       [](X x) -> Out {
         return {stack({x[0], x[1]}, 0)};
       }},
      {"stack_dim1",
       [](X x) -> Out {
         return {stack({x[0], x[1], x[2]}, 1)};
       }},
      {"stack_last",
       [](X x) -> Out {
         return {stack({x[0], x[1]}, -1)};
       }},
      {"split_even", [](X x) -> Out { return x[0].split(2, 0); }},
      {"split_uneven", [](X x) -> Out { return split(x[0], 3); }},
      {"split_dim1", [](X x) -> Out { return x[0].split(2, 1); }},
      {"chunk_even", [](X x) -> Out { return x[0].chunk(3); }},
      {"chunk_uneven", [](X x) -> Out { return chunk(x[0], 3); }},
      {"chunk_dim1", [](X x) -> Out { return x[0].chunk(2, 1); }},
      {"chunk_fewer", [](X x) -> Out { return x[0].chunk(4); }},
      // indexing ops
      {"gather_dim0", [](X x) -> Out { return {x[0].gather(0, x[1])}; }},
      {"gather_dim1", [](X x) -> Out { return {gather(x[0], 1, x[1])}; }},
      {"gather_small_index", [](X x) -> Out { return {x[0].gather(1, x[1])}; }},
      {"gather_3d", [](X x) -> Out { return {x[0].gather(1, x[1])}; }},
      {"scatter_add_dim0", [](X x) -> Out { return {x[0].scatter_add(0, x[1], x[2])}; }},
      {"scatter_add_dim1", [](X x) -> Out { return {scatter_add(x[0], 1, x[1], x[2])}; }},
      {"scatter_add_small_index", [](X x) -> Out { return {x[0].scatter_add(1, x[1], x[2])}; }},
      {"index_select_dim0", [](X x) -> Out { return {x[0].index_select(0, x[1])}; }},
      {"index_select_dim1", [](X x) -> Out { return {index_select(x[0], 1, x[1])}; }},
      {"index_select_int", [](X x) -> Out { return {x[0].index_select(0, x[1])}; }},
      {"one_hot", [](X x) -> Out { return {one_hot(x[0], 4)}; }},
      {"one_hot_infer", [](X x) -> Out { return {one_hot(x[0])}; }},
      {"one_hot_2d", [](X x) -> Out { return {one_hot(x[0], 3)}; }},
  });
}

void add_views(CaseTable& t) {
  t.insert({
      {"select_dim0", [](X x) -> Out { return {x[0][1]}; }},
      {"select_neg", [](X x) -> Out { return {x[0].select(1, -1)}; }},
      {"select_to_0d", [](X x) -> Out { return {x[0].select(0, 2)}; }},
      {"narrow", [](X x) -> Out { return {x[0].narrow(1, 1, 3)}; }},
      {"slice_step",
       [](X x) -> Out {
         return {x[0].index({Slice(), Slice(1, 6, 2)})};
       }},
      {"slice_neg_start", [](X x) -> Out { return {x[0].slice(0, -3, kAll)}; }},
      {"slice_clamp_stop", [](X x) -> Out { return {x[0].slice(1, 2, 100)}; }},
      {"slice_step_dim0", [](X x) -> Out { return {x[0].index({Slice(kAll, kAll, 3)})}; }},
      {"index_ellipsis",
       [](X x) -> Out {
         return {x[0].index({Ellipsis, 1})};
       }},
      {"index_none",
       [](X x) -> Out {
         return {x[0].index({Slice(), None, Slice(1, 3)})};
       }},
      {"index_neg",
       [](X x) -> Out {
         return {x[0].index({-1, Ellipsis, -2})};
       }},
      {"index_mixed",
       [](X x) -> Out {
         return {x[0].index({None, Ellipsis, Slice(0, 3, 2), -1})};
       }},
      {"index_int_then_slice",
       [](X x) -> Out {
         return {x[0].index({2, Slice(1)})};
       }},
      {"view",
       [](X x) -> Out {
         return {x[0].view({6, 4})};
       }},
      {"view_infer",
       [](X x) -> Out {
         return {x[0].view({-1, 2})};
       }},
      {"view_of_slice", [](X x) -> Out { return {x[0].slice(0, 1, 3).view({-1})}; }},
      {"reshape",
       [](X x) -> Out {
         return {x[0].reshape({4, 6})};
       }},
      {"reshape_noncontig", [](X x) -> Out { return {x[0].t().reshape({-1})}; }},
      {"reshape_noncontig_2d",
       [](X x) -> Out {
         return {x[0].permute({2, 0, 1}).reshape({4, 6})};
       }},
      {"flatten", [](X x) -> Out { return {x[0].flatten()}; }},
      {"flatten_from1", [](X x) -> Out { return {x[0].flatten(1)}; }},
      {"flatten_0_1", [](X x) -> Out { return {x[0].flatten(0, 1)}; }},
      {"flatten_noncontig", [](X x) -> Out { return {x[0].t().flatten()}; }},
      {"squeeze", [](X x) -> Out { return {x[0].squeeze()}; }},
      {"squeeze_dim", [](X x) -> Out { return {x[0].squeeze(2)}; }},
      {"squeeze_neg_dim", [](X x) -> Out { return {x[0].squeeze(-1)}; }},
      {"squeeze_noop", [](X x) -> Out { return {x[0].squeeze(0) * 1.0}; }},
      {"unsqueeze0", [](X x) -> Out { return {x[0].unsqueeze(0)}; }},
      {"unsqueeze_neg", [](X x) -> Out { return {x[0].unsqueeze(-1)}; }},
      {"unsqueeze_mid", [](X x) -> Out { return {x[0].unsqueeze(1)}; }},
      {"permute",
       [](X x) -> Out {
         return {x[0].permute({2, 0, 1})};
       }},
      {"permute_neg",
       [](X x) -> Out {
         return {x[0].permute({-1, 0, 1})};
       }},
      {"transpose", [](X x) -> Out { return {x[0].transpose(0, 2)}; }},
      {"transpose_neg", [](X x) -> Out { return {x[0].transpose(-1, 1)}; }},
      {"t", [](X x) -> Out { return {x[0].t()}; }},
      {"t_1d", [](X x) -> Out { return {x[0].t() * 1.0}; }},
      {"expand",
       [](X x) -> Out {
         return {x[0].expand({3, 4})};
       }},
      {"expand_new_dims",
       [](X x) -> Out {
         return {x[0].expand({2, 3, 4})};
       }},
      {"expand_keep",
       [](X x) -> Out {
         return {x[0].expand({2, -1, 4})};
       }},
      {"expand_as", [](X x) -> Out { return {x[0].expand_as(x[1])}; }},
      {"as_strided",
       [](X x) -> Out {
         return {x[0].as_strided({2, 2}, {1, 2}, 1)};
       }},
      {"as_strided_grad",
       [](X x) -> Out {
         return {x[0].as_strided({2, 2}, {1, 2}, 1)};
       }},
      {"view_chain",
       [](X x) -> Out {
         return {x[0].t().unsqueeze(0).index({Slice(), Slice(1), Slice(kAll, kAll, 2)}).squeeze(0)};
       }},
      {"contiguous", [](X x) -> Out { return {x[0].t().contiguous()}; }},
      {"clone", [](X x) -> Out { return {x[0].clone()}; }},
      {"clone_transposed", [](X x) -> Out { return {x[0].t().clone()}; }},
      {"detach_mul", [](X x) -> Out { return {x[0].detach() * x[1]}; }},
  });
}

// PyTorch's subgradients at kinks and ties, infinities, empty and 0-d tensors, promotion corners.
void add_edges(CaseTable& t) {
  t.insert({
      {"relu_at_zero", [](X x) -> Out { return {relu(x[0])}; }},
      {"abs_at_zero", [](X x) -> Out { return {nw::abs(x[0])}; }},
      {"clamp_at_bounds", [](X x) -> Out { return {x[0].clamp(-1.0, 1.0)}; }},
      {"clamp_min_gt_max", [](X x) -> Out { return {x[0].clamp(1.0, -1.0)}; }},
      {"maximum_ties", [](X x) -> Out { return {maximum(x[0], x[1])}; }},
      {"minimum_ties", [](X x) -> Out { return {minimum(x[0], x[1])}; }},
      {"max_all_ties", [](X x) -> Out { return {x[0].max()}; }},
      {"min_all_ties", [](X x) -> Out { return {min(x[0])}; }},
      {"max_dim_ties", [](X x) -> Out { return both(x[0].max(1)); }},
      {"min_dim_ties", [](X x) -> Out { return both(x[0].min(1)); }},
      {"exp_large", [](X x) -> Out { return {nw::exp(x[0])}; }},
      {"log_zero", [](X x) -> Out { return {nw::log(x[0])}; }},
      {"sigmoid_large", [](X x) -> Out { return {sigmoid(x[0])}; }},
      {"tanh_large", [](X x) -> Out { return {nw::tanh(x[0])}; }},
      {"div_by_zero", [](X x) -> Out { return {x[0] / x[1]}; }},
      {"var_single", [](X x) -> Out { return {x[0].var({1})}; }},
      {"logsumexp_neg_inf", [](X x) -> Out { return {logsumexp(x[0], {1})}; }},
      {"pow_zero_exp", [](X x) -> Out { return {x[0].pow(0.0)}; }},
      {"pow_one_exp", [](X x) -> Out { return {x[0].pow(1.0)}; }},
      {"mul_self", [](X x) -> Out { return {x[0] * x[0]}; }},
      {"add_self_transposed", [](X x) -> Out { return {x[0] + x[0].t()}; }},
      {"center_composite", [](X x) -> Out { return {x[0] - x[0].mean({1}, true)}; }},
      {"softmax_composite",
       [](X x) -> Out { return {nw::exp(x[0] - logsumexp(x[0], {1}, true))}; }},
      {"logsumexp_sliced",
       [](X x) -> Out { return {logsumexp(x[0].slice(1, kAll, kAll, 2), {1})}; }},
      {"max_dim_transposed", [](X x) -> Out { return both(x[0].t().max(0)); }},
      {"var_transposed", [](X x) -> Out { return {x[0].t().var({0})}; }},
      {"matmul_expanded_batch",
       [](X x) -> Out {
         return {matmul(x[0].expand({2, 3, 4}), x[1])};
       }},
      {"matmul_sliced", [](X x) -> Out { return {matmul(x[0].slice(1, kAll, kAll, 2), x[1])}; }},
      {"gather_transposed", [](X x) -> Out { return {x[0].t().gather(1, x[1])}; }},
      {"index_select_transposed", [](X x) -> Out { return {x[0].t().index_select(0, x[1])}; }},
      {"cat_empty_piece",
       [](X x) -> Out {
         return {cat({x[0], x[1].slice(0, 0, 0), x[1]})};
       }},
      {"cat_promote",
       [](X x) -> Out {
         return {cat({x[0], x[1]})};
       }},
      {"slice_empty", [](X x) -> Out { return {x[0].slice(0, 3, 1)}; }},
      {"chunk_more_than_size", [](X x) -> Out { return x[0].chunk(5); }},
      {"split_larger_than_size", [](X x) -> Out { return x[0].split(5); }},
      {"stack_0d",
       [](X x) -> Out {
         return {stack({x[0], x[1]})};
       }},
      {"expand_0d", [](X x) -> Out { return {x[0].expand({3})}; }},
      {"unsqueeze_0d", [](X x) -> Out { return {x[0].unsqueeze(0)}; }},
      {"flatten_0d", [](X x) -> Out { return {x[0].flatten()}; }},
      {"reshape_to_0d", [](X x) -> Out { return {x[0].reshape({})}; }},
      {"where_0d", [](X x) -> Out { return {where(x[0], x[1], x[2])}; }},
      {"add_bool_bool", [](X x) -> Out { return {x[0] + x[1]}; }},
      {"mul_bool_bool", [](X x) -> Out { return {x[0] * x[1]}; }},
      {"eq_bool", [](X x) -> Out { return {x[0] == x[1]}; }},
      {"add_uint8_wrap", [](X x) -> Out { return {x[0] + x[1]}; }},
      {"add_f32_0d_f64", [](X x) -> Out { return {x[0] + x[1]}; }},
      {"mul_int_0d_f64", [](X x) -> Out { return {x[0] * x[1]}; }},
  });
}

// Above the core's parallel grain (32768 elements), so the multi-threaded kernels run.
void add_parallel(CaseTable& t) {
  t.insert({
      {"sum_parallel", [](X) -> Out { return {pattern(65536, 97, 0.01f).sum()}; }},
      {"sum_dim0_parallel",
       [](X) -> Out {
         return {pattern(65536, 97, 0.01f).view({256, 256}).sum({0})};
       }},
      {"sum_dim1_parallel",
       [](X) -> Out {
         return {pattern(65536, 89, 0.01f, 44).view({256, 256}).sum({1})};
       }},
      {"max_argmax_parallel_ties",
       [](X) -> Out {
         const Tensor x = pattern(65536, 97, 0.01f);
         return {x.max(), x.argmax()};
       }},
      {"exp_sum_parallel",
       [](X) -> Out {
         return {nw::exp(pattern(65536, 101, 0.02f, 50).view({256, 256})).sum({1})};
       }},
      {"add_bcast_sum_parallel",
       [](X) -> Out {
         return {(pattern(65536, 31, 0.1f, 15).view({256, 256}) + pattern(256, 7, 0.5f)).sum({0})};
       }},
      {"matmul_large",
       [](X) -> Out {
         return {matmul(pattern(64 * 96, 13, 0.1f, 6).view({64, 96}),
                        pattern(96 * 48, 7, 0.1f, 3).view({96, 48}))};
       }},
  });
}

void add_conversions_and_writes(CaseTable& t) {
  t.insert({
      {"to_f64", [](X x) -> Out { return {x[0].to(kFloat64)}; }},
      {"to_f32", [](X x) -> Out { return {x[0].to(kFloat32)}; }},
      {"to_int64", [](X x) -> Out { return {x[0].to(kInt64)}; }},
      {"to_uint8", [](X x) -> Out { return {x[0].to(kUInt8)}; }},
      {"to_bool", [](X x) -> Out { return {x[0].to(kBool)}; }},
      {"int_to_f32", [](X x) -> Out { return {x[0].to(kFloat32)}; }},
      {"int_to_bool", [](X x) -> Out { return {x[0].to(kBool)}; }},
      {"bool_to_f32", [](X x) -> Out { return {x[0].to(kFloat32)}; }},
      {"bool_to_int", [](X x) -> Out { return {x[0].to(kInt64)}; }},
      {"uint8_to_int", [](X x) -> Out { return {x[0].to(kInt64)}; }},
      {"to_f64_transposed", [](X x) -> Out { return {x[0].t().to(kFloat64)}; }},
      // in-place writes into a clone
      {"add_inplace", [](X x) { return on_clone(x, [&](Tensor& y) { y.add_(x[1], 2.0); }); }},
      {"add_inplace_scalar", [](X x) { return on_clone(x, [](Tensor& y) { y.add_(1.5); }); }},
      {"add_inplace_bcast", [](X x) { return on_clone(x, [&](Tensor& y) { y += x[1]; }); }},
      {"mul_inplace", [](X x) { return on_clone(x, [&](Tensor& y) { y.mul_(x[1]); }); }},
      {"mul_inplace_scalar", [](X x) { return on_clone(x, [](Tensor& y) { y *= -2.0; }); }},
      {"masked_fill_inplace",
       [](X x) { return on_clone(x, [&](Tensor& y) { y.masked_fill_(x[1], 0.5); }); }},
      {"fill_inplace_slice",
       [](X x) { return on_clone(x, [](Tensor& y) { y.select(1, 1).fill_(2.5); }); }},
      {"zero_inplace_slice", [](X x) { return on_clone(x, [](Tensor& y) { y[1].zero_(); }); }},
      {"copy_inplace_bcast",
       [](X x) { return on_clone(x, [&](Tensor& y) { y.slice(0, 1, kAll).copy_(x[1]); }); }},
      {"index_put_tensor",
       [](X x) { return on_clone(x, [&](Tensor& y) {
                   y.index_put_({Slice(), 1}, x[1]);
                 }); }},
      {"index_put_scalar",
       [](X x) {
         return on_clone(x, [](Tensor& y) { y.index({0, Slice(kAll, kAll, 2)}) = 5.0; });
       }},
      {"index_put_int",
       [](X x) { return on_clone(x, [](Tensor& y) {
                   y.index_put_({Ellipsis, -1}, 7.0);
                 }); }},
      {"add_inplace_grad", [](X x) { return on_clone(x, [&](Tensor& y) { y.add_(x[1], 2.0); }); }},
      {"mul_inplace_grad", [](X x) { return on_clone(x, [&](Tensor& y) { y.mul_(x[1]); }); }},
      {"masked_fill_inplace_grad",
       [](X x) { return on_clone(x, [&](Tensor& y) { y.masked_fill_(x[1], 0.5); }); }},
      {"fill_inplace_slice_grad",
       [](X x) { return on_clone(x, [](Tensor& y) {
                   y.index({Slice(), 1}).fill_(2.5);
                 }); }},
      {"index_put_tensor_grad",
       [](X x) { return on_clone(x, [&](Tensor& y) {
                   y.index({Slice(), 1}) = x[1];
                 }); }},
      // creation
      {"arange_int", [](X) -> Out { return {arange(5)}; }},
      {"arange_int_step", [](X) -> Out { return {arange(2, 11, 3)}; }},
      {"arange_float", [](X) -> Out { return {arange(0, 1, 0.1, kFloat32)}; }},
      {"arange_float_neg_step", [](X) -> Out { return {arange(5, 0, -1.5, kFloat32)}; }},
      {"arange_f64", [](X) -> Out { return {arange(-1, 1, 0.25, kFloat64)}; }},
      {"linspace", [](X) -> Out { return {linspace(0, 1, 5)}; }},
      {"linspace_neg", [](X) -> Out { return {linspace(-1, 2, 7)}; }},
      {"linspace_one", [](X) -> Out { return {linspace(3, 4, 1)}; }},
      {"linspace_f64", [](X) -> Out { return {linspace(0, 1, 11, kFloat64)}; }},
      {"eye", [](X) -> Out { return {eye(3)}; }},
      {"eye_rect", [](X) -> Out { return {eye(2, 4)}; }},
      {"eye_int", [](X) -> Out { return {eye(3, kInt64)}; }},
      {"zeros",
       [](X) -> Out {
         return {zeros({2, 3})};
       }},
      {"ones_int", [](X) -> Out { return {ones({4}, kInt64)}; }},
      {"full",
       [](X) -> Out {
         return {full({2, 2}, 2.5)};
       }},
      {"full_f64", [](X) -> Out { return {full({3}, -1.25, kFloat64)}; }},
      {"scalar_tensor", [](X) -> Out { return {scalar_tensor(4.5)}; }},
      {"tensor_literal",
       [](X) -> Out {
         return {tensor({{1.0, 2.0}, {3.0, 4.0}})};
       }},
      {"tensor_literal_int",
       [](X) -> Out {
         return {tensor({1, -2, 3})};
       }},
  });
}

const CaseTable& case_table() {
  static const CaseTable table = [] {
    CaseTable t;
    add_elementwise(t);
    add_broadcast_and_promotion(t);
    add_reductions(t);
    add_matmul_join_index(t);
    add_views(t);
    add_edges(t);
    add_parallel(t);
    add_conversions_and_writes(t);
    return t;
  }();
  return table;
}

}  // namespace
}  // namespace nw

namespace {
nw::test::ParityFixture fixture{nw::kFixtureFile, "make_fixtures.py", "ops/tst_torch_parity.cpp"};
}  // namespace

class TestTorchParity : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    const std::string error = fixture.load();
    QVERIFY2(error.empty(), error.c_str());
    qInfo("%zu fixture cases, %zu C++ cases", fixture.file_cases().size(), nw::case_table().size());
  }

  void tableMatchesFixtureFile() {
    const std::string errors = fixture.pairing_errors(nw::case_table());
    QVERIFY2(errors.empty(), errors.c_str());
  }

  void parity_data() {
    QTest::addColumn<QString>("name");
    for (const std::string& name : fixture.row_names(nw::case_table()))
      QTest::newRow(name.c_str()) << QString::fromStdString(name);
  }

  void parity() {
    QFETCH(QString, name);
    const std::string errors = fixture.run_case(
        name.toStdString(), nw::case_table(), [](const nw::test::FixtureCase& c, nw::CaseFn fn) {
          return nw::test::compare_with_fixture(
              c, [fn](std::vector<nw::Tensor>& in) { return fn(in); });
        });
    QVERIFY2(errors.empty(), errors.c_str());
  }
};

QTEST_APPLESS_MAIN(TestTorchParity)
#include "tst_torch_parity.moc"
