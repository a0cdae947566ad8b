# The parameter names the server; the image has no upload configuration.
P_journald_upload_url=https://logs.example.com:19532
