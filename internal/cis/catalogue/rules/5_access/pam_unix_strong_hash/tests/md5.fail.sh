# No remediation: it is reported.
sed -i -E '/pam_unix\.so/s/[[:space:]](yescrypt|sha512)/ md5/' /etc/pam.d/common-password
