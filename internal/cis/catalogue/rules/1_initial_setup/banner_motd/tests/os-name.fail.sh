printf 'Debian GNU/Linux comes with ABSOLUTELY NO WARRANTY \\r\n' >/etc/motd
