printf 'kernel.randomize_va_space = 0\n' >/etc/sysctl.d/50-test.conf
