printf 'Defaults timestamp_timeout=60\n' >/etc/sudoers.d/50-test
chmod 0440 /etc/sudoers.d/50-test
