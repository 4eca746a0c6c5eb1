bootloader=uboot
data-directory=/data/rauc
boot-attempts=[=distro.bootAttempts]
boot-attempts-primary=[=distro.bootAttempts]
