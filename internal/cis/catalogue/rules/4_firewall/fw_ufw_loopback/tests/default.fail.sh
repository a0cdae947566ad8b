! grep -q -- '-i lo' /etc/ufw/user.rules
