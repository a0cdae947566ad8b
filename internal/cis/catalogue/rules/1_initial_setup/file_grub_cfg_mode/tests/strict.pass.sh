mkdir -p /boot/grub
printf 'set default=0\n' >/boot/grub/grub.cfg
chmod 0400 /boot/grub/grub.cfg
