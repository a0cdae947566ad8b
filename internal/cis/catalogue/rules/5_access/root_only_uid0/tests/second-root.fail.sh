# A second account with UID 0 (no remediation: it is reported).
printf 'toor:x:0:0:root:/root:/bin/sh\n' >>/etc/passwd
