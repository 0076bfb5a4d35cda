// MetricSeries storage, downsampling and smoothing, and the plots' drawing, coalescing and export.
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWheelEvent>

#include <random>
#include <set>

#include "app/theme.h"
#include "evaluation/confusion_matrix_plot.h"
#include "plots/accuracy_plot.h"
#include "plots/loss_plot.h"
#include "plots/lr_plot.h"
#include "plots/metric_series.h"

using namespace nw;
using namespace nw::gui;

namespace {

// The debiased EMA written out independently of MetricSeries.
std::vector<double> reference_ema(const std::vector<double>& y, double w) {
  std::vector<double> out;
  double ema = 0, decay = 1;
  for (double v : y) {
    ema = w * ema + (1 - w) * v;
    decay *= w;
    out.push_back(ema / (1 - decay));
  }
  return out;
}

std::shared_ptr<RunHistory> sample_run(int epochs, int batches) {
  auto run = std::make_shared<RunHistory>();
  run->name = "run";
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> noise(0.8, 1.2);
  QVector<BatchPoint> points;
  for (int e = 1; e <= epochs; ++e) {
    for (int b = 1; b <= batches; ++b) {
      train::BatchStats s;
      s.epoch = e;
      s.batch = b;
      s.batches = batches;
      s.loss = 2.0 / (1 + 0.01 * ((e - 1) * batches + b)) * noise(rng);
      s.accuracy = 1.0 - s.loss / 3;
      s.lr = 0.01 * std::pow(0.5, e - 1);
      points.push_back(BatchPoint::from(s));
    }
    train::EpochStats es;
    es.epoch = e;
    es.train_loss = 2.0 / e;
    es.val_loss = 2.2 / e + (e == epochs ? 0.5 : 0.0);  // best at epochs - 1
    es.train_accuracy = 1 - 0.5 / e;
    es.val_accuracy = 1 - 0.6 / e;
    run->add(es);
  }
  run->add(points);
  return run;
}

}  // namespace

class TestPlots : public QObject {
  Q_OBJECT

 private slots:
  void series_keeps_every_point_and_buckets_per_pixel() {
    constexpr size_t n = 1'000'000;
    constexpr int pixels = 800;
    MetricSeries s;
    for (size_t i = 0; i < n; ++i) s.append(double(i) / double(n), double(i % 1000));
    QCOMPARE(s.size(), n);
    QCOMPARE(s.y(123456), 456.0);  // nothing thinned

    const MetricSeries::View v = s.view(0.0, 1.0, pixels);
    QVERIFY(v.bucketed);
    QVERIFY(v.x.size() <= pixels + 2);
    QVERIFY(v.low.size() + v.high.size() <= 2 * (pixels + 2));
    // Each bucket spans 1250 samples, so more than a whole saw tooth: its min is 0, its max 999.
    for (int i = 0; i < v.x.size(); ++i) {
      QCOMPARE(v.low[i], 0.0);
      QCOMPARE(v.high[i], 999.0);
      QVERIFY(v.mean[i] > 400 && v.mean[i] < 600);
    }
  }

  void a_spike_lands_in_exactly_one_bucket() {
    MetricSeries s;
    for (int i = 0; i < 100000; ++i) s.append(i, i == 54321 ? 1e6 : 1.0);
    const MetricSeries::View v = s.view(0, 99999, 500);
    QVERIFY(v.bucketed);
    QCOMPARE(std::count(v.high.begin(), v.high.end(), 1e6), qsizetype(1));
    QCOMPARE(*std::min_element(v.low.begin(), v.low.end()), 1.0);
    const auto spike = std::find(v.high.begin(), v.high.end(), 1e6) - v.high.begin();
    QVERIFY(std::abs(v.x[spike] - 54321) < 100000.0 / 500);
  }

