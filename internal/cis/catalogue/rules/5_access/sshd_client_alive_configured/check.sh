sshd_installed || return 2
s5_sshd_range ClientAliveInterval 1 "$P_ssh_client_alive_interval" && s5_sshd_range ClientAliveCountMax 1 "$P_ssh_client_alive_count_max"
