  GRUB environment: /EFI/BOOT/grubenv on the EFI system partition, /efi/EFI/BOOT/grubenv in Linux
