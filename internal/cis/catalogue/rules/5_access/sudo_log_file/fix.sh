s5_sudo_default "logfile=\"$P_sudo_log_file\""
