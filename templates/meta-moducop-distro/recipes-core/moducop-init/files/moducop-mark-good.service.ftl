[=header]
[Unit]
Description=Mark the booted ModuCop slot good
ConditionKernelCommandLine=rauc.slot
Requires=boot-complete.target
After=boot-complete.target

[Service]
Type=oneshot
ExecStart=/usr/sbin/moducop-mark-good

[Install]
WantedBy=multi-user.target
