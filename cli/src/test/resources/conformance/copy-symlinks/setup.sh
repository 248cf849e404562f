# symlinks git would keep, but made here so the case stands alone: relative, absolute, dangling
ln -s target.txt link.txt
ln -s sub/x.txt dir/rel-link
ln -s /etc/passwd dir/abs-link
ln -s missing dir/dangling
