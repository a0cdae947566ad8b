sed -i '/^[[:space:]]*even_deny_root/d' /etc/security/faillock.conf
