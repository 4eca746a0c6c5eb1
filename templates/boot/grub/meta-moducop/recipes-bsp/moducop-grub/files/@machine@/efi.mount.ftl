[=header]
# The EFI system partition: GRUB, grub.cfg and grubenv, whose boot counters RAUC reads and writes
# with grub-editenv. A unit rather than an fstab line, so that a root slot written by a RAUC bundle
# has it too; wanted, not required, so that a missing partition cannot stop the boot. sync: a
# power cut must not lose a counter that grub-editenv wrote.
[Unit]
Description=ModuCop EFI system partition

[Mount]
What=[=machine.device(machine.boot)]
Where=/efi
Type=vfat
Options=sync,noatime,nodev,nosuid,noexec,umask=0077

[Install]
WantedBy=local-fs.target
