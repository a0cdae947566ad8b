sed -i '\#^[^#][^[:space:]]*[[:space:]]\+/tmp[[:space:]]#d' /etc/fstab
printf 'tmpfs\t/tmp\ttmpfs\tdefaults,noexec\t0\t0\n' >>/etc/fstab
