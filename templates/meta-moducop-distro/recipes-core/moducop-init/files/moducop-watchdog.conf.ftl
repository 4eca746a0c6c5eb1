[=header]
# systemd feeds the board's hardware watchdog (/dev/watchdog0): when userspace hangs, the board
# resets, the hung boot counts as a failed try and the boot script falls back after the last one.
[Manager]
RuntimeWatchdogSec=30s
RebootWatchdogSec=2min
