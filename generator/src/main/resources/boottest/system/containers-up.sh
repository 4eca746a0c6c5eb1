# boot-test --system, containers scenario, first boot (run by the reporter; output on the console)
echo "docker --version: $(docker --version 2>&1 | tr '\n' ' ')"
echo "docker is: $(command -v docker) -> $(grep -o 'podman' "$(command -v docker)" | head -n 1)"
podman load -i /run/boottest/images.tar 2>&1 | tail -n 1
mkdir -p /root/app
cp /run/boottest/compose.yaml /root/app/compose.yaml
cd /root/app || exit 1
docker compose up -d > /run/boottest/compose-up.log 2>&1
echo "docker compose up -d: exit $?"
tail -n 3 /run/boottest/compose-up.log
# both containers up, 30 s at most
# shellcheck disable=SC2016 # expanded by the inner sh
timeout 30 sh -c 'until [ "$(podman ps -q | wc -l)" -ge 2 ]; do sleep 1; done'
podman ps --format 'running: {{.Names}} {{.Status}} restart={{.Restarts}}'
client=$(podman ps --filter label=com.docker.compose.service=client --format '{{.Names}}' | head -n 1)
echo "client reaches web by name: $(podman exec "$client" wget -q -O - http://web:8080/ 2>&1)"
graphroot=$(podman info --format '{{.Store.GraphRoot}}')
echo "graphroot: $graphroot on $(df --output=target "$graphroot" | tail -n 1)"
echo "podman-restart.service: $(systemctl is-enabled podman-restart.service 2>&1)"
