# A drop-in that sorts after ours (like cloud-init's) sets a weaker value.
printf 'MaxSessions 100\n' >/etc/ssh/sshd_config.d/50-test.conf
