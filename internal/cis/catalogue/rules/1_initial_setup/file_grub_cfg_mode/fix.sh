file_fix_mode /boot/grub/grub.cfg 600 root root
s1_grub_cfg_hook
