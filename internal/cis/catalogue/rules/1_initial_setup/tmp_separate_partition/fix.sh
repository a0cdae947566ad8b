printf 'tmpfs\t/tmp\ttmpfs\trw,nosuid,nodev,noexec,relatime,mode=1777,size=%s\t0\t0\n' "$P_tmp_size" >>/etc/fstab
h_say "added a tmpfs /tmp to /etc/fstab ($P_tmp_size)"
