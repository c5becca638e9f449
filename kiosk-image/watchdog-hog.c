/* kiosk-image/watchdog-test's hang: a real-time busy loop at the top priority on the guest's only
 * CPU. With real-time throttling off (kernel.sched_rt_runtime_us = -1, set by the caller) no
 * other task runs again, systemd included, so nothing feeds /dev/watchdog0: the kernel still
 * ticks, user space is hung, as a runaway real-time thread or a priority inversion would leave a
 * kiosk. Only the hardware watchdog can get the machine back. */
#include <sched.h>
#include <stdio.h>
#include <sys/mman.h>

int main(void)
{
    struct sched_param top = { .sched_priority = sched_get_priority_max(SCHED_FIFO) };
    if (sched_setscheduler(0, SCHED_FIFO, &top) != 0) {
        perror("watchdog-hog: sched_setscheduler");
        return 1;
    }
    mlockall(MCL_CURRENT | MCL_FUTURE);
    puts("WATCHDOG-TEST: spinning at SCHED_FIFO priority 99");
    fflush(stdout);
    for (;;)
        ;
}
