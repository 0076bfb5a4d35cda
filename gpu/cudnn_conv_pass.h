#pragma once
// cuDNN's convolution entry points, one Pass<P> per direction with the same five calls
// (max_count, heuristics, find, workspace, run), so cudnn_conv.cpp chooses, caches and runs
// all three passes with one template. ptrs are always x, w, y, whichever of them a pass writes.
#include <vector>

#include "backend/conv_algorithm_cache.h"
#include "backend/layer_kernels.h"
#include "cudnn_handle.h"

namespace nw::cuda {

class ConvDesc {
 public:
  ConvDesc(const ConvGeometry& g, DType t) {
    CUDNN_CHECK(cudnnCreateConvolutionDescriptor(&desc_));
    try {  // the destructor does not run for a constructor that throws
      CUDNN_CHECK(cudnnSetConvolution2dDescriptor(
          desc_, int(g.pad_h), int(g.pad_w), int(g.stride_h), int(g.stride_w), int(g.dilation_h),
          int(g.dilation_w), CUDNN_CROSS_CORRELATION, cudnn_dtype(t)));
      CUDNN_CHECK(cudnnSetConvolutionGroupCount(desc_, int(g.groups)));
    } catch (...) {
      cudnnDestroyConvolutionDescriptor(desc_);
      throw;
    }
  }
  ~ConvDesc() { cudnnDestroyConvolutionDescriptor(desc_); }
  ConvDesc(const ConvDesc&) = delete;
  ConvDesc& operator=(const ConvDesc&) = delete;
  cudnnConvolutionDescriptor_t get() const { return desc_; }
  void set_math(cudnnMathType_t m) { CUDNN_CHECK(cudnnSetConvolutionMathType(desc_, m)); }

