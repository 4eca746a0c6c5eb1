[=header]
[Unit]
Description=ModuCop application %i (compose project %i)
# podman's storage and the applications' volumes are on /data; no wait for a network: the
# images are in the slot or on /data, and a device without a link must start its applications too
RequiresMountsFor=/data
After=network.target
ConditionPathExists=/usr/share/moducop/apps/%i/compose.yaml

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStartPre=/usr/libexec/moducop-app-load %i
ExecStart=/usr/libexec/moducop-app-compose %i up --detach --no-build
ExecStartPost=/usr/libexec/moducop-app-check %i
ExecStop=/usr/libexec/moducop-app-compose %i down
Restart=on-failure
RestartSec=10s
TimeoutStartSec=15min

[Install]
WantedBy=multi-user.target
