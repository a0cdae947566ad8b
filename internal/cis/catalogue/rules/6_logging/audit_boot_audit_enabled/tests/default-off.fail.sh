# audit=1 in GRUB_CMDLINE_LINUX, then audit=0 later in _DEFAULT.
mkdir -p /etc/default/grub.d
# shellcheck disable=SC2016 # for GRUB's shell
printf 'GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX audit=1"\nGRUB_CMDLINE_LINUX_DEFAULT="quiet audit=0"\n' >/etc/default/grub.d/50-test.cfg
