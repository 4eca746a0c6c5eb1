[=header]
[Unit]
Description=ModuCop health gate: mark the booted slot good, or reboot to use up its try
ConditionKernelCommandLine=rauc.slot
After=multi-user.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/sbin/moducop-health
StandardOutput=journal+console

[Install]
WantedBy=multi-user.target
