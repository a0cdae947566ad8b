# No remediation: it is reported (the build user may rely on it).
printf 'admin ALL=(ALL) NOPASSWD: ALL\n' >/etc/sudoers.d/50-test
chmod 0440 /etc/sudoers.d/50-test
