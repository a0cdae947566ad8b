# The distribution's banner: it names the OS and uses getty escapes.
printf 'Debian GNU/Linux 12 \\n \\l\n' >/etc/issue
