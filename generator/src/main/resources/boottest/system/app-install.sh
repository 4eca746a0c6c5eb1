# boot-test --system, app-install scenario, in slot A: app bundles from another CA, for another compatible
# and with a flipped payload byte (from the file and streamed), then the real one, streamed from the
# harness's update server
repo=/data/moducop/app-repo
url=$(cat /run/boottest/update-url)
before=$(slots)
rauc install /run/boottest/other-ca-apps.raucb > /run/boottest/other-ca.log 2>&1
echo "other-CA app bundle: rauc install exit $?: $(grep -iE 'error|fail|signature' /run/boottest/other-ca.log | tail -n 1)"
rauc install /run/boottest/other-compatible-apps.raucb > /run/boottest/other-compatible.log 2>&1
echo "other-compatible app bundle: rauc install exit $?: $(grep -iE 'compatible|error|fail' /run/boottest/other-compatible.log | tail -n 1)"
rauc install /run/boottest/tampered-apps.raucb > /run/boottest/tampered.log 2>&1
echo "tampered app bundle: rauc install exit $?: $(grep -iE 'error|fail|corrupt|verity' /run/boottest/tampered.log | tail -n 1)"
rauc install "${url}tampered-apps.raucb" > /run/boottest/tampered-streamed.log 2>&1
echo "tampered app bundle, streamed: rauc install exit $?: $(grep -m 1 LastError /run/boottest/tampered-streamed.log)"
# the links are the installed artifacts; RAUC keeps its own data in hidden entries
if [ -z "$(ls "$repo" 2>&1)" ]; then echo "repository after refused bundles: no application"; else echo "repository after refused bundles: $(ls "$repo" | tr '\n' ' ')"; fi
echo "repository after refused bundles, RAUC's temporary copies: $(ls -A "$repo" | grep -c '\.tmp$') $(ls -A "$repo" | tr '\n' ' ')"
app_update "apps bundle install" "${url}apps.raucb" boottest-apps
# a streamed bundle is mounted from a network block device, a local one from a loop device
journalctl -b -u rauc --no-pager -o cat > /run/boottest/rauc-journal.log 2>&1
echo "streaming: $(grep -ci nbd /run/boottest/rauc-journal.log) lines of RAUC's journal name nbd: $(grep -i -m 1 nbd /run/boottest/rauc-journal.log)"
while read -r app; do
    link=$(readlink "$repo/$app")
    case $link in
        .artifact-*) echo "artifact $app: link to $link" ;;
        *) echo "artifact $app: no link ($(ls -la "$repo" 2>&1 | tr '\n' ' '))" ;;
    esac
    if cmp -s "$repo/$app/compose.yaml" "/usr/share/moducop/apps/$app/compose.yaml"; then
        echo "artifact $app compose.yaml: same as the slot's"
    else
        echo "artifact $app compose.yaml: differs or missing"
    fi
    echo "artifact $app images: $(grep -o '"digest"' "$repo/$app/oci/index.json" 2>/dev/null | wc -l) manifests"
done < /run/boottest/app-names
echo "repository: $(du -sk "$repo" | cut -f1) KiB on $(df --output=source "$repo" | tail -n 1)"
echo "repository after the install, RAUC's temporary copies: $(ls -A "$repo" | grep -c '\.tmp$')"
echo "env after app bundle: $(fw_printenv BOOT_ORDER 2>&1 | tr '\n' ' ')"
if [ "$(slots)" = "$before" ]; then echo "root slots after app bundle: unchanged"; else echo "root slots after app bundle: changed ($before -> $(slots))"; fi
rauc status > /run/boottest/status.log 2>&1; grep -iE "artifact|apps" /run/boottest/status.log | head -n 5 | sed 's/^/rauc status: /'
sync
