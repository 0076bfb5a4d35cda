#pragma once
// A look at the training data before training: "Preview" opens the first samples of the
// train source in a background thread (the GUI never waits on a file), then shows a few of
// them as thumbnails when they are images of 1 or 3 channels, and the class balance of the
// samples read as a small bar list. A source that cannot be opened shows why.
#include <QImage>
#include <QLabel>
#include <QPushButton>
#include <QWidget>

#include <atomic>
#include <filesystem>
#include <thread>
#include <utility>
#include <vector>

#include "document/project_document.h"

class QGridLayout;

namespace nw::gui {

class BalanceBars;

class DataPreview : public QWidget {
  Q_OBJECT

 public:
  explicit DataPreview(ProjectDocument* document, QWidget* parent = nullptr);
  ~DataPreview() override;  // waits for a preview still loading

  // What one preview found; made on the worker thread (QImage, not QPixmap, for that reason).
  struct Result {
    QString error;
    QString summary;  // "1,000 samples of (1, 28, 28), 10 classes"
    std::vector<QImage> images;
    std::vector<std::pair<QString, int64_t>> classes;  // name, samples
  };
  // Opens the data and reads the preview; blocking, so it runs on the worker thread.
  static Result load(const io::DataConfig& data, const std::filesystem::path& base_dir,
                     uint64_t seed);

  void start();  // does nothing while a preview is loading
  bool is_loading() const { return loading_; }
  QPushButton* button() const { return button_; }
  QLabel* status_label() const { return status_; }
  QLabel* error_label() const { return error_; }
  int thumbnail_count() const;
  int class_count() const;

 signals:
  void finished();

 private:
  void show_result(const Result& result);

  ProjectDocument* document_;
  QPushButton* button_;
  QLabel* status_;
  QLabel* error_;
  QWidget* thumbnails_;
  QGridLayout* grid_;
  BalanceBars* balance_;
  std::thread worker_;
  std::atomic<bool> loading_ = false;
};

}  // namespace nw::gui
