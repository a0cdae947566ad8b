s5_sshd_range MaxSessions 1 "$P_ssh_max_sessions" && s5_sshd_explicit MaxSessions
