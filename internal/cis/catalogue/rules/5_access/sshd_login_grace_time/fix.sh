sshd_set LoginGraceTime "$P_ssh_login_grace_time"
