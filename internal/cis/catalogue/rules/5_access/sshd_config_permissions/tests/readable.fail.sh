chmod 0644 /etc/ssh/sshd_config
printf 'MaxSessions 4\n' >/etc/ssh/sshd_config.d/50-test.conf
chmod 0644 /etc/ssh/sshd_config.d/50-test.conf
