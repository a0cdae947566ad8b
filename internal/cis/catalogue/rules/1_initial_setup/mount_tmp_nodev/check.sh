s1_tmp_opts nodev
