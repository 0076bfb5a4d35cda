// The CUDA plugin's NCCL entry points, reached as the core reaches them (cuda_plugin_symbol):
// NCCL's version and the ABI check on any machine; on one without a CUDA device, a communicator
// that cannot start says why; with a device, a world of one rank exchanges CUDA tensors (sums of
// one rank leave them as they are, in order with the compute stream) and refuses what NCCL cannot
// sum. The 2-rank exchange is gpu/tst_dist_train_nccl.
#include <QtTest>

#include <memory>

#include "backend/cuda_plugin.h"
#include "dist/nccl_bridge.h"
#include "dist/single_communicator.h"
#include "tensor/creation.h"
#include "tensor/errors.h"

using namespace nw;

namespace {

std::unique_ptr<dist::Communicator> create(dist::Communicator& world, std::string& why,
                                           int abi = kCudaPluginAbi) {
  auto fn = reinterpret_cast<dist::NcclCreateFn>(cuda_plugin_symbol(dist::kNcclCreateSymbol));
  if (!fn) return nullptr;
  char text[1024] = {0};
  std::unique_ptr<dist::Communicator> comm(fn(abi, &world, 0, text, sizeof text));
  why = text;
  return comm;
}

}  // namespace

class TestNcclCommunicator : public QObject {
  Q_OBJECT

  dist::SingleCommunicator alone_;

 private slots:
  void version_is_the_headers() {
    auto version =
        reinterpret_cast<dist::NcclVersionFn>(cuda_plugin_symbol(dist::kNcclVersionSymbol));
#ifdef NW_NCCL_VERSION
    QVERIFY2(version, "a plugin built with NCCL exports its version");
    char why[256] = {0};
    const int code = version(kCudaPluginAbi, why, sizeof why);
    QCOMPARE(QString("%1.%2.%3").arg(code / 10000).arg(code / 100 % 100).arg(code % 100),
             QString(NW_NCCL_VERSION));
    QCOMPARE(version(kCudaPluginAbi + 1, why, sizeof why), 0);
    QVERIFY2(QString(why).contains("rebuild the two together"), why);
#else
    QVERIFY2(!dist::nccl_status().built, dist::nccl_status().text.c_str());
#endif
  }

  void another_abi_is_refused() {
    std::string why;
    QVERIFY(!create(alone_, why, kCudaPluginAbi + 1));
#ifdef NW_NCCL_VERSION
    QVERIFY2(QString::fromStdString(why).contains("plugin ABI"), why.c_str());
#endif
  }

  // Without a device the communicator cannot start, and says where it stopped.
  void no_device_says_why() {
    if (cuda_is_available()) return;  // the next tests exercise the device
    std::string why;
    QVERIFY(!create(alone_, why));
#ifdef NW_NCCL_VERSION
    QVERIFY2(QString::fromStdString(why).contains("cudaSetDevice"), why.c_str());
#endif
  }

  void one_rank_sums_in_stream_order() {
    if (!cuda_is_available()) return;  // no_device_says_why covers this machine
    std::string why;
    auto comm = create(alone_, why);
    QVERIFY2(comm, why.c_str());
    QCOMPARE(comm->backend(), std::string("nccl"));
    QCOMPARE(comm->size(), 1);
    const Device gpu("cuda:0");
    Tensor f = from_vector<float>({1.5f, -2.0f, 3.25f}, {3}).to(gpu);
    // Written by a kernel on the compute stream just before: NCCL must see it, not the old data.
    f.mul_(2.0);
    auto r = comm->all_reduce_sum_async(f);
    r->wait();
    f.add_(1.0);  // queued behind the exchange
    QCOMPARE(f.cpu().to_vector<float>(), (std::vector<float>{4.0f, -3.0f, 7.5f}));
    QVERIFY(r->test());  // the copy back waited for the exchange, so its event is done
    Tensor d = from_vector<double>({0.1, 0.2}, {2}).to(gpu);
    comm->all_reduce_sum(d);
    QCOMPARE(d.cpu().to_vector<double>(), (std::vector<double>{0.1, 0.2}));
    Tensor i = from_vector<int64_t>({int64_t(1) << 40, -7}, {2}).to(gpu);
    comm->broadcast(i, 0);
    comm->all_reduce_sum(i);
    QCOMPARE(i.cpu().to_vector<int64_t>(), (std::vector<int64_t>{int64_t(1) << 40, -7}));
    Tensor host = from_vector<float>({5.0f}, {1});
    comm->all_reduce_sum(host);  // CPU tensors go to the world's communicator
    QCOMPARE(host.to_vector<float>(), std::vector<float>{5.0f});
  }

  void refuses_what_nccl_cannot_sum() {
    if (!cuda_is_available()) return;
    std::string why;
    auto comm = create(alone_, why);
    QVERIFY2(comm, why.c_str());
    Tensor bytes = zeros({4}, TensorOptions(DType::UInt8).device(Device("cuda:0")));
    try {
      comm->all_reduce_sum(bytes);
      QFAIL("a uint8 tensor was summed");
    } catch (const DTypeError& e) {
      QVERIFY2(QString(e.what()).contains("not uint8"), e.what());
    }
    Tensor strided = zeros({4, 4}, TensorOptions().device(Device("cuda:0"))).t();
    QVERIFY_THROWS_EXCEPTION(Error, comm->all_reduce_sum(strided));
  }
};

QTEST_APPLESS_MAIN(TestNcclCommunicator)
#include "tst_nccl_communicator.moc"
