s1_shm_add_opts nodev nosuid noexec
