// The dynamic loss scaler (optim/grad_scaler.h) against torch.amp.GradScaler's rules: the exact
// scale after every step for a known pattern of clean and overflowing steps, skipped steps that
// leave the parameters untouched, gradients unscaled exactly before the optimizer and before
// clipping, misuse refused, and its state surviving a checkpoint file.
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <limits>

#include "io/checkpoint.h"
#include "optim/clip.h"
#include "optim/grad_scaler.h"
#include "optim/sgd.h"
#include "tensor/creation.h"

using namespace nw;
using nw::optim::GradScaler;
using nw::optim::GradScalerOptions;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// One parameter p = [1, 2] under SGD(lr 0.1), its gradient set to `scale x [g0, g1]`, as a scaled
// backward would leave it.
struct Step {
  Tensor p = tensor({1.0, 2.0}).requires_grad_(true);
  optim::SGD opt{{p}, {.lr = 0.1}};
  void grads(double scale, double g0, double g1) { p.set_grad(tensor({scale * g0, scale * g1})); }
  float at(int64_t i) const { return p.data_ptr<float>()[i]; }
};

// Runs one step whose true gradient is [g, 1] (g = inf or NaN makes it overflow) and updates.
void run_step(GradScaler& s, Step& st, double g) {
  st.grads(s.get_scale(), g, 1.0);
  s.step(st.opt);
  s.update();
}

}  // namespace

class TestGradScaler : public QObject {
  Q_OBJECT

 private slots:
  void defaultsArePyTorchs() {
    GradScaler s;
    QCOMPARE(s.get_scale(), 65536.0);
    QCOMPARE(s.options().growth_factor, 2.0);
    QCOMPARE(s.options().backoff_factor, 0.5);
    QCOMPARE(s.options().growth_interval, int64_t(2000));
  }

  void scaleFollowsCleanAndOverflowingSteps() {
    // growth_interval 3: grow after 3 clean steps in a row; any overflow halves the scale and
    // restarts the count. Expected values worked by hand from PyTorch's _amp_update_scale_.
    GradScaler s({.init_scale = 1024, .growth_interval = 3});
    Step st;
    const std::vector<double> grads = {1, 1, 1, kInf, 1, 1, kNaN, kInf, 1, 1, 1, 1};
    const std::vector<double> scale = {1024, 1024, 2048, 1024, 1024, 1024,
                                       512,  256,  256,  256,  512,  512};
    const std::vector<int64_t> tracker = {1, 2, 0, 0, 1, 2, 0, 0, 1, 2, 0, 1};
    for (size_t i = 0; i < grads.size(); ++i) {
      run_step(s, st, grads[i]);
      QCOMPARE(s.get_scale(), scale[i]);
      QCOMPARE(s.growth_tracker(), tracker[i]);
      QCOMPARE(s.last_step_skipped(), !std::isfinite(grads[i]));
    }
  }

  void defaultIntervalGrowsAtTheTwoThousandthCleanStep() {
    GradScaler s;
    Step st;
    for (int i = 0; i < 1999; ++i) run_step(s, st, 1e-6);
    QCOMPARE(s.get_scale(), 65536.0);
    QCOMPARE(s.growth_tracker(), int64_t(1999));
    run_step(s, st, 1e-6);
    QCOMPARE(s.get_scale(), 131072.0);
    QCOMPARE(s.growth_tracker(), int64_t(0));
  }

  void skippedStepLeavesParametersAlone() {
    GradScaler s;
    Step st;
    st.grads(s.get_scale(), kInf, 1.0);
    QVERIFY(!s.step(st.opt));
    QCOMPARE(st.at(0), 1.0f);
    QCOMPARE(st.at(1), 2.0f);
    s.update();
    QCOMPARE(s.get_scale(), 32768.0);
    // A clean step then moves by the true gradient [0.5, -1]: p - 0.1 g, exactly as fp32 SGD.
    st.grads(s.get_scale(), 0.5, -1.0);
    QVERIFY(s.step(st.opt));
    QCOMPARE(st.at(0), 1.0f - 0.1f * 0.5f);
    QCOMPARE(st.at(1), 2.0f + 0.1f);
  }

