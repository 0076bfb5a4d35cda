#include "training/thread_priority.h"

#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace nw::gui {

void lower_this_thread_priority(int steps) {
#ifdef __linux__
  // On Linux the nice value is per thread: PRIO_PROCESS with a thread id changes only that one.
  const pid_t tid = gettid();
  const int now = getpriority(PRIO_PROCESS, static_cast<id_t>(tid));
  setpriority(PRIO_PROCESS, static_cast<id_t>(tid), now + steps);
#else
  (void)steps;
#endif
}

}  // namespace nw::gui