  void zoomed_view_covers_only_the_range() {
    MetricSeries s;
    for (int i = 0; i < 1'000'000; ++i) s.append(i * 1e-6, std::sin(i * 1e-3));
    const MetricSeries::View v = s.view(0.25, 0.26, 400);
    QVERIFY(v.bucketed);  // 10 000 points on 400 pixels
    QVERIFY(v.x.size() <= 402);
    QVERIFY(v.x.front() >= 0.25 - 1e-5 && v.x.back() <= 0.26 + 1e-5);
    const MetricSeries::View raw = s.view(0.25, 0.2501, 400);
    QVERIFY(!raw.bucketed);  // about 100 points: drawn as they are, plus one each side
    QCOMPARE(raw.x.size(), qsizetype(raw.low.size()));
    QVERIFY(raw.x.size() >= 100 && raw.x.size() <= 103);
  }

  // A live plot asks for the same range on every frame while points arrive; the view that
  // folds in only the new points must equal one built from scratch, bucket for bucket.
  void growing_view_equals_a_fresh_one() {
    auto same = [](const MetricSeries::View& a, const MetricSeries::View& b) {
      return a.bucketed == b.bucketed && a.x == b.x && a.low == b.low && a.high == b.high &&
             a.mean == b.mean && a.smooth_x == b.smooth_x && a.smooth_y == b.smooth_y &&
             a.smooth_index == b.smooth_index;
    };
    std::mt19937 rng(5);
    std::uniform_real_distribution<double> noise(0.0, 1.0);
    MetricSeries live;
    std::vector<std::pair<double, double>> points;
    int bucketed_frames = 0;
    for (int frame = 0; frame < 200; ++frame) {
      for (int k = 0; k < 137; ++k) {
        const size_t i = points.size();
        const double y = i % 5000 == 17 ? std::nan("") : noise(rng);  // a NaN now and then
        points.emplace_back(double(i) / 10000.0, y);
        live.append(points.back().first, y);
      }
      MetricSeries fresh;
      for (const auto& [x, y] : points) fresh.append(x, y);
      const MetricSeries::View a = live.view(0.0, 3.1, 300), b = fresh.view(0.0, 3.1, 300);
      QVERIFY2(same(a, b), qPrintable(QString("frame %1").arg(frame)));
      bucketed_frames += a.bucketed;
    }
    QVERIFY(bucketed_frames > 150);  // most frames went through the incremental path
    // A new range, or a new smoothing weight, starts over.
    MetricSeries fresh;
    for (const auto& [x, y] : points) fresh.append(x, y);
    QVERIFY(same(live.view(0.5, 1.5, 200), fresh.view(0.5, 1.5, 200)));
    live.set_smoothing(0.9);
    fresh.set_smoothing(0.9);
    QVERIFY(same(live.view(0.5, 1.5, 200), fresh.view(0.5, 1.5, 200)));
  }

  void smoothing_depends_on_the_index_only() {
    std::mt19937 rng(3);
    std::normal_distribution<double> noise(1.0, 0.3);
    std::vector<double> y(200000);
    for (double& v : y) v = noise(rng);
    const double w = MetricSeries::weight_for_time_constant(50);
    QVERIFY(std::abs(std::pow(w, 50) - std::exp(-1.0)) < 1e-12);
    MetricSeries s(w);
    for (size_t i = 0; i < y.size(); ++i) s.append(double(i), y[i]);
    const std::vector<double> ref = reference_ema(y, w);
    for (size_t i : {size_t(0), size_t(1), size_t(999), y.size() - 1})
      QVERIFY(s.smoothed(i) == ref[i]);
    // Whatever the range and the pixel width, a smoothed point is the value at its index.
    const std::tuple<double, double, int> views[] = {
        {0, 199999, 800}, {0, 199999, 37}, {1000, 1300, 2000}, {150000, 150100, 10}};
    for (const auto& [from, to, pixels] : views) {
      const MetricSeries::View v = s.view(from, to, pixels);
      QVERIFY(!v.smooth_index.empty());
      for (size_t k = 0; k < v.smooth_index.size(); ++k) {
        QVERIFY(v.smooth_y[qsizetype(k)] == ref[v.smooth_index[k]]);
        QVERIFY(v.smooth_x[qsizetype(k)] == double(v.smooth_index[k]));
      }
    }
    // Changing the weight recomputes the same formula.
    s.set_smoothing(0.9);
    QVERIFY(s.smoothed(5000) == reference_ema(y, 0.9)[5000]);
  }

