# boot-test --system: installs app bundles in the guest and waits for what moducop-app-update (which
# RAUC's post-install handler starts after the install) makes of them.
# app_update LABEL BUNDLE VERSION
app_update() {
    rauc install "$2" > "/run/boottest/$1.log" 2>&1
    echo "$1: rauc install exit $?: $(tail -n 1 "/run/boottest/$1.log")"
    i=0
    while [ "$i" -lt 900 ]; do
        last=$(head -n 1 /data/moducop/apps/last-update 2> /dev/null)
        case "$last" in
            "app bundle $3: on trial on slot "*) ;;
            "app bundle $3: "*) [ "$(systemctl show -P ActiveState moducop-app-update.service)" = activating ] || break ;;
        esac
        sleep 1
        i=$((i + 1))
    done
    echo "$1: outcome after $i s: $last"
    moducop-app status 2>&1 | sed "s/^/$1: moducop-app status: /"
    journalctl -b -u moducop-app-update.service --no-pager -o cat | grep -v '^$' | tail -n 8 | sed "s/^/$1: journal: /"
}
# the first 4 MiB of each root slot (superblock, group descriptors): rauc writing a slot rewrites them
slots() { while read -r d; do head -c 4194304 "$d" | sha256sum | cut -c1-16; done < /run/boottest/slot-devices | tr '\n' ' '; }
# probe PORT: the first and last line of an HTTP GET from the device itself
probe() {
    timeout 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1 && printf 'GET / HTTP/1.0\r\n\r\n' >&3 && cat <&3" 2>&1 \
        | tr -d '\r' | sed -n '1p;$p' | tr '\n' ' '
}
