bootloader=grub
# On the EFI system partition, next to grub.cfg, which reads and writes the same file (efi.mount).
grubenv=/efi/EFI/BOOT/grubenv
data-directory=/data/rauc
