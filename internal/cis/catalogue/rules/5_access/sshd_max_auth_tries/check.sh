s5_sshd_range MaxAuthTries 1 "$P_ssh_max_auth_tries" && s5_sshd_explicit MaxAuthTries
