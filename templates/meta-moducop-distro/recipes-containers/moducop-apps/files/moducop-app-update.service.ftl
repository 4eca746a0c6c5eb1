[=header]
[Unit]
Description=ModuCop: try the applications of an installed app bundle, keep them only when healthy
RequiresMountsFor=/data

[Service]
Type=oneshot
ExecStart=/usr/libexec/moducop-app-update
# each application's start and health wait has its own limit; this is only the outer bound
TimeoutStartSec=2h
StandardOutput=journal+console
