// Tensor::str() against what PyTorch 1.13 prints for the same tensor. Each row gives the Python
// expression whose repr() is the expected text (checked with python3-torch 1.13).
#include <limits>
#include <sstream>

#include <QtTest>

#include "tensor/creation.h"
#include "tensor/ops.h"
#include "tensor/tensor.h"

Q_DECLARE_METATYPE(nw::Tensor)

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

class TestPrint : public QObject {
  Q_OBJECT

 private slots:
  void prints_like_pytorch_data() {
    QTest::addColumn<nw::Tensor>("tensor");
    QTest::addColumn<QString>("expected");
    // torch.tensor([[1., 2.], [3., 4.]])
    QTest::newRow("float_integers") << nw::tensor({{1., 2.}, {3., 4.}})
                                    << QStringLiteral(
                                           "tensor([[1., 2.],\n"
                                           "        [3., 4.]])");
    // torch.tensor([0.5, -1.25, 3.0])
    QTest::newRow("fixed_point") << nw::tensor({0.5, -1.25, 3.0})
                                 << QStringLiteral("tensor([ 0.5000, -1.2500,  3.0000])");
    // torch.tensor([[-1.5, 100.25], [3., 4.]])
    QTest::newRow("fixed_widths") << nw::tensor({{-1.5, 100.25}, {3., 4.}})
                                  << QStringLiteral(
                                         "tensor([[ -1.5000, 100.2500],\n"
                                         "        [  3.0000,   4.0000]])");
    // torch.tensor([1e-5, 1.0, 100.0])
    QTest::newRow("scientific_small")
        << nw::tensor({1e-5, 1.0, 100.0})
        << QStringLiteral("tensor([1.0000e-05, 1.0000e+00, 1.0000e+02])");
    // torch.tensor([1., 10000.])
    QTest::newRow("scientific_ratio")
        << nw::tensor({1., 10000.}) << QStringLiteral("tensor([1.0000e+00, 1.0000e+04])");
    // torch.tensor([123456789., 2e8])
    QTest::newRow("scientific_large")
        << nw::tensor({123456789., 2e8}) << QStringLiteral("tensor([1.2346e+08, 2.0000e+08])");
    // torch.tensor([1.5, inf, nan, -inf])
    QTest::newRow("inf_nan_fixed") << nw::tensor({1.5, kInf, kNaN, -kInf})
                                   << QStringLiteral("tensor([1.5000,    inf,    nan,   -inf])");
    // torch.tensor([0., inf, nan])
    QTest::newRow("inf_nan_integers")
        << nw::tensor({0., kInf, kNaN}) << QStringLiteral("tensor([0., inf, nan])");
    // torch.tensor([-0., 1.])
    QTest::newRow("negative_zero") << nw::tensor({-0., 1.}) << QStringLiteral("tensor([-0., 1.])");
    // torch.ones(2, dtype=torch.float64)
    QTest::newRow("float64") << nw::ones({2}, nw::kFloat64)
                             << QStringLiteral("tensor([1., 1.], dtype=torch.float64)");
    // torch.tensor([[0.1, 0.2]], dtype=torch.float64)
    QTest::newRow("float64_fixed")
        << nw::tensor({{0.1, 0.2}}, nw::kFloat64)
        << QStringLiteral("tensor([[0.1000, 0.2000]], dtype=torch.float64)");
    // torch.tensor([[1, -20], [300, 4]])
    QTest::newRow("int64") << nw::tensor({{1, -20}, {300, 4}})
                           << QStringLiteral(
                                  "tensor([[  1, -20],\n"
                                  "        [300,   4]])");
    // torch.tensor([True, False])
    QTest::newRow("bool") << nw::tensor({true, false}) << QStringLiteral("tensor([ True, False])");
    // torch.tensor([0, 255], dtype=torch.uint8)
    QTest::newRow("uint8") << nw::tensor({0, 255}, nw::kUInt8)
                           << QStringLiteral("tensor([  0, 255], dtype=torch.uint8)");
    // torch.tensor(3.5)
    QTest::newRow("scalar_float") << nw::scalar_tensor(3.5) << QStringLiteral("tensor(3.5000)");
    // torch.tensor(3)
    QTest::newRow("scalar_int") << nw::scalar_tensor(3, nw::kInt64) << QStringLiteral("tensor(3)");
    // torch.tensor(True)
    QTest::newRow("scalar_bool") << nw::scalar_tensor(1, nw::kBool)
                                 << QStringLiteral("tensor(True)");
    // torch.zeros(0)
    QTest::newRow("empty") << nw::zeros({0}) << QStringLiteral("tensor([])");
    // torch.zeros(2, 0)
    QTest::newRow("empty_2d") << nw::zeros({2, 0}) << QStringLiteral("tensor([], size=(2, 0))");
    // torch.zeros(0, dtype=torch.int64)
    QTest::newRow("empty_int64") << nw::zeros({0}, nw::kInt64)
                                 << QStringLiteral("tensor([], dtype=torch.int64)");
    // torch.ones(2, requires_grad=True)
    QTest::newRow("requires_grad") << nw::ones({2}, nw::TensorOptions().requires_grad())
                                   << QStringLiteral("tensor([1., 1.], requires_grad=True)");
    // torch.ones(2, requires_grad=True) * 2
    QTest::newRow("grad_fn") << nw::ones({2}, nw::TensorOptions().requires_grad()) * 2
                             << QStringLiteral("tensor([2., 2.], grad_fn=<MulBackward0>)");
    // torch.ones(2, 2, dtype=torch.float64, requires_grad=True).sum()
    QTest::newRow("grad_fn_float64")
        << nw::ones({2, 2}, nw::TensorOptions(nw::kFloat64).requires_grad()).sum()
        << QStringLiteral("tensor(4., dtype=torch.float64, grad_fn=<SumBackward0>)");
    // torch.tensor([[1, 2], [3, 4]]).t()
    QTest::newRow("transposed_view") << nw::tensor({{1, 2}, {3, 4}}).t()
                                     << QStringLiteral(
                                            "tensor([[1, 3],\n"
                                            "        [2, 4]])");
    // torch.arange(6).view(2, 3)[1]
    QTest::newRow("offset_view") << nw::arange(6).view({2, 3})[1]
                                 << QStringLiteral("tensor([3, 4, 5])");
    // torch.arange(8).view(2, 2, 2)
    QTest::newRow("three_d") << nw::arange(8).view({2, 2, 2})
                             << QStringLiteral(
                                    "tensor([[[0, 1],\n"
                                    "         [2, 3]],\n"
                                    "\n"
                                    "        [[4, 5],\n"
                                    "         [6, 7]]])");
    // torch.arange(30.) / 7
    QTest::newRow("line_wrap")
        << nw::arange(30, nw::kFloat32) / 7
        << QStringLiteral(
               "tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n"
               "        1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286,\n"
               "        2.5714, 2.7143, 2.8571, 3.0000, 3.1429, 3.2857, 3.4286, 3.5714, 3.7143,\n"
               "        3.8571, 4.0000, 4.1429])");
    // torch.arange(10., requires_grad=True) / 7
    QTest::newRow("suffix_wrap")
        << nw::arange(10, nw::kFloat32).requires_grad_() / 7
        << QStringLiteral(
               "tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n"
               "        1.2857], grad_fn=<DivBackward0>)");
    // torch.arange(2000)
    QTest::newRow("summary_1d") << nw::arange(2000)
                                << QStringLiteral(
                                       "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])");
    // torch.arange(2000.).view(40, 50)
    QTest::newRow("summary_2d")
        << nw::arange(2000, nw::kFloat32).view({40, 50})
        << QStringLiteral(
               "tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 4.7000e+01, 4.8000e+01,\n"
               "         4.9000e+01],\n"
               "        [5.0000e+01, 5.1000e+01, 5.2000e+01,  ..., 9.7000e+01, 9.8000e+01,\n"
               "         9.9000e+01],\n"
               "        [1.0000e+02, 1.0100e+02, 1.0200e+02,  ..., 1.4700e+02, 1.4800e+02,\n"
               "         1.4900e+02],\n"
               "        ...,\n"
               "        [1.8500e+03, 1.8510e+03, 1.8520e+03,  ..., 1.8970e+03, 1.8980e+03,\n"
               "         1.8990e+03],\n"
               "        [1.9000e+03, 1.9010e+03, 1.9020e+03,  ..., 1.9470e+03, 1.9480e+03,\n"
               "         1.9490e+03],\n"
               "        [1.9500e+03, 1.9510e+03, 1.9520e+03,  ..., 1.9970e+03, 1.9980e+03,\n"
               "         1.9990e+03]])");
    // torch.arange(2000).view(40, 50).t()
    QTest::newRow("summary_strided") << nw::arange(2000).view({40, 50}).t()
                                     << QStringLiteral(
                                            "tensor([[   0,   50,  100,  ..., 1850, 1900, 1950],\n"
                                            "        [   1,   51,  101,  ..., 1851, 1901, 1951],\n"
                                            "        [   2,   52,  102,  ..., 1852, 1902, 1952],\n"
                                            "        ...,\n"
                                            "        [  47,   97,  147,  ..., 1897, 1947, 1997],\n"
                                            "        [  48,   98,  148,  ..., 1898, 1948, 1998],\n"
                                            "        [  49,   99,  149,  ..., 1899, 1949, 1999]])");
    // torch.arange(2000).view(10, 10, 20)
    QTest::newRow("summary_3d") << nw::arange(2000).view({10, 10, 20})
                                << QStringLiteral(
                                       "tensor([[[   0,    1,    2,  ...,   17,   18,   19],\n"
                                       "         [  20,   21,   22,  ...,   37,   38,   39],\n"
                                       "         [  40,   41,   42,  ...,   57,   58,   59],\n"
                                       "         ...,\n"
                                       "         [ 140,  141,  142,  ...,  157,  158,  159],\n"
                                       "         [ 160,  161,  162,  ...,  177,  178,  179],\n"
                                       "         [ 180,  181,  182,  ...,  197,  198,  199]],\n"
                                       "\n"
                                       "        [[ 200,  201,  202,  ...,  217,  218,  219],\n"
                                       "         [ 220,  221,  222,  ...,  237,  238,  239],\n"
                                       "         [ 240,  241,  242,  ...,  257,  258,  259],\n"
                                       "         ...,\n"
                                       "         [ 340,  341,  342,  ...,  357,  358,  359],\n"
                                       "         [ 360,  361,  362,  ...,  377,  378,  379],\n"
                                       "         [ 380,  381,  382,  ...,  397,  398,  399]],\n"
                                       "\n"
                                       "        [[ 400,  401,  402,  ...,  417,  418,  419],\n"
                                       "         [ 420,  421,  422,  ...,  437,  438,  439],\n"
                                       "         [ 440,  441,  442,  ...,  457,  458,  459],\n"
                                       "         ...,\n"
                                       "         [ 540,  541,  542,  ...,  557,  558,  559],\n"
                                       "         [ 560,  561,  562,  ...,  577,  578,  579],\n"
                                       "         [ 580,  581,  582,  ...,  597,  598,  599]],\n"
                                       "\n"
                                       "        ...,\n"
                                       "\n"
                                       "        [[1400, 1401, 1402,  ..., 1417, 1418, 1419],\n"
                                       "         [1420, 1421, 1422,  ..., 1437, 1438, 1439],\n"
                                       "         [1440, 1441, 1442,  ..., 1457, 1458, 1459],\n"
                                       "         ...,\n"
                                       "         [1540, 1541, 1542,  ..., 1557, 1558, 1559],\n"
                                       "         [1560, 1561, 1562,  ..., 1577, 1578, 1579],\n"
                                       "         [1580, 1581, 1582,  ..., 1597, 1598, 1599]],\n"
                                       "\n"
                                       "        [[1600, 1601, 1602,  ..., 1617, 1618, 1619],\n"
                                       "         [1620, 1621, 1622,  ..., 1637, 1638, 1639],\n"
                                       "         [1640, 1641, 1642,  ..., 1657, 1658, 1659],\n"
                                       "         ...,\n"
                                       "         [1740, 1741, 1742,  ..., 1757, 1758, 1759],\n"
                                       "         [1760, 1761, 1762,  ..., 1777, 1778, 1779],\n"
                                       "         [1780, 1781, 1782,  ..., 1797, 1798, 1799]],\n"
                                       "\n"
                                       "        [[1800, 1801, 1802,  ..., 1817, 1818, 1819],\n"
                                       "         [1820, 1821, 1822,  ..., 1837, 1838, 1839],\n"
                                       "         [1840, 1841, 1842,  ..., 1857, 1858, 1859],\n"
                                       "         ...,\n"
                                       "         [1940, 1941, 1942,  ..., 1957, 1958, 1959],\n"
                                       "         [1960, 1961, 1962,  ..., 1977, 1978, 1979],\n"
                                       "         [1980, 1981, 1982,  ..., 1997, 1998, 1999]]])");
  }

  void prints_like_pytorch() {
    QFETCH(nw::Tensor, tensor);
    QFETCH(QString, expected);
    QCOMPARE(QString::fromStdString(tensor.str()), expected);
  }

  void stream_operator_prints_str() {
    const nw::Tensor t = nw::tensor({{1., 2.}, {3., 4.}});
    std::ostringstream os;
    os << t;
    QCOMPARE(os.str(), t.str());
  }

  void detach_drops_autograd_suffix() {
    const nw::Tensor y = nw::ones({2}, nw::TensorOptions().requires_grad()) * 2;
    QCOMPARE(QString::fromStdString(y.detach().str()), QStringLiteral("tensor([2., 2.])"));
  }

  // Not a PyTorch case (Python has no undefined tensor): printing one must not throw.
  void undefined_tensor_prints_a_marker() {
    QCOMPARE(QString::fromStdString(nw::Tensor().str()), QStringLiteral("tensor(undefined)"));
  }
};

QTEST_APPLESS_MAIN(TestPrint)
#include "tst_print.moc"
