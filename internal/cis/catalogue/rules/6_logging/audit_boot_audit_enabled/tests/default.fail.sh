# Debian's GRUB defaults have no audit=1.
! grep -rqs 'audit=1' /etc/default/grub /etc/default/grub.d
