# boot-test --system, containers scenario, after the reboot
# both containers up, 30 s at most
# shellcheck disable=SC2016 # expanded by the inner sh
timeout 30 sh -c 'until [ "$(podman ps -q | wc -l)" -ge 2 ]; do sleep 1; done'
podman ps -a --format 'after reboot: {{.Names}} {{.Status}}'
echo "running after reboot: $(podman ps -q | wc -l)"
client=$(podman ps --filter label=com.docker.compose.service=client --format '{{.Names}}' | head -n 1)
[ -n "$client" ] && echo "client reaches web by name after reboot: $(podman exec "$client" wget -q -O - http://web:8080/ 2>&1)"
echo "podman-restart.service: $(systemctl is-enabled podman-restart.service 2>&1) $(systemctl is-active podman-restart.service 2>&1)"
