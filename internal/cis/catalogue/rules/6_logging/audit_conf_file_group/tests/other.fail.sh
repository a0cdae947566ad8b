chgrp 4242 /etc/audit/auditd.conf
