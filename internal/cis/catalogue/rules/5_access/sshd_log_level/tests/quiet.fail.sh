printf 'LogLevel QUIET\n' >/etc/ssh/sshd_config.d/50-test.conf
