#pragma once
// The training thread yields to the GUI thread when the cores are busy.

namespace nw::gui {

// Lowers the calling thread's scheduling priority (Linux: nice +`steps`, which threads it starts
// later inherit). QThread::LowPriority does nothing under Linux's default scheduler, hence this.
// Does nothing where unsupported; training speed on an idle machine is unchanged.
void lower_this_thread_priority(int steps = 5);

}  // namespace nw::gui
