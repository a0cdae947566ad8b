s1_shm_opts nodev
