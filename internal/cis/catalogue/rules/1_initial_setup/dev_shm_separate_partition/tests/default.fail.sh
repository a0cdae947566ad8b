sed -i '\#^[^#][^[:space:]]*[[:space:]]\+/dev/shm[[:space:]]#d' /etc/fstab
