# even_deny_root, but root is unlocked again after 10 seconds.
printf 'even_deny_root\nroot_unlock_time = 10\n' >>/etc/security/faillock.conf
