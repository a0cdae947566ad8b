# The administrator built the database (a stand-in: aideinit over the whole
# image takes minutes).
mkdir -p /var/lib/aide
printf 'AIDE database stand-in\n' >/var/lib/aide/aide.db
