# No remediation: it is reported.
useradd -M -g 0 rt-gid0
