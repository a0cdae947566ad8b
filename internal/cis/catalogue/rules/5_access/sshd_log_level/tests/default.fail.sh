# INFO only by sshd's built-in default.
! grep -Eqis '^[[:space:]]*LogLevel' /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf
