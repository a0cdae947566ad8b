[ -f /boot/grub/grub.cfg ] || { h_say 'no /boot/grub/grub.cfg: the image has no GRUB bootloader'; return 2; }
file_mode /boot/grub/grub.cfg 600 root root
