grep -Eq '^[^#]*/nologin$' /etc/shells && { h_say 'nologin is in /etc/shells'; return 1; }; h_say 'nologin is not in /etc/shells'
