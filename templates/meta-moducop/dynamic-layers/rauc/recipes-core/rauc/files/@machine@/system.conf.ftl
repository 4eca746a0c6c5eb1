[=header]
[system]
compatible=[=machine.ota.compatible]
bootloader=uboot
data-directory=/data/rauc
boot-attempts=[=distro.bootAttempts]
boot-attempts-primary=[=distro.bootAttempts]

[keyring]
path=/etc/rauc/ca.cert.pem

[slot.rootfs.0]
device=[=machine.device(machine.slotA)]
type=ext4
bootname=A

[slot.rootfs.1]
device=[=machine.device(machine.slotB)]
type=ext4
bootname=B
