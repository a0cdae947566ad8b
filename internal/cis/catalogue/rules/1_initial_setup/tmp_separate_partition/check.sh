_s=$(s1_tmp_source) && { h_say "/tmp is mounted by $_s"; return 0; }
h_say '/tmp is not in /etc/fstab and tmp.mount is not enabled'; return 1
