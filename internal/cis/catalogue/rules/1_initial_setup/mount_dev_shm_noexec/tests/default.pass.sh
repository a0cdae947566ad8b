sed -i '\#^[^#][^[:space:]]*[[:space:]]\+/dev/shm[[:space:]]#d' /etc/fstab
printf 'tmpfs\t/dev/shm\ttmpfs\tdefaults,noexec\t0\t0\n' >>/etc/fstab
