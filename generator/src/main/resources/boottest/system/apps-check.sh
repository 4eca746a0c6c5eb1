# boot-test --system, apps scenario (run by the reporter after the health gate; output on the console)
apps=/usr/share/moducop/apps
for dir in "$apps"/*/; do
    app=$(basename "$dir")
    [ -f "$dir/compose.yaml" ] || continue
    unit="moducop-app@$app.service"
    echo "$unit: $(systemctl is-active "$unit")"
    journalctl -b -u "$unit" --no-pager -o cat | grep 'moducop-app-load:' | sed 's/^/app log: /'
    for svc in $(awk '/^services:/ { s = 1; next } /^[^ ]/ { s = 0 } s && /^  [a-z0-9]/ { sub(":", ""); print $1 }' "$dir/compose.yaml"); do
        state=$(podman ps --filter "label=io.podman.compose.project=$app" --filter "label=com.docker.compose.service=$svc" \
            --format '{{.State}} {{.Status}}' | head -n 1)
        case "$state" in
            running*) echo "app $app service $svc: running ($state)" ;;
            *) echo "app $app service $svc: not running ($state)" ;;
        esac
    done
    echo "app $app compose ps: $(cd "$dir" && docker compose -p "$app" ps 2>&1 | tail -n +2 | tr -s ' \n' ' ')"
done
# the published ports (host side), from the scenario: an HTTP GET on each, from the device itself
while read -r port; do
    reply=$(timeout 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && printf 'GET / HTTP/1.0\r\n\r\n' >&3 && cat <&3" 2>&1 \
        | tr -d '\r' | sed -n '1p;$p' | tr '\n' ' ')
    echo "probe 127.0.0.1:$port: $reply"
done < /run/boottest/probe-ports
echo "images on /data: $(podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | tr '\n' ';')"
echo "image digests: $(podman images --digests --format '{{.Digest}}' | sort -u | tr '\n' ' ')"
echo "running images: $(podman ps -q | while read -r id; do podman container inspect --format '{{.ImageDigest}}' "$id"; done | sort -u | tr '\n' ' ')"
echo "data use: container storage $(du -skx /data/containers/storage | cut -f1) KiB, /data $(df -k /data | awk 'NR == 2 { print $3 }') KiB used"
for f in /data/moducop/apps/*; do
    [ -f "$f" ] && echo "app state $(basename "$f"): $(cut -c1-12 "$f" | tr '\n' ' ')"
done
for unit in moducop-health.service; do
    journalctl -b -u "$unit" --no-pager -o cat | tail -n 3 | sed "s/^/$unit log: /"
done
