! grep -rqs '^[^#]*hard[[:space:]]*core' /etc/security/limits.conf /etc/security/limits.d
