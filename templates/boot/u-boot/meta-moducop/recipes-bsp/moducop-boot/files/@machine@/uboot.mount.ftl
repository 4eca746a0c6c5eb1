[=header]
# The boot partition: boot.scr, the board's boot files[#if machine.env.bootMount??] and U-Boot's environment (fw_setenv)[/#if].
# A unit rather than an fstab line, so that a root slot written by a RAUC bundle has it too; wanted,
# not required, so that a missing partition cannot stop the boot.
[Unit]
Description=ModuCop boot partition

[Mount]
What=[=machine.device(machine.boot)]
Where=/uboot
Type=vfat
Options=noatime,nodev,nosuid,noexec,umask=0077

[Install]
WantedBy=local-fs.target
