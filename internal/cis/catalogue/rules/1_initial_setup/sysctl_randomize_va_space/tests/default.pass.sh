printf 'kernel.randomize_va_space = 2\n' >/etc/sysctl.d/60-test.conf
