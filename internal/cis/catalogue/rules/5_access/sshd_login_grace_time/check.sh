s5_sshd_range LoginGraceTime 1 "$P_ssh_login_grace_time" && s5_sshd_explicit LoginGraceTime
