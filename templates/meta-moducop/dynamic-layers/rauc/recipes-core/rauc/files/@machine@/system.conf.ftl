[#if p.ota().rauc()]
[=header]
[system]
compatible=[=p.ota().compatible()]
bootloader=uboot
data-directory=/data/rauc
boot-attempts=[=attempts]
boot-attempts-primary=[=attempts]

[keyring]
path=/etc/rauc/ca.cert.pem

[slot.rootfs.0]
device=[=m.linuxPartition(slotA.number())]
type=ext4
bootname=A

[slot.rootfs.1]
device=[=m.linuxPartition(slotB.number())]
type=ext4
bootname=B
[/#if]
