#pragma once
// Settings change only by a deliberate act. A wheel turned over a form scrolls the form: a combo
// box, spin box or slider takes the wheel only once it has the keyboard focus (a click or Tab),
// as Qt Creator's and KDE's settings pages do. One notch over an unfocused data-source combo box
// once switched Fashion-MNIST to "IDX files" and opened a file dialog.
//
// protect_from_wheel(root) covers every such editor under `root`, including those the forms
// create later (catalog-generated arguments, a node's parameters): one application-wide event
// filter sees each editor when it is polished (before it is first shown) and each wheel event,
// and acts only on editors that have a protected root among their ancestors.
class QWidget;

namespace nw::gui {

void protect_from_wheel(QWidget* root);

// True for the widget classes the guard acts on: QAbstractSpinBox, QComboBox, QAbstractSlider
// (not QScrollBar).
bool is_wheel_editor(const QWidget* widget);

}  // namespace nw::gui
