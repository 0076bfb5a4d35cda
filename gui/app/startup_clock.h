#pragma once
// --print-startup-time: the time from the process's start (the kernel's record, so dynamic
// loading before main() counts) to the main window's first painted frame. bench_startup runs
// the application with it.
class QWidget;

namespace nw::gui {

// Call first thing in main(): remembers how long the process had existed and starts a clock.
void mark_main_entered();
// Seconds from process start to now. NOTE: the kernel keeps the start time in clock ticks
// (10 ms here), so this is up to one tick long.
double seconds_since_process_start();
// At the first paint of `window` (or of a child of it), prints
//   startup: 0.412 s to the first frame (0.031 s before main)
// to stdout and quits the application once the frame is done.
void report_first_frame(QWidget* window);

}  // namespace nw::gui
