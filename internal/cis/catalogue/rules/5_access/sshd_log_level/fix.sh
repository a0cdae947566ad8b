sshd_set LogLevel "$P_ssh_log_level"