 private:
  cudnnConvolutionDescriptor_t desc_ = nullptr;
};

// The three tensors of a problem and its convolution, all described for cuDNN.
struct ConvCall {
  cudnnHandle_t h;
  TensorDesc x;
  FilterDesc w;
  TensorDesc y;
  ConvDesc conv;
  bool float32;
};

// Per pass: cuDNN's entry points for heuristics, timed search, workspace size and the run.
template <ConvPass P>
struct Pass;

template <>
struct Pass<ConvPass::Forward> {
  using Perf = cudnnConvolutionFwdAlgoPerf_t;
  using Algo = cudnnConvolutionFwdAlgo_t;
  static int max_count(cudnnHandle_t h) {
    int n = 0;
    CUDNN_CHECK(cudnnGetConvolutionForwardAlgorithmMaxCount(h, &n));
    return n;
  }
  static void heuristics(ConvCall& c, std::vector<Perf>& perf, int& n) {
    CUDNN_CHECK(cudnnGetConvolutionForwardAlgorithm_v7(
        c.h, c.x.get(), c.w.get(), c.conv.get(), c.y.get(), int(perf.size()), &n, perf.data()));
  }
  // Ptrs: x, w, y (written).
  static void find(ConvCall& c, void* const* p, std::vector<Perf>& perf, int& n, Workspace& ws) {
    CUDNN_CHECK(cudnnFindConvolutionForwardAlgorithmEx(
        c.h, c.x.get(), p[0], c.w.get(), p[1], c.conv.get(), c.y.get(), p[2], int(perf.size()), &n,
        perf.data(), ws.data(), ws.size()));
  }
  static cudnnStatus_t workspace(ConvCall& c, Algo a, size_t& bytes) {
    return cudnnGetConvolutionForwardWorkspaceSize(c.h, c.x.get(), c.w.get(), c.conv.get(),
                                                   c.y.get(), a, &bytes);
  }
  static void run(ConvCall& c, void* const* p, Algo a, Workspace& ws, const Scaling& s) {
    CUDNN_CHECK(cudnnConvolutionForward(c.h, s.alpha(), c.x.get(), p[0], c.w.get(), p[1],
                                        c.conv.get(), a, ws.data(), ws.size(), s.beta(), c.y.get(),
                                        p[2]));
  }
};

template <>
struct Pass<ConvPass::BackwardData> {
  using Perf = cudnnConvolutionBwdDataAlgoPerf_t;
  using Algo = cudnnConvolutionBwdDataAlgo_t;
  static int max_count(cudnnHandle_t h) {
    int n = 0;
    CUDNN_CHECK(cudnnGetConvolutionBackwardDataAlgorithmMaxCount(h, &n));
    return n;
  }
  static void heuristics(ConvCall& c, std::vector<Perf>& perf, int& n) {
    CUDNN_CHECK(cudnnGetConvolutionBackwardDataAlgorithm_v7(
        c.h, c.w.get(), c.y.get(), c.conv.get(), c.x.get(), int(perf.size()), &n, perf.data()));
  }
  // Ptrs: dx (written), w, dy.
  static void find(ConvCall& c, void* const* p, std::vector<Perf>& perf, int& n, Workspace& ws) {
    CUDNN_CHECK(cudnnFindConvolutionBackwardDataAlgorithmEx(
        c.h, c.w.get(), p[1], c.y.get(), p[2], c.conv.get(), c.x.get(), p[0], int(perf.size()), &n,
        perf.data(), ws.data(), ws.size()));
  }
  static cudnnStatus_t workspace(ConvCall& c, Algo a, size_t& bytes) {
    return cudnnGetConvolutionBackwardDataWorkspaceSize(c.h, c.w.get(), c.y.get(), c.conv.get(),
                                                        c.x.get(), a, &bytes);
  }
  static void run(ConvCall& c, void* const* p, Algo a, Workspace& ws, const Scaling& s) {
    CUDNN_CHECK(cudnnConvolutionBackwardData(c.h, s.alpha(), c.w.get(), p[1], c.y.get(), p[2],
                                             c.conv.get(), a, ws.data(), ws.size(), s.beta(),
                                             c.x.get(), p[0]));
  }
};

template <>
struct Pass<ConvPass::BackwardFilter> {
  using Perf = cudnnConvolutionBwdFilterAlgoPerf_t;
  using Algo = cudnnConvolutionBwdFilterAlgo_t;
  static int max_count(cudnnHandle_t h) {
    int n = 0;
    CUDNN_CHECK(cudnnGetConvolutionBackwardFilterAlgorithmMaxCount(h, &n));
    return n;
  }
  static void heuristics(ConvCall& c, std::vector<Perf>& perf, int& n) {
    CUDNN_CHECK(cudnnGetConvolutionBackwardFilterAlgorithm_v7(
        c.h, c.x.get(), c.y.get(), c.conv.get(), c.w.get(), int(perf.size()), &n, perf.data()));
  }
  // Ptrs: x, dw (written), dy.
  static void find(ConvCall& c, void* const* p, std::vector<Perf>& perf, int& n, Workspace& ws) {
    CUDNN_CHECK(cudnnFindConvolutionBackwardFilterAlgorithmEx(
        c.h, c.x.get(), p[0], c.y.get(), p[2], c.conv.get(), c.w.get(), p[1], int(perf.size()), &n,
        perf.data(), ws.data(), ws.size()));
  }
  static cudnnStatus_t workspace(ConvCall& c, Algo a, size_t& bytes) {
    return cudnnGetConvolutionBackwardFilterWorkspaceSize(c.h, c.x.get(), c.y.get(), c.conv.get(),
                                                          c.w.get(), a, &bytes);
  }
  static void run(ConvCall& c, void* const* p, Algo a, Workspace& ws, const Scaling& s) {
    CUDNN_CHECK(cudnnConvolutionBackwardFilter(c.h, s.alpha(), c.x.get(), p[0], c.y.get(), p[2],
                                               c.conv.get(), a, ws.data(), ws.size(), s.beta(),
                                               c.w.get(), p[1]));
  }
};

}  // namespace nw::cuda
