chmod 0755 bin/tool
chmod 0600 private.txt
chmod 0644 plain.txt
chmod 0750 bin
