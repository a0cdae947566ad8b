mkdir -p /etc/default/grub.d
# shellcheck disable=SC2016 # for GRUB's shell
printf 'GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX audit=1"\n' >/etc/default/grub.d/50-test.cfg
