# A drop-in that sorts after ours turns the keep-alive off.
printf 'ClientAliveInterval 0\n' >/etc/ssh/sshd_config.d/50-test.conf