  void plots_draw_runs_and_overlays() {
    LossPlot plot;
    plot.resize(600, 400);
    QVERIFY(!plot.legend->visible());  // nothing trained yet: no empty legend box
    auto earlier = sample_run(4, 50), current = sample_run(3, 50);
    plot.set_runs({earlier, current});
    plot.redraw_now();
    QVERIFY(plot.graphCount() > 2);
    QVERIFY(plot.xAxis->range().upper >= 4.0);  // follows the longest run
    QVERIFY(plot.legend->itemCount() == 3);     // the current run's layers only
    QVERIFY(plot.legend->visible());
    plot.set_log_scale(true);
    QCOMPARE(plot.yAxis->scaleType(), QCPAxis::stLogarithmic);
    plot.set_log_scale(false);
    QCOMPARE(plot.yAxis->scaleType(), QCPAxis::stLinear);
  }

  // A narrow plot wraps its legend into a grid, with empty cells when the entries do not fill
  // its last row (3 entries in 2 columns); fitting it again (a resize, runs set again for a new
  // run or another project) once read such a cell as an entry and crashed.
  void legend_refits_at_every_width() {
    AccuracyPlot plot;
    plot.resize(700, 200);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    plot.set_runs({sample_run(2, 50)});
    std::set<int> columns_seen;
    for (int width = 700; width >= 160; width -= 20) {
      plot.resize(width, 200);
      QCoreApplication::processEvents();
      plot.set_runs({sample_run(2, 50)});
      plot.redraw_now();
      int entries = 0;
      for (int i = 0; i < plot.legend->itemCount(); ++i) entries += plot.legend->item(i) != nullptr;
      QCOMPARE(entries, 3);
      columns_seen.insert(plot.legend->columnCount());
    }
    QVERIFY2(columns_seen.count(2) == 1, "no width gave the legend two columns");
    plot.set_runs({});
    plot.redraw_now();
    QVERIFY(!plot.legend->visible());
  }

  void redraws_are_coalesced_to_one_per_frame() {
    AccuracyPlot plot;
    plot.show();
    plot.set_runs({sample_run(2, 100)});
    QTRY_COMPARE(plot.redraw_count(), 1);
    const int before = plot.redraw_count();
    for (int i = 0; i < 1000; ++i) plot.refresh();
    QTRY_COMPARE(plot.redraw_count(), before + 1);
    QTest::qWait(100);  // three more frames at 30 Hz: nothing new was asked for
    QCOMPARE(plot.redraw_count(), before + 1);
  }

  // Nobody sees a hidden plot: data only marks it stale, and it draws once when shown.
  void hidden_plots_draw_when_shown() {
    AccuracyPlot plot;
    plot.set_runs({sample_run(2, 100)});
    for (int i = 0; i < 100; ++i) plot.refresh();
    QTest::qWait(100);
    QCOMPARE(plot.redraw_count(), 0);
    plot.show();
    QTRY_COMPARE(plot.redraw_count(), 1);
    QTest::qWait(100);
    QCOMPARE(plot.redraw_count(), 1);
    plot.showMinimized();
    QTRY_VERIFY(plot.isMinimized());
    for (int i = 0; i < 100; ++i) plot.refresh();
    QTest::qWait(100);
    QCOMPARE(plot.redraw_count(), 1);
  }

