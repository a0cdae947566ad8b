sshd_set MaxSessions "$P_ssh_max_sessions"
