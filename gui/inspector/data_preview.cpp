#include "inspector/data_preview.h"

#include <QGridLayout>
#include <QLocale>
#include <QPainter>
#include <QPixmap>
#include <QVBoxLayout>

#include <algorithm>
#include <map>

#include "inspector/inspector_style.h"
#include "io/config.h"

namespace nw::gui {

namespace {

constexpr int64_t kSamplesRead = 1000;  // enough for the class balance, quick to read
constexpr int kThumbnails = 8;

// A (C, H, W) image of 1 or 3 channels, or (H, W), stretched to 0..255 per image (the data
// may be normalized to any range); a null image for other shapes.
QImage to_image(const Tensor& sample) {
  const Shape& s = sample.sizes();
  const bool hw = s.size() == 2;
  if (!(hw || (s.size() == 3 && (s[0] == 1 || s[0] == 3)))) return {};
  const int c = hw ? 1 : int(s[0]), h = int(s[hw ? 0 : 1]), w = int(s[hw ? 1 : 2]);
  if (h < 1 || w < 1 || h > 4096 || w > 4096) return {};
  const std::vector<float> v = sample.to(kFloat32).contiguous().to_vector<float>();
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  const float span = *hi > *lo ? *hi - *lo : 1.0f;
  QImage img(w, h, c == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888);
  for (int y = 0; y < h; ++y) {
    uchar* line = img.scanLine(y);
    for (int x = 0; x < w; ++x)
      for (int k = 0; k < c; ++k)
        line[x * c + k] = uchar(255.0f * (v[size_t(k) * h * w + size_t(y) * w + x] - *lo) / span);
  }
  return img;
}

}  // namespace

// The class balance: one row per class, its name, a bar and the count.
class BalanceBars : public QWidget {
 public:
  explicit BalanceBars(QWidget* parent) : QWidget(parent) {}
  void set_classes(std::vector<std::pair<QString, int64_t>> classes) {
    classes_ = std::move(classes);
    updateGeometry();
    update();
  }
  int count() const { return int(classes_.size()); }
  QSize sizeHint() const override {
    const int row = fontMetrics().height() + 2;
    return {row * 10, row * int(classes_.size())};
  }

 protected:
  void paintEvent(QPaintEvent*) override {
    if (classes_.empty()) return;
    QPainter p(this);
    const QFontMetrics fm = fontMetrics();
    const int row = fm.height() + 2;
    int name_w = 0, count_w = 0;
    int64_t most = 1;
    for (const auto& [name, n] : classes_) {
      name_w = std::max(name_w, fm.horizontalAdvance(name));
      count_w = std::max(count_w, fm.horizontalAdvance(QLocale().toString(qlonglong(n))));
      most = std::max(most, n);
    }
    name_w = std::min(name_w, width() / 3);
    const int gap = fm.horizontalAdvance(QLatin1Char(' '));
    const int bar_x = name_w + gap, bar_w = std::max(1, width() - bar_x - count_w - gap);
    for (size_t i = 0; i < classes_.size(); ++i) {
      const int y = int(i) * row;
      const auto& [name, n] = classes_[i];
      p.setPen(palette().color(QPalette::WindowText));
      p.drawText(QRect(0, y, name_w, row), Qt::AlignVCenter | Qt::AlignLeft,
                 fm.elidedText(name, Qt::ElideRight, name_w));
      const int w = int(double(bar_w) * double(n) / double(most));
      p.fillRect(QRect(bar_x, y + 3, std::max(1, w), row - 6),
                 palette().color(QPalette::Highlight));
      p.drawText(QRect(bar_x + w + gap, y, count_w + gap, row), Qt::AlignVCenter | Qt::AlignLeft,
                 QLocale().toString(qlonglong(n)));
    }
  }