  void zoom_stops_following_until_reset() {
    LossPlot plot;
    plot.resize(600, 400);
    plot.show();
    plot.set_runs({sample_run(3, 50)});
    plot.redraw_now();
    plot.replot();  // painted once, so the axes have their place under the cursor
    QVERIFY(plot.following());
    const QPointF centre(300, 200);
    QWheelEvent wheel(centre, plot.mapToGlobal(centre), QPoint(), QPoint(0, 120), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(&plot, &wheel);
    QVERIFY(!plot.following());
    QVERIFY2(plot.xAxis->range().size() < 3.0,
             qPrintable(QString::number(plot.xAxis->range().size())));
    plot.reset_view();
    plot.redraw_now();
    QVERIFY(plot.following());
    // Back to the whole run, with a small margin after the last epoch.
    QCOMPARE(plot.xAxis->range().lower, 0.0);
    QVERIFY(plot.xAxis->range().upper >= 3.0 && plot.xAxis->range().upper <= 3.2);
  }

  // A constant learning rate has no span of its own: the axis must sit around it, however many
  // frames are drawn (it once widened by the margin on every frame, to about ±1e4).
  void constant_values_keep_a_tight_axis() {
    auto run = std::make_shared<RunHistory>();
    QVector<BatchPoint> points;
    for (int b = 1; b <= 50; ++b) {
      train::BatchStats s;
      s.epoch = 1;
      s.batch = b;
      s.batches = 50;
      s.loss = 1.0;
      s.lr = 0.001;
      points.push_back(BatchPoint::from(s));
    }
    run->add(points);
    LrPlot lr;
    lr.resize(500, 300);
    lr.set_runs({run});
    for (int frame = 0; frame < 200; ++frame) lr.redraw_now();
    const QCPRange y = lr.yAxis->range();
    QVERIFY2(y.contains(0.001), qPrintable(QString("%1..%2").arg(y.lower).arg(y.upper)));
    QVERIFY2(y.lower >= 0.0009 && y.upper <= 0.0011,
             qPrintable(QString("%1..%2").arg(y.lower).arg(y.upper)));
    lr.set_log_scale(true);
    lr.redraw_now();
    QVERIFY(lr.yAxis->range().contains(0.001));
    QVERIFY(lr.yAxis->range().lower > 0.0005 && lr.yAxis->range().upper < 0.002);
  }

  // QCustomPlot paints white with black axes unless told: the plots follow the dark palette and
  // back, as the View menu switches it.
  void plots_follow_the_palette() {
    LossPlot loss;
    ConfusionMatrixPlot matrix;
    const QPalette dark = palette_for(Theme::Dark), light = palette_for(Theme::Light);
    for (const QPalette& p : {dark, light, dark}) {
      loss.setPalette(p);
      matrix.setPalette(p);
      for (QCustomPlot* plot :
           {static_cast<QCustomPlot*>(&loss), static_cast<QCustomPlot*>(&matrix)}) {
        QCOMPARE(plot->axisRect()->backgroundBrush().color(), p.color(QPalette::Base));
        QCOMPARE(plot->xAxis->tickLabelColor(), p.color(QPalette::Text));
        QCOMPARE(plot->yAxis->labelColor(), p.color(QPalette::Text));
        QCOMPARE(plot->xAxis->basePen().color(), p.color(QPalette::Text));
      }
    }
    QVERIFY(dark.color(QPalette::Base) != light.color(QPalette::Base));  // the test can tell
    QVERIFY(!matrix.xAxis->grid()->visible());  // the heat map keeps its cells unlined
  }

  void exports_png_and_pdf() {
    QTemporaryDir tmp;
    LrPlot lr;
    LossPlot loss;
    lr.resize(500, 300);
    loss.resize(500, 300);
    lr.set_runs({sample_run(3, 20)});
    loss.set_runs({sample_run(3, 20)});
    const QString png = tmp.filePath("lr.png"), pdf = tmp.filePath("loss.pdf");
    QVERIFY(lr.export_png(png));
    QVERIFY(loss.export_pdf(pdf));
    QVERIFY(QFileInfo(png).size() > 0);
    QVERIFY(QFileInfo(pdf).size() > 0);
    QImage image(png);
    QCOMPARE(image.size(), QSize(500, 300));
  }
};

QTEST_MAIN(TestPlots)
#include "tst_plots.moc"
