# No rule allows sshd's port in.
! grep -q -- '--dport 22' /etc/ufw/user.rules
