# The mount point is separate, without the option.
sed -i "\\#^[^\#][^[:space:]]*[[:space:]]\+${V_mount}[[:space:]]#d" /etc/fstab
printf 'tmpfs\t%s\ttmpfs\tdefaults\t0\t0\n' "$V_mount" >>/etc/fstab
