mkdir -p /var/log/audit && printf 'x\n' >/var/log/audit/audit.log && chgrp 4242 /var/log/audit/audit.log
