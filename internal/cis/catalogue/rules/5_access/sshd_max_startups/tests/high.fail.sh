printf 'MaxStartups 100:30:200\n' >/etc/ssh/sshd_config.d/50-test.conf