  void backwardThroughScaledLossUnscalesExactlyBeforeClipping() {
    // loss = sum(w * x): dloss/dw = x. The scaled backward gives x * 2^16; unscale_ must give x
    // back exactly (a power-of-two scale), and clipping must see the true norm |x| = 5.
    Tensor w = tensor({0.25, -0.5}).requires_grad_(true);
    const Tensor x = tensor({3.0, 4.0});
    optim::SGD opt({w}, {.lr = 1.0});
    GradScaler s;
    s.scale((w * x).sum()).backward();
    QCOMPARE(w.grad().data_ptr<float>()[0], 3.0f * 65536.0f);
    s.unscale_(opt);
    QCOMPARE(w.grad().data_ptr<float>()[0], 3.0f);
    QCOMPARE(w.grad().data_ptr<float>()[1], 4.0f);
    const double norm = nn::utils::clip_grad_norm_({w}, 1.0).item();
    QVERIFY(std::abs(norm - 5.0) < 1e-6);
    QVERIFY(s.step(opt));  // does not unscale a second time
    QVERIFY(std::abs(w.data_ptr<float>()[0] - (0.25f - 0.6f)) < 1e-6);
    QVERIFY(std::abs(w.data_ptr<float>()[1] - (-0.5f - 0.8f)) < 1e-6);
    s.update();
  }

  void parametersWithoutGradientsAreIgnored() {
    Tensor a = tensor({1.0}).requires_grad_(true), b = tensor({1.0}).requires_grad_(true);
    optim::SGD opt({a, b}, {.lr = 1.0});
    GradScaler s({.init_scale = 4});
    a.set_grad(tensor({8.0}));
    QVERIFY(s.step(opt));
    QCOMPARE(a.data_ptr<float>()[0], -1.0f);
    QVERIFY(!b.grad().defined());
  }

  void misuseIsRefused() {
    GradScaler s;
    Step st;
    st.grads(s.get_scale(), 1, 1);
    QVERIFY_THROWS_EXCEPTION(Error, s.update());
    s.unscale_(st.opt);
    QVERIFY_THROWS_EXCEPTION(Error, s.unscale_(st.opt));
    s.step(st.opt);
    QVERIFY_THROWS_EXCEPTION(Error, s.step(st.opt));
    s.update();
    QVERIFY_THROWS_EXCEPTION(Error, GradScaler({.init_scale = 0}));
    QVERIFY_THROWS_EXCEPTION(Error, GradScaler({.growth_factor = 1}));
    QVERIFY_THROWS_EXCEPTION(Error, GradScaler({.backoff_factor = 1}));
    QVERIFY_THROWS_EXCEPTION(Error, GradScaler({.growth_interval = 0}));
  }

  void stateSurvivesACheckpointFile() {
    // Run A for 5 steps, save its state with a checkpoint, load it into B, then run both through
    // the same 6 steps: every scale and tracker must agree.
    GradScalerOptions o{.init_scale = 256, .growth_interval = 4};
    GradScaler a(o);
    Step sa;
    for (double g : {1.0, 1.0, kInf, 1.0, 1.0}) run_step(a, sa, g);
    QCOMPARE(a.get_scale(), 128.0);
    QCOMPARE(a.growth_tracker(), int64_t(2));

    io::Checkpoint c;
    for (const auto& [k, v] : a.state_dict()) c.trainer["grad_scaler." + k] = v;
    const auto path = std::filesystem::temp_directory_path() / "tst_grad_scaler.h5";
    io::write_checkpoint(path, c);
    const io::Checkpoint back = io::read_checkpoint(path);
    std::filesystem::remove(path);
    optim::ValueMap state;
    for (const auto& [k, v] : back.trainer)
      if (k.rfind("grad_scaler.", 0) == 0) state[k.substr(12)] = v;

    GradScaler b;  // other options: the state brings its own
    b.load_state_dict(state);
    QCOMPARE(b.get_scale(), 128.0);
    QCOMPARE(b.growth_tracker(), int64_t(2));
    QCOMPARE(b.options().growth_interval, int64_t(4));
    Step sb;
    for (double g : {1.0, 1.0, 1.0, kNaN, 1.0, 1.0}) {
      run_step(a, sa, g);
      run_step(b, sb, g);
      QCOMPARE(b.get_scale(), a.get_scale());
      QCOMPARE(b.growth_tracker(), a.growth_tracker());
    }
    QCOMPARE(b.get_scale(), 128.0);  // 128 -> 256 (4th clean) -> 256, 256 -> 128 (NaN) -> 128

    optim::ValueMap missing = a.state_dict();
    missing.erase("scale");
    QVERIFY_THROWS_EXCEPTION(Error, b.load_state_dict(missing));
    optim::ValueMap bad = a.state_dict();
    bad["_growth_tracker"] = 4.0;  // == growth_interval: can never be reached
    QVERIFY_THROWS_EXCEPTION(Error, b.load_state_dict(bad));
    QCOMPARE(b.get_scale(), 128.0);  // a refused state changes nothing
  }
};

QTEST_APPLESS_MAIN(TestGradScaler)
#include "tst_grad_scaler.moc"
