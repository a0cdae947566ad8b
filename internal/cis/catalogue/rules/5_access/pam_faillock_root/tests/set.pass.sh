printf 'even_deny_root\nroot_unlock_time = 900\n' >>/etc/security/faillock.conf