 private:
  std::vector<std::pair<QString, int64_t>> classes_;
};

DataPreview::DataPreview(ProjectDocument* document, QWidget* parent)
    : QWidget(parent),
      document_(document),
      button_(new QPushButton(tr("Preview"), this)),
      status_(make_hint_label({}, this)),
      error_(make_error_label(this)),
      thumbnails_(new QWidget(this)),
      grid_(new QGridLayout(thumbnails_)),
      balance_(new BalanceBars(this)) {
  auto* column = new QVBoxLayout(this);
  column->setContentsMargins(0, 0, 0, 0);
  button_->setObjectName(QStringLiteral("data.preview"));
  button_->setToolTip(tr("Read the first samples of the training data and show them"));
  status_->setWordWrap(true);
  grid_->setContentsMargins(0, 0, 0, 0);
  column->addWidget(button_, 0, Qt::AlignLeft);
  column->addWidget(status_);
  column->addWidget(error_);
  status_->hide();
  column->addWidget(thumbnails_);
  column->addWidget(balance_);
  thumbnails_->hide();
  balance_->hide();
  connect(button_, &QPushButton::clicked, this, &DataPreview::start);
}

DataPreview::~DataPreview() {
  if (worker_.joinable()) worker_.join();
}

int DataPreview::thumbnail_count() const {
  return grid_->count();
}
int DataPreview::class_count() const {
  return balance_->count();
}

DataPreview::Result DataPreview::load(const io::DataConfig& data,
                                      const std::filesystem::path& base_dir, uint64_t seed) {
  Result r;
  if (!data.train) {
    r.error = tr("There is no training data to preview; choose a source above.");
    return r;
  }
  try {
    io::DataConfig only_train = data;
    only_train.test.reset();
    only_train.validation_fraction = 0;  // every sample read shows
    const io::Datasets sets = io::open_datasets(only_train, base_dir, seed, kSamplesRead);
    const data::Dataset& ds = *sets.train;
    const int64_t n = ds.size();
    std::map<int64_t, int64_t> counts;
    Shape shape;
    for (int64_t i = 0; i < n; ++i) {
      const data::Example e = ds.get(i);
      if (i == 0) shape = e.data.sizes();
      // Spread over what was read, so that more than one class shows.
      if (int(r.images.size()) < kThumbnails && i % std::max<int64_t>(1, n / kThumbnails) == 0) {
        QImage img = to_image(e.data);
        if (!img.isNull()) r.images.push_back(std::move(img));
      }
      if (e.target.defined() && e.target.numel() == 1 && e.target.dtype() == kInt64)
        ++counts[e.target.to_vector<int64_t>()[0]];
    }
    for (const auto& [label, count] : counts) {
      const bool named = label >= 0 && size_t(label) < sets.class_names.size();
      r.classes.emplace_back(named ? qstr(sets.class_names[size_t(label)]) : QString::number(label),
                             count);
    }
    r.summary = tr("%1 samples of %2")
                    .arg(QLocale().toString(qlonglong(n)), qstr(graph::format_shape(shape)));
    if (n >= kSamplesRead) r.summary += tr(" (the first %1 read)").arg(kSamplesRead);
    if (!counts.empty()) r.summary += tr(", %n classes", nullptr, int(counts.size()));
  } catch (const std::exception& e) {
    r.error = QString::fromUtf8(e.what());
  }
  return r;
}

void DataPreview::start() {
  if (loading_) return;
  if (worker_.joinable()) worker_.join();  // the last one has finished: loading_ is false
  loading_ = true;
  button_->setEnabled(false);
  show_message(status_, tr("Reading the training data\u2026"));
  show_message(error_, {});
  const io::Project& p = document_->project();
  worker_ = std::thread([this, data = p.data, base = p.base_dir(), seed = p.training.seed] {
    auto result = std::make_shared<Result>(load(data, base, seed));
    // Queued to the GUI thread. The destructor joins this thread first, so `this` is alive
    // when the call is posted, and Qt drops the call if the widget is gone by then.
    QMetaObject::invokeMethod(
        this, [this, result] { show_result(*result); }, Qt::QueuedConnection);
  });
}

void DataPreview::show_result(const Result& result) {
  loading_ = false;
  button_->setEnabled(true);
  while (QLayoutItem* item = grid_->takeAt(0)) {
    delete item->widget();
    delete item;
  }
  thumbnails_->setVisible(!result.images.empty());
  balance_->setVisible(!result.classes.empty());
  if (!result.error.isEmpty()) {
    show_message(status_, {});
    show_message(error_, result.error);
    balance_->set_classes({});
    emit finished();
    return;
  }
  show_message(status_, result.summary);
  // Logical pixels, a few text lines high: the same size on every screen density.
  const int side = fontMetrics().height() * 3;
  const qreal dpr = devicePixelRatioF();
  for (size_t i = 0; i < result.images.size(); ++i) {
    QPixmap pm = QPixmap::fromImage(result.images[i].scaled(
        int(side * dpr), int(side * dpr), Qt::KeepAspectRatio, Qt::FastTransformation));
    pm.setDevicePixelRatio(dpr);
    auto* label = new QLabel(thumbnails_);
    label->setPixmap(pm);
    grid_->addWidget(label, int(i) / 4, int(i) % 4);
  }
  balance_->set_classes(result.classes);
  emit finished();
}

}  // namespace nw::gui
