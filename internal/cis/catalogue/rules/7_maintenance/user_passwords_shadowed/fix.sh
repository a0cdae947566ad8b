pwconv
h_say 'ran pwconv: password hashes moved to /etc/shadow'
