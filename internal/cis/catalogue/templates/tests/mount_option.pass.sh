# The mount point is separate, with the option.
sed -i "\\#^[^\#][^[:space:]]*[[:space:]]\+${V_mount}[[:space:]]#d" /etc/fstab
printf 'tmpfs\t%s\ttmpfs\tdefaults,%s\t0\t0\n' "$V_mount" "$V_option" >>/etc/fstab
