[=header]
[system]
compatible=[=machine.ota.compatible]
[#include machine.bootInclude("system.conf.ftl")]

# Relative: RAUC resolves it against this file's directory, where rauc-conf also installs the
# keyring (/etc/rauc on scarthgap, /usr/lib/rauc since wrynose).
[keyring]
path=ca.cert.pem

[slot.rootfs.0]
device=[=machine.device(machine.slotA)]
type=ext4
bootname=A

[slot.rootfs.1]
device=[=machine.device(machine.slotB)]
type=ext4
bootname=B
[#if distro.apps?has_content]

# App bundles (moducop app-bundle) install each application as an artifact of this repository
# (RAUC 1.13 or later); moducop-init creates the directory on /data before rauc.service starts.
[artifacts.apps]
path=/data/moducop/app-repo
type=trees

# App bundles: refused before anything is written when they do not fit on /data; after the
# install moducop-app-update tries their applications and keeps them only when healthy.
[handlers]
pre-install=/usr/libexec/moducop-app-preinstall
post-install=/usr/libexec/moducop-app-postinstall
[/#if]
