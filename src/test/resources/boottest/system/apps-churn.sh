# boot-test --system, apps-update scenario: 20 more updates in a row, each with a new version of the
# application, on the real podman and /data. For each, the host's layout of that version is
# bind-mounted where a slot carries its applications (/usr/share/moducop/apps), then the generated
# moducop-app-load and moducop-app-prune run as the first boot of the updated slot would run them
# (the slots alternate). Reports the images and the space used on /data after each.
apps=/usr/share/moducop/apps
for n in $(ls /run/boottest/churn | sort -n); do
    dir=/run/boottest/churn/$n
    if [ $((n % 2)) -eq 0 ]; then slot=A; else slot=B; fi
    mount --bind "$dir" "$apps" || { echo "churn $n: bind mount failed"; break; }
    load=$(/usr/libexec/moducop-app-load web 2>&1 | tr '\n' ' ')
    prune=$(/usr/libexec/moducop-app-prune "$slot" 2>&1 | tr '\n' ' ')
    umount "$apps"
    echo "churn $n slot $slot: images $(podman images --quiet | sort -u | wc -l), /data $(df -k /data | awk 'NR == 2 { print $3 }') KiB used; $load$prune"
done
echo "churn images left: $(podman images --format '{{.Repository}}:{{.Tag}}' | grep -c /moducop/churn:) ($(podman images --format '{{.Tag}}' | tr '\n' ' '))"
