#pragma once
// The training thread yields to the GUI thread when the cores are busy.

namespace nw::gui {

// The training thread's nice value above the GUI thread's (bench_gui_thread runs the CLI at it).
inline constexpr int kTrainingNiceSteps = 5;

// Lowers the calling thread's scheduling priority (Linux: nice +`steps`, which threads it starts
// later inherit). QThread::LowPriority does nothing under Linux's default scheduler, hence this.
// Does nothing where unsupported; training speed on an idle machine is unchanged.
void lower_this_thread_priority(int steps = kTrainingNiceSteps);

}  // namespace nw::gui
