#pragma once
// An int spin box that can also show "no value": empty, with a placeholder ("required",
// "unknown"). A required parameter without a value, or an inferred one whose input shape is
// not known yet, is shown this way instead of as a made-up number.
#include <QFocusEvent>
#include <QFontMetrics>
#include <QLineEdit>
#include <QRegularExpression>
#include <QShowEvent>
#include <QSpinBox>

#include <algorithm>

namespace nw::gui {

class NullableSpinBox : public QSpinBox {
  Q_OBJECT

 public:
  explicit NullableSpinBox(QWidget* parent = nullptr) : QSpinBox(parent) {
    setKeyboardTracking(false);  // valueChanged on Enter, focus out and arrows, not per key
    connect(lineEdit(), &QLineEdit::textEdited, this, [this](const QString& text) {
      typed_ref_ = takes_refs_ && text.startsWith(QLatin1Char('$')) ? text : QString();
    });
  }

  void show_null(const QString& placeholder) {
    null_ = true;
    setValue(minimum());
    lineEdit()->clear();
    lineEdit()->setPlaceholderText(placeholder);
  }
  void show_int(int v) {
    null_ = false;
    setValue(v);
    lineEdit()->setText(textFromValue(value()));  // setValue of the same number keeps ""
  }
  bool is_null() const { return null_; }
  // Inside a block's body a value may be a block parameter, typed as "$channels": the box then
  // takes that text too (typed_ref() says what was typed) and leaves its number alone.
  void set_takes_refs(bool on) { takes_refs_ = on; }
  QString typed_ref() const { return typed_ref_; }
  void clear_typed_ref() { typed_ref_.clear(); }
  void set_not_null() { null_ = false; }
  // The user typed since the value was last shown.
  bool typed() const { return lineEdit()->isModified(); }
  // The typed text was taken: later refreshes may show new values again.
  void clear_typed() { lineEdit()->setModified(false); }

  // Room for five digits, not for the range's widest number (int_max, 10 digits): a pair of
  // them with a label once made a kernel size wider than the dock. Wider fields still grow.
  QSize minimumSizeHint() const override {
    QSize size = QSpinBox::minimumSizeHint();
    const QFontMetrics metrics(font());
    const int widest = std::max(metrics.horizontalAdvance(textFromValue(minimum())),
                                metrics.horizontalAdvance(textFromValue(maximum())));
    const int excess = widest - metrics.horizontalAdvance(QStringLiteral("99999"));
    if (excess > 0) size.rwidth() -= excess;
    return size;
  }

 protected:
  QValidator::State validate(QString& text, int& pos) const override {
    if (!takes_refs_ || !text.startsWith(QLatin1Char('$'))) return QSpinBox::validate(text, pos);
    static const QRegularExpression ref(QStringLiteral("^\\$[A-Za-z_][A-Za-z0-9_]*$"));
    return ref.match(text).hasMatch() ? QValidator::Acceptable : QValidator::Intermediate;
  }
  int valueFromText(const QString& text) const override {
    return takes_refs_ && text.startsWith(QLatin1Char('$')) ? value()
                                                            : QSpinBox::valueFromText(text);
  }
  // NOTE: QAbstractSpinBox writes the value's text on show: an empty field would read "1".
  void showEvent(QShowEvent* event) override {
    QSpinBox::showEvent(event);
    if (null_ && !typed()) lineEdit()->clear();
  }
  void focusOutEvent(QFocusEvent* event) override {
    const bool keep_empty = null_ && !typed();
    QSpinBox::focusOutEvent(event);
    if (keep_empty) lineEdit()->clear();  // leaving an empty field untouched keeps it empty
  }

 private:
  bool null_ = false;
  bool takes_refs_ = false;
  QString typed_ref_;
};

}  // namespace nw::gui
