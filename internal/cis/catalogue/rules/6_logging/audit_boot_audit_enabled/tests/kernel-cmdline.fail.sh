# A systemd-boot style /etc/kernel/cmdline without audit=1.
mkdir -p /etc/kernel
printf 'root=/dev/vda1 ro quiet\n' >/etc/kernel/cmdline
