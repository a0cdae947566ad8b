printf 'MACs hmac-sha2-256,hmac-sha1\n' >/etc/ssh/sshd_config.d/50-test.conf
