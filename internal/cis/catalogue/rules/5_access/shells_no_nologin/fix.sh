sed -i -E '/^[^#]*\/nologin$/d' /etc/shells && h_say 'removed nologin from /etc/shells'
