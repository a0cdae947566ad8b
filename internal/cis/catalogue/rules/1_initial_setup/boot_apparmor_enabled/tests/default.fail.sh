! grep -rqs 'apparmor=1' /etc/default/grub /etc/default/grub.d
