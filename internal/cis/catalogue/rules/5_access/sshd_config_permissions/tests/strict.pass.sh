printf 'MaxSessions 4\n' >/etc/ssh/sshd_config.d/50-test.conf
chmod 0600 /etc/ssh/sshd_config /etc/ssh/sshd_config.d/50-test.conf
chown root:root /etc/ssh/sshd_config /etc/ssh/sshd_config.d/50-test.conf
