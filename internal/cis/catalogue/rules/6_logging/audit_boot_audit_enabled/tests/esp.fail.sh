# A disk image of the local builder: the command line in its EFI system
# partition's grub.cfg lacks audit=1 although /etc/default/grub has it.
mkdir -p /etc/default/grub.d /boot/efi/EFI/BOOT
# shellcheck disable=SC2016 # for GRUB's shell
printf 'GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX audit=1"\n' >/etc/default/grub.d/50-test.cfg
printf '# GRUB configuration of this disk image, written by the hardening-rootfs\n# builder on the EFI system partition.\nmenuentry x {\n\tlinux /vmlinuz root=UUID=x ro audit=0\n\tinitrd /initrd.img\n}\n' >/boot/efi/EFI/BOOT/grub.cfg
