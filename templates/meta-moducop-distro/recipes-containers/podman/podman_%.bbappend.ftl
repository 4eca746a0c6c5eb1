[=header]
# Containers with a restart policy come back after a reboot.
SYSTEMD_SERVICE:${PN}:append:moducop = " podman-restart.service"
