// netwright: the desktop application. (The main window arrives with issue 5.)
#include <QApplication>

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  return 0;
}
